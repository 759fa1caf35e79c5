"""Finding categories and severities: the vocabulary shared by the lexicon data and the checks.

They live here, at the bottom of the layering (checking → lexicon), and
``checking.findings`` re-exports them.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    FORMULATION = "formulation"
    BANNED = "banned"
    SECRECY = "secrecy"
    PII = "pii"
    TYPO = "typo"
    PUNCTUATION = "punctuation"
    NUMBER = "number"
    LINK = "link"
    DISCLOSURE = "disclosure"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


CATEGORY_LABELS: dict[Category, str] = {
    Category.FORMULATION: "规范表述",
    Category.BANNED: "禁用词",
    Category.SECRECY: "涉密标志",
    Category.PII: "个人信息",
    Category.TYPO: "错别字",
    Category.PUNCTUATION: "标点",
    Category.NUMBER: "数字用法",
    Category.LINK: "链接",
    Category.DISCLOSURE: "公开属性",
}

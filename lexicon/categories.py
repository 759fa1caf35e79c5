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
    INVISIBLE = "invisible"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


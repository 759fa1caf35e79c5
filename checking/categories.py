"""What each finding category is, in one table: how the automated pass ranks and filters its
findings, what people read, and who may waive it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lexicon.categories import Category


class Waiver(StrEnum):
    """Who may waive an error finding of the category (docs/architecture.md §2). A workflow grants waiving
    per stage (``waivable`` in its TOML); the shipped 三审三校 follows these rules."""

    REVIEW = "review"  # 初审, 复审 and 终审
    FINAL = "final"  # political: only 终审
    SECRECY = "secrecy"  # only 保密审查


@dataclass(frozen=True, slots=True)
class CategoryRule:
    priority: int  # of two findings over one span, the lower number (the more specific category) wins
    label: str
    waiver: Waiver
    allow_listed: bool  # a finding touching an allow-list entry is dropped
    names_right_form: bool  # the finding names the right form of a whole term: a typo inside it is dropped


CATEGORIES: dict[Category, CategoryRule] = {
    Category.FORMULATION: CategoryRule(40, "规范表述", Waiver.FINAL, allow_listed=True, names_right_form=True),
    Category.BANNED: CategoryRule(30, "禁用词", Waiver.FINAL, allow_listed=True, names_right_form=True),
    Category.SECRECY: CategoryRule(20, "涉密标志", Waiver.SECRECY, allow_listed=True, names_right_form=False),
    Category.PII: CategoryRule(10, "个人信息", Waiver.REVIEW, allow_listed=False, names_right_form=False),
    Category.TYPO: CategoryRule(50, "错别字", Waiver.REVIEW, allow_listed=True, names_right_form=False),
    Category.PUNCTUATION: CategoryRule(80, "标点", Waiver.REVIEW, allow_listed=False, names_right_form=False),
    Category.NUMBER: CategoryRule(70, "数字用法", Waiver.REVIEW, allow_listed=False, names_right_form=False),
    Category.LINK: CategoryRule(60, "链接", Waiver.REVIEW, allow_listed=False, names_right_form=False),
    Category.DISCLOSURE: CategoryRule(90, "公开属性", Waiver.REVIEW, allow_listed=False, names_right_form=False),
    Category.INVISIBLE: CategoryRule(5, "不可见字符", Waiver.REVIEW, allow_listed=False, names_right_form=False),
}
CATEGORY_LABELS: dict[Category, str] = {category: rule.label for category, rule in CATEGORIES.items()}

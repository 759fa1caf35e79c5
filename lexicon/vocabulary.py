"""The words a draft is stored with (status, kind, 公开属性), each with its one Chinese label.

Members are ``str``: the database columns and JSON keep the plain values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Term(StrEnum):
    """A stored value and the label people read; the label defaults to the value itself."""

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        term = str.__new__(cls, value)
        term._value_ = value
        term.label = label or value
        return term

    @classmethod
    def of(cls, value: str | None) -> Self | None:
        """The member stored as ``value``; None if it is not one."""
        return cls._value2member_map_.get(value)  # type: ignore[return-value]

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value; the value itself if it is not one of these terms."""
        term = cls.of(value)
        return term.label if term is not None else value


class DraftStatus(Term):
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过，待发布"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤稿"
    CHECKING = "checking", "检查中"  # the automated pass of the current revision is not done yet


class DraftKind(Term):
    NEWS = "news", "新闻"
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    ANNOUNCEMENT = "announcement", "公告"
    REPORT = "report", "工作报告"
    REGULATION = "regulation", "规章"
    NORMATIVE = "normative", "行政规范性文件"
    REPLY = "reply", "政府信息公开申请答复书"


class Disclosure(Term):
    """公开属性: the stored value is the regulations' own term, so it is its label too."""

    PUBLIC = "主动公开"
    ON_REQUEST = "依申请公开"
    WITHHELD = "不予公开"


class ColumnKind(Term):
    """What a site column (栏目) holds; the kind gives a new column its default update rule."""

    HOME = "home", "首页"
    NEWS = "news", "动态要闻"
    NOTICE = "notice", "通知公告"
    POLICY = "policy", "政策文件"
    PERSONNEL = "personnel", "人事信息"
    PLAN = "plan", "规划计划"
    OTHER = "other", "其他"

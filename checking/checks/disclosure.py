"""`disclosure`: the metadata rules (公开属性, reasons, policy + interpretation)."""

from __future__ import annotations

from checking.findings import Category, Finding, Severity
from lexicon.vocabulary import Disclosure, DraftKind


def check(disclosure: str | None, reason: str | None, kind: str, has_interpretation: bool) -> list[Finding]:
    out = []

    def add(rule: str, message: str) -> None:
        out.append(Finding(rule, Category.DISCLOSURE, Severity.ERROR, 0, 0, "", None, message))

    value = (disclosure or "").strip()
    if not value:
        add("disclosure.missing", "未设置公开属性（主动公开、依申请公开或不予公开），稿件不能进入审核")
    elif Disclosure.of(value) is None:
        add("disclosure.invalid", f"公开属性“{value}”无效，应为主动公开、依申请公开或不予公开")
    elif value == Disclosure.WITHHELD and not (reason or "").strip():
        add("disclosure.no-reason", "不予公开须说明理由")
    if kind == DraftKind.POLICY and not has_interpretation:
        add("disclosure.no-interpretation", "政策文件须同步提交政策解读（三同步：不解读不运转）")
    return out

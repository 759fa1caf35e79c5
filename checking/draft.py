"""The automated pass over everything a draft publishes: the title, the body (with the draft's
metadata) and the text read out of each attachment, every finding located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checking.check import Checker
from checking.context import DraftMeta
from checking.findings import Category, Finding, Severity
from checking.located import BODY, TITLE, DraftReport, Located, Location

RULE_NO_TEXT = "attachment.no-text"
RULE_UNREADABLE = "attachment.unreadable"
NO_TEXT = "附件无可检查的文字（如扫描件或图片）：机器预审无法检查其中内容，请人工核对有无个人信息、密级标志"


@dataclass(frozen=True, slots=True)
class Passage:
    """One text checked on its own: a whole file, a PDF page or a sheet."""

    location: Location
    text: str


@dataclass(frozen=True)
class AttachmentText:
    """What could be read out of one attachment, or why nothing could (in Chinese)."""

    name: str
    passages: tuple[Passage, ...] = ()
    unreadable: str | None = None


def check_draft(checker: Checker, *, title: str, body: str, attachments: Sequence[AttachmentText],
                meta: DraftMeta | None) -> DraftReport:
    found = [*_located(checker, TITLE, title), *_located(checker, BODY, body, meta)]
    for attachment in attachments:
        found += _attachment_findings(checker, attachment)
    return DraftReport(tuple(found), checker.version)


def _located(checker: Checker, where: Location, text: str, meta: DraftMeta | None = None) -> list[Located]:
    return [Located(where, f) for f in checker.check(text, meta=meta).findings]


def _attachment_findings(checker: Checker, attachment: AttachmentText) -> list[Located]:
    """An unreadable attachment is an error (nothing in it was checked); one without text, a warning."""
    whole = Location.of_attachment(attachment.name)
    if attachment.unreadable is not None:
        return [Located(whole, _notice(RULE_UNREADABLE, Severity.ERROR, attachment.unreadable))]
    if not any(p.text.strip() for p in attachment.passages):
        return [Located(whole, _notice(RULE_NO_TEXT, Severity.WARNING, NO_TEXT))]
    return [f for p in attachment.passages for f in _located(checker, p.location, p.text)]


def _notice(rule: str, severity: Severity, message: str) -> Finding:
    # What an unchecked attachment risks is personal data and secrets: the 保密审查 reads it.
    return Finding(rule, Category.SECRECY, severity, 0, 0, "", None, message)

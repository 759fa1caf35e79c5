"""`check` without a draft: the automated pass over a body, and optionally a title and attachment
files, as the CLI (`sanshen check --attach`) and REST (`POST /api/v1/check`) ask for it; each
finding located (title / body / attachment + page or sheet) like a stored draft's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checking.check import Checker
from checking.context import DraftMeta
from checking.draft import AttachmentText, check_draft
from checking.findings import Finding, Severity
from checking.located import BODY, TITLE, Location, Part
from sanshen.service.attachment_text import attachment_text
from sanshen.service.errors import TooLarge
from sanshen.service.views import CheckedFindingView, CheckReportView, LocationView

# What one REST check may ask for: characters of title, body and attachment text together (about
# ten long notices; the REST endpoint is no batch service) …
API_MAX_CHARS = 50_000
# … and how often one user may ask: so many checks per window of seconds.
API_RATE = 20
API_RATE_WINDOW = 60.0


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    data: bytes


def check_texts(
    checker: Checker,
    *,
    body: str,
    title: str = "",
    attachments: Sequence[AttachmentFile] = (),
    meta: DraftMeta | None = None,
    max_chars: int | None = None,
) -> CheckReportView:
    """The report of everything given; an unreadable attachment is refused (as at submit), and
    more than ``max_chars`` characters in all is refused with :class:`TooLarge`."""
    texts: list[AttachmentText] = [attachment_text(a.name, a.data) for a in attachments]
    if max_chars is not None:
        total = len(body) + len(title) + sum(len(p.text) for t in texts for p in t.passages)
        if total > max_chars:
            raise TooLarge("check_too_large", f"待检查的内容共 {total} 字，超过单次检查上限 {max_chars} 字；"
                                              "请分段检查，或提交稿件后由系统检查")
    report = check_draft(checker, title=title, body=body, attachments=texts, meta=meta)
    read = {TITLE: title, BODY: body} | {p.location: p.text for t in texts for p in t.passages}
    located = tuple(_view(l.location, l.finding, read.get(l.location, "")) for l in report.findings)
    return CheckReportView(
        lexicon_version=report.lexicon_version,
        blocking=any(v.severity == Severity.ERROR for v in located),
        findings=tuple(l.finding for l in report.findings if l.location.part is Part.BODY),
        located=located if title or attachments else (),
    )


def location_view(where: Location) -> LocationView:
    return LocationView(part=str(where.part), attachment=where.attachment, page=where.page, sheet=where.sheet,
                        label=where.label)


def _view(where: Location, f: Finding, text: str) -> CheckedFindingView:
    line = text.count("\n", 0, f.start) + 1
    column = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
    return CheckedFindingView(rule=f.rule, category=str(f.category), severity=str(f.severity), start=f.start,
                              end=f.end, text=f.text, suggestion=f.suggestion, message=f.message,
                              location=location_view(where), line=line, column=column)

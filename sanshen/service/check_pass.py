"""`check` without a draft: the automated pass over a body, and optionally a title and attachment
files, as the CLI (`sanshen check --attach`) and REST (`POST /api/v1/check`) ask for it; each
finding located (title / body / attachment + page or sheet) like a stored draft's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checking.check import Checker
from checking.context import DraftMeta
from checking.draft import check_draft
from checking.findings import Finding, Severity
from checking.located import BODY, TITLE, Location, Part
from review.refusals import InvalidInput
from sanshen.service.attachment_text import attachment_text
from sanshen.service.errors import TooLarge
from sanshen.service.text_limit import MAX_ATTACHMENT_TEXT_CHARS
from sanshen.service.views import CheckedFindingView, CheckReportView, LocationView

# What one REST check may ask for: characters of title, body and attachment text together (about
# ten long notices; the REST endpoint is no batch service) …
API_MAX_CHARS = 50_000
# … and how often one user may ask: so many checks per window of seconds.
API_RATE = 20
# … and how many bytes of attachment files (decoded) one check may carry, and how many files.
API_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
API_MAX_ATTACHMENTS = 20
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
    """The report of everything given; an unreadable attachment is refused (a stored draft gets a
    finding instead: its files are read by the pass, not the request), and
    more than ``max_chars`` characters in all is refused with :class:`TooLarge`."""
    if max_chars is None:
        texts = [attachment_text(a.name, a.data) for a in attachments]
    else:  # refused as soon as the characters read so far pass the cap: no file is read further than that
        _within(max_chars, len(body) + len(title))
        if sum(len(a.data) for a in attachments) > API_MAX_ATTACHMENT_BYTES:
            raise _too_large(f"附件共 {sum(len(a.data) for a in attachments)} 字节，超过单次检查上限 "
                             f"{API_MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB；请分批检查，或提交稿件后由系统检查")
        texts, chars = [], len(body) + len(title)
        for a in attachments:
            budget = max_chars - chars
            try:
                texts.append(attachment_text(a.name, a.data, max_chars=min(budget, MAX_ATTACHMENT_TEXT_CHARS)))
            except InvalidInput as refused:
                if refused.code != "attachment_too_big" or budget >= MAX_ATTACHMENT_TEXT_CHARS:
                    raise
                raise _too_large(f"待检查的内容超过单次检查上限 {max_chars} 字（读到附件“{a.name}”时）；"
                                 "请分段检查，或提交稿件后由系统检查") from None
            chars += sum(len(p.text) for p in texts[-1].passages)
    report = check_draft(checker, title=title, body=body, attachments=texts, meta=meta)
    read = {TITLE: title, BODY: body} | {p.location: p.text for t in texts for p in t.passages}
    located = tuple(_view(l.location, l.finding, read.get(l.location, "")) for l in report.findings)
    return CheckReportView(
        lexicon_version=report.lexicon_version,
        blocking=any(v.severity == Severity.ERROR for v in located),
        findings=tuple(l.finding for l in report.findings if l.location.part is Part.BODY),
        located=located if title or attachments else (),
    )


def _within(max_chars: int, total: int) -> None:
    if total > max_chars:
        raise _too_large(f"待检查的内容共 {total} 字，超过单次检查上限 {max_chars} 字；请分段检查，或提交稿件后由系统检查")


def _too_large(message: str) -> TooLarge:
    """The refusal of a check over one of its caps (HTTP 413), with what was too large."""
    return TooLarge("check_too_large", message)


def location_view(where: Location) -> LocationView:
    return LocationView(part=str(where.part), attachment=where.attachment, page=where.page, sheet=where.sheet,
                        label=where.label)


def _view(where: Location, f: Finding, text: str) -> CheckedFindingView:
    line = text.count("\n", 0, f.start) + 1
    column = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
    return CheckedFindingView(rule=f.rule, category=str(f.category), severity=str(f.severity), start=f.start,
                              end=f.end, text=f.text, suggestion=f.suggestion, message=f.message,
                              location=location_view(where), line=line, column=column)

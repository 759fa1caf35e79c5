"""The 政府信息公开工作年度报告: its tables counted from the records (every figure with the ids it
counts), the parts admins enter (free text; 行政复议、行政诉讼; 许可、处罚、强制、收费), and the
exports (sanshen/service/annual_export.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from disclosure import annual
from disclosure.workdays import china_date
from lexicon.vocabulary import Disclosure, DraftKind
from review.refusals import InvalidInput, NotPermitted
from sanshen.service import validate
from sanshen.service.tx import action, reading
from sanshen.service.views import (
    AnnualReportView,
    DocumentRowView,
    FigureView,
    ReportCellView,
    ReportRowView,
    UserView,
)
from storage.audit import append_event
from storage.models import AnnualReportInput, AuditEvent, Draft, InfoRequest

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

READERS = ("admin", "leader", "foia")
DOCUMENT_KINDS = ((DraftKind.REGULATION.value, "规章"), (DraftKind.NORMATIVE.value, "行政规范性文件"))
MIN_YEAR, MAX_YEAR = 2008, 2100  # the regulation took effect on 2008-05-01


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput("bad_year", f"年份 {year} 不在 {MIN_YEAR}—{MAX_YEAR} 之间")
    return year


def _cell(ids, count: float | None = None) -> ReportCellView:
    ids = tuple(ids)
    return ReportCellView(count=len(ids) if count is None else count, ids=ids)


def request_records(session) -> list[annual.RequestRecord]:
    return [annual.RequestRecord(r.id, r.applicant_kind, r.organisation_kind, r.received_on, r.answered_on,
                                 r.reply_kind, r.reply_ground)
            for r in session.scalars(select(InfoRequest).order_by(InfoRequest.id))]


def published_records(session) -> list[annual.PublishedRecord]:
    withdrawn = {d: at for d, at in session.execute(
        select(AuditEvent.draft_id, AuditEvent.at).where(AuditEvent.action == "draft.withdrawn")
        .order_by(AuditEvent.seq))}
    drafts = session.execute(select(Draft.id, Draft.kind, Draft.published_at).where(
        Draft.published_at.is_not(None), Draft.disclosure == Disclosure.PUBLIC))
    return [annual.PublishedRecord(i, kind, china_date(at), china_date(withdrawn[i]) if i in withdrawn else None)
            for i, kind, at in drafts]


def build(ctx: "AppContext", actor: UserView, year: int, *, organisation: str = "") -> AnnualReportView:
    """The year's report from the records as they stand, with what admins entered."""
    if not any(actor.has_role(r) for r in READERS):
        raise NotPermitted("forbidden", "只有管理员、领导和信息公开专员可以查看政府信息公开工作年度报告")
    year = _year(year)
    with reading(ctx) as session:
        table = annual.request_table(year, request_records(session))
        published = published_records(session)
        entered = session.get(AnnualReportInput, year)
        texts = dict(entered.texts) if entered else {}
        figures = dict(entered.figures) if entered else {}
    documents = annual.document_rows(year, published, DOCUMENT_KINDS)
    by_kind = annual.document_rows(year, published, [(k.value, k.label) for k in DraftKind])
    missing = [label for key, label in annual.TEXT_SECTIONS if not texts.get(key)]
    missing += [label for key, label, _ in annual.ENTERED_FIGURES if key not in figures]
    if not any(k in figures for k in annual.litigation_keys()):
        missing.append("四、政府信息公开行政复议、行政诉讼情况")
    litigation = []
    for group, glabel in annual.LITIGATION_GROUPS:
        values = [figures.get(f"{group}.{o}") for o, _ in annual.REVIEW_OUTCOMES]
        for (o, olabel), v in zip(annual.REVIEW_OUTCOMES, values):
            litigation.append(FigureView(key=f"{group}.{o}", label=f"{glabel}：{olabel}", unit="件", value=v))
        total = sum(v for v in values if v is not None) if any(v is not None for v in values) else None
        litigation.append(FigureView(key=f"{group}.total", label=f"{glabel}：总计", unit="件", value=total))
    return AnnualReportView(
        year=year, organisation=organisation or "本机关", texts={k: texts.get(k, "") for k, _ in annual.TEXT_SECTIONS},
        documents=tuple(_document_view(d) for d in documents),
        published=tuple(_document_view(d) for d in by_kind if d.made.count or d.in_force.count),
        entered=tuple(FigureView(key=k, label=label, unit=unit, value=figures.get(k))
                      for k, label, unit in annual.ENTERED_FIGURES),
        request_columns=annual.COLUMNS,
        requests=tuple(ReportRowView(key=r.key, label=r.label, level=r.level,
                                     cells={c: _cell(cell.ids) for c, cell in r.cells.items()})
                       for r in table.rows),
        reconciles=not table.reconciles(),
        litigation=tuple(litigation),
        missing=tuple(missing),
    )


def _document_view(d: annual.DocumentRow) -> DocumentRowView:
    return DocumentRowView(kind=d.kind, label=d.label, made=_cell(d.made.ids), repealed=_cell(d.repealed.ids),
                           in_force=_cell(d.in_force.ids))


def save_inputs(ctx: "AppContext", actor: UserView, year: int, *, texts: dict[str, str] | None = None,
                figures: dict[str, str] | None = None, now: datetime) -> None:
    """An admin enters the year's free text and the figures sanshen does not hold; audited."""
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员可以填写年度报告")
    year = _year(year)
    sections = dict(annual.TEXT_SECTIONS)
    clean_texts = {}
    for key, text in (texts or {}).items():
        if key not in sections:
            raise InvalidInput("bad_section", f"未知的部分“{key}”；可用：{'、'.join(sections)}")
        clean_texts[key] = validate.body_text(text, what=sections[key]) if text.strip() else ""
    clean_figures = {}
    for key, value in (figures or {}).items():
        try:
            clean_figures[key] = annual.check_figure(key, str(value).strip())
        except ValueError as exc:
            raise InvalidInput("bad_figure", str(exc)) from None
    with action(ctx) as session:
        row = session.get(AnnualReportInput, year)
        if row is None:
            row = AnnualReportInput(year=year, texts={}, figures={}, updated_by=actor.name, updated_at=now)
            session.add(row)
        row.texts = {**row.texts, **clean_texts}
        row.figures = {**row.figures, **clean_figures}
        row.updated_by, row.updated_at = actor.name, now
        append_event(session, action="report.annual_entered", actor=actor.name, draft_id=None, at=now,
                     payload={"year": year, "texts": sorted(clean_texts), "figures": clean_figures})


def counted_requests(ctx: "AppContext", actor: UserView, report: AnnualReportView, *, now: datetime):
    """The requests the report counts, as lists show them (applicants masked), for the workbook."""
    from sanshen.service.requests import list_requests

    ids = {i for row in report.requests for cell in row.cells.values() for i in cell.ids}
    return sorted((r for r in list_requests(ctx, actor, now=now, limit=1_000_000) if r.id in ids), key=lambda r: r.id)

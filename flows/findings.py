"""Replacing a revision's findings with a newer report's, keeping what did not change.

A finding identical to one already on record keeps its row (and so its id and any
waiver); the others are marked superseded and the new ones are added under the new report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from casestore.load import finding_of, location_of
from checking.findings import Finding
from checking.located import Located, Location
from storage.models import CheckReport, FindingRow


@dataclass(frozen=True)
class Replaced:
    report_id: int
    kept: int
    added: int
    superseded: int


def _key(location: Location, f: Finding) -> tuple:
    return (location, f.rule, str(f.category), str(f.severity), f.start, f.end, f.text, f.suggestion, f.message)


def replace_findings(
    s: Session, *, draft_id: int, revision: int, revision_id: int, findings: Iterable[Located],
    sources: tuple[str, ...], source: str, lexicon_version: str, now: datetime,
) -> Replaced:
    """Record a new ``source`` report; findings of ``sources`` reports it no longer has are superseded."""
    report = CheckReport(revision_id=revision_id, lexicon_version=lexicon_version, source=source, created_at=now)
    s.add(report)
    s.flush()
    fresh: dict[tuple, list[Located]] = {}
    for lf in findings:
        fresh.setdefault(_key(lf.location, lf.finding), []).append(lf)
    current = s.scalars(
        select(FindingRow).join(CheckReport, CheckReport.id == FindingRow.report_id)
        .where(FindingRow.draft_id == draft_id, FindingRow.revision == revision,
               FindingRow.superseded.is_(False), CheckReport.source.in_(sources), CheckReport.id != report.id)
        .order_by(FindingRow.id)
    ).all()
    kept = superseded = 0
    for row in current:
        same = fresh.get(_key(location_of(row), finding_of(row)))
        if same:
            same.pop()
            kept += 1
        else:
            row.superseded = True
            superseded += 1
    added = [lf for group in fresh.values() for lf in group]
    s.add_all(_row(report.id, draft_id, revision, lf) for lf in added)
    s.flush()
    return Replaced(report.id, kept, len(added), superseded)


def _row(report_id: int, draft_id: int, revision: int, lf: Located) -> FindingRow:
    f, where = lf.finding, lf.location
    return FindingRow(report_id=report_id, draft_id=draft_id, revision=revision, rule=f.rule,
                      category=str(f.category), severity=str(f.severity), start=f.start, end=f.end, text=f.text,
                      suggestion=f.suggestion, message=f.message, part=str(where.part),
                      attachment=where.attachment, page=where.page, sheet=where.sheet)

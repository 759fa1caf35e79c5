"""The automated pass of a submitted or revised draft, off the request path.

Submitting or revising stores the revision 检查中 (``DraftStatus.CHECKING``) with a ``check`` outbox
item in the same transaction (``review.events.CheckQueued``); nobody can sign, return or waive it
before this item has run. The item runs the pass over the stored revision with no transaction held
(the CPU-heavy part: under ``sanshen serve`` the checker given is a process pool's), then in one
transaction records the findings, carries the waivers of unchanged findings from the revision before
and starts the review (``transitions.check_done``); with link checking on it queues the revision's
link check. Exactly once: the draft row is locked and its optimistic lock bumped, and an item whose
revision is no longer waiting (done by another run, revised again, withdrawn) ends as superseded.
A crash leaves the item to its lease (or to the restarted worker's release): it runs again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from casestore.apply import apply_events, enqueue_links
from casestore.load import current_revision, interpretation_of, load_case, location_of
from casestore.workflows import WorkflowVersions
from checking.located import Part
from flows.findings import replace_findings
from flows.links import extract_links
from flows.recheck import (
    SOURCES,
    CheckerFactory,
    DraftChecker,
    LexiconMoving,
    draft_meta,
    recheck_draft,
    until_current,
)
from lexicon.vocabulary import DraftKind, DraftStatus
from review import transitions
from review.carry import Found, carried_waivers
from review.case import SYSTEM_USER
from review.events import Event, WaiverCarried
from storage import lexicon_revision
from storage.db import transaction
from storage.models import Attachment, CheckReport, Draft, FindingRow, Revision, User, Waiver

SUPERSEDED = "superseded"


def run_check(engine: Engine, checkers: CheckerFactory, workflows: WorkflowVersions, *, draft_id: int,
              revision: int, now: datetime, link_check: bool) -> str:
    """Run the pending automated pass of ``revision`` of the draft; what happened, in a few words.

    ``checkers`` gives the pass under the lexicon as it is then. A pass whose lexicon is no longer
    the database's when its findings would be stored (another process changed it meanwhile; the
    re-check that change queued skips a draft 检查中) stores nothing and runs again under the new one;
    after ``MAX_PASSES`` such passes the item fails and is retried by the outbox."""
    done, policy = until_current(lambda: _pass_once(engine, checkers(), workflows, draft_id=draft_id, revision=revision,
                                                    now=now, link_check=link_check),
                                 f"passes of draft {draft_id}")
    if policy is not None:  # the policy has its interpretation now: its "no interpretation" finding goes
        try:
            recheck_draft(engine, checkers, draft_id=policy, now=now)
        except LexiconMoving:  # each of those changes queued a re-check of every draft in review
            pass
    return done


def _pass_once(engine: Engine, checker: DraftChecker, workflows: WorkflowVersions, *, draft_id: int,
               revision: int, now: datetime, link_check: bool) -> tuple[str, int | None] | None:
    """One pass and, if its lexicon is still current, its findings stored (None: it was not); what
    happened, and the policy this draft interprets (to re-check)."""
    with transaction(engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.status != DraftStatus.CHECKING or draft.current_revision != revision:
            return SUPERSEDED, None
        rev = current_revision(s, draft)
        files = s.scalars(select(Attachment).where(Attachment.revision_id == rev.id).order_by(Attachment.id)).all()
        has_interpretation = draft.kind == DraftKind.POLICY and interpretation_of(s, draft.id) is not None
        meta = draft_meta(draft, has_interpretation=has_interpretation)
    report = checker.check_revision(rev.title, rev.body, files, meta=meta)
    with transaction(engine) as s:
        draft = s.get(Draft, draft_id, with_for_update=True)
        if draft.status != DraftStatus.CHECKING or draft.current_revision != revision:
            return SUPERSEDED, None
        if checker.lexicon_revision is not None and lexicon_revision.held_in(s) != checker.lexicon_revision:
            return None  # stale: the lexicon changed while the pass ran
        rev = current_revision(s, draft)
        replace_findings(s, draft_id=draft_id, revision=revision, revision_id=rev.id, findings=report.findings,
                         sources=SOURCES, source="submit", lexicon_version=report.lexicon_version, now=now)
        carried = _carried_waivers(s, draft_id, rev)
        wf = workflows.of(s, draft)
        errors = sum(1 for lf in report.findings if str(lf.finding.severity) == "error")
        events = carried + transitions.check_done(
            wf, load_case(s, draft_id), revision=revision, lexicon_version=report.lexicon_version,
            findings=len(report.findings), errors=errors, now=now)
        apply_events(s, draft, events, now=now, actor=SYSTEM_USER, workflow=wf)
        if link_check and extract_links(rev.body):  # nothing to probe: no item, no Prefect slot taken for it
            enqueue_links(s, draft_id, revision, now)
        policy = draft.interprets_id
    return f"checked: {len(report.findings)} findings, {errors} errors", policy


def _found(row: FindingRow) -> Found:
    return Found(row.id, location_of(row), row.rule, row.category, row.start, row.end, row.text)


def _carried_waivers(session: Session, draft_id: int, new: Revision) -> list[Event]:
    """WaiverCarried for each new finding matching a waived one of the last checked revision before
    ``new``, with its context unchanged."""
    old = session.scalar(
        select(Revision).where(Revision.draft_id == draft_id, Revision.number < new.number,
                               select(func.count()).select_from(CheckReport)
                               .where(CheckReport.revision_id == Revision.id, CheckReport.source.in_(SOURCES))
                               .scalar_subquery() > 0)
        .order_by(Revision.number.desc()).limit(1))
    if old is None:
        return []
    waived = {
        row.id: (row, w) for row, w in session.execute(
            select(FindingRow, Waiver).join(Waiver, Waiver.finding_id == FindingRow.id)
            .where(FindingRow.draft_id == draft_id, FindingRow.revision == old.number,
                   FindingRow.superseded.is_(False)))
    }
    if not waived:
        return []
    fresh = session.scalars(select(FindingRow).where(FindingRow.draft_id == draft_id, FindingRow.revision == new.number,
                                                     FindingRow.superseded.is_(False))).all()
    pairs = carried_waivers(
        (_found(row) for row, _ in waived.values()), (_found(row) for row in fresh),
        old_texts={Part.TITLE: old.title, Part.BODY: old.body}, new_texts={Part.TITLE: new.title, Part.BODY: new.body},
    )
    names = dict(session.execute(select(User.id, User.name)).all())
    return [WaiverCarried(new_f.id, old_f.id, new.number, waived[old_f.id][1].stage,
                          names[waived[old_f.id][1].user_id], waived[old_f.id][1].reason)
            for new_f, old_f in pairs]

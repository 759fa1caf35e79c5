"""A transition's events written to the database.

``apply_events`` writes what a transition returned: stage tasks, sign-offs, waivers, draft
status, one audit event per domain event, and the outbox rows that start the automated
work (check, route, publish, withdraw). Link checks are queued by the automated pass when it is
done (flows/draftcheck.py), and only when link checking is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from casestore.load import current_revision, load_case
from casestore.workflows import WorkflowVersions
from lexicon.vocabulary import DraftKind, DraftStatus
from review import events as ev
from review.case import SYSTEM_USER
from review.change import CHANGE_LABELS
from review.refusals import lost_race
from review.transitions import publication_blockers
from review.workflow import WorkflowDef
from storage.audit import append_event
from storage.models import Draft, Notification, SignOff, StageTask, User, Waiver
from storage.outbox import enqueue

# Statements every transition runs, built once (statements are immutable; building one and its
# cache key costs about as much as running it). An UPDATE's parameters may not share a column's name.
_BUMP_LOCK = (
    update(Draft)
    .where(Draft.id == bindparam("p_draft"), Draft.lock_version == bindparam("read"))
    .values(lock_version=bindparam("next"))
    .execution_options(synchronize_session=False)
)


def bump_lock(session: Session, draft: Draft) -> None:
    """Optimistic lock: claim the draft at the version it was read, or refuse."""
    read = draft.lock_version
    result = session.execute(_BUMP_LOCK, {"p_draft": draft.id, "read": read, "next": read + 1})
    if result.rowcount != 1:
        raise lost_race()
    set_committed_value(draft, "lock_version", read + 1)


class _Users:
    """Name → id, resolved once per batch; the "system" user is created on first use."""

    def __init__(self, session: Session, now: datetime) -> None:
        self._session = session
        self._now = now
        self._ids: dict[str, int] = {}

    def known(self, name: str, uid: int) -> None:
        self._ids[name] = uid

    def id(self, name: str) -> int:
        if name not in self._ids:
            if name == SYSTEM_USER:
                uid = system_user_id(self._session, now=self._now)
            else:
                uid = self._session.scalar(select(User.id).where(User.name == name))
                if uid is None:
                    raise LookupError(f"user {name} does not exist")
            self._ids[name] = uid
        return self._ids[name]

    def find(self, name: str) -> int | None:
        """The id of a person, or None if no user has this name (resolved once per batch too)."""
        if name not in self._ids:
            uid = self._session.scalar(select(User.id).where(User.name == name))
            if uid is None:
                return None
            self._ids[name] = uid
        return self._ids[name]


def system_user_id(session: Session, *, now: datetime) -> int:
    """The "system" user that signs the automated stages (no roles, cannot sign in); created once."""
    uid = session.scalar(select(User.id).where(User.name == SYSTEM_USER))
    if uid is None:
        user = User(name=SYSTEM_USER, display="系统", roles="", active=False, created_at=now)
        session.add(user)
        session.flush()
        uid = user.id
    return uid


def apply_events(
    session: Session,
    draft: Draft,
    events: Sequence[ev.Event],
    *,
    now: datetime,
    actor: str | None = None,
    workflow: WorkflowDef | None = None,
    actor_id: int | None = None,
) -> None:
    """Write the rows, audit events and outbox rows for the events of one transition.

    ``actor`` names who acted, for events that carry no user of their own; ``actor_id``, when the
    caller knows it (the signed-in person), spares looking the name up.
    ``workflow`` decides whether an approved draft passes the publication gate.
    """
    bump_lock(session, draft)
    users = _Users(session, now)
    if actor is not None and actor_id is not None:
        users.known(actor, actor_id)
    route = False
    for event in events:
        route |= _write(session, draft, event, users, now=now, workflow=workflow)
    if route:
        enqueue(session, kind="route", key=f"route:{draft.id}:{draft.lock_version}",
                payload={"draft_id": draft.id}, now=now)
    session.flush()
    person = actor if actor and actor != SYSTEM_USER else None
    settle_notifications(session, draft.id, actor_id=users.find(person) if person else None, now=now)
    # The audit events last: the first append locks the chain for the rest of the transaction
    # (on PostgreSQL every other action waits for it), so as little as possible comes after it.
    for event in events:
        append_event(
            session,
            action=event.action,
            actor=_credited(event, actor),
            draft_id=draft.id,
            payload=event.payload(),
            at=now,
            flush=False,
        )
    session.flush()  # the transition's audit events in one INSERT


# Notifications that ask someone to act on a draft: read once the task is handled.
_TASK_KINDS = ("stage_opened", "draft_returned", "stage_escalated")


# Each unread "stage opened" notice of the draft, its reader's roles, and the roles the draft's open
# stages need (one uncorrelated subquery, run once): what settling needs in one round trip.
_WAITING_NOTICES = (
    select(Notification.id, User.roles, select(func.aggregate_strings(StageTask.roles, ",")).where(
        StageTask.draft_id == bindparam("draft_id"), StageTask.revision == bindparam("revision"),
        StageTask.status == "open").scalar_subquery())
    .join(User, User.id == Notification.user_id)
    .where(Notification.draft_id == bindparam("draft_id"), Notification.kind == "stage_opened",
           Notification.read_at.is_(None))
)
_SETTLE = (
    update(Notification)
    .where(Notification.draft_id == bindparam("p_draft"), Notification.read_at.is_(None),
           or_(and_(Notification.user_id == bindparam("p_user"), Notification.kind.in_(_TASK_KINDS)),
               Notification.id.in_(bindparam("done", expanding=True))))
    .values(read_at=bindparam("now")).execution_options(synchronize_session=False)
)


def _roles(joined: str | None) -> set[str]:
    return {r for r in (joined or "").split(",") if r}


def settle_notifications(session: Session, draft_id: int, *, actor_id: int | None, now: datetime) -> None:
    """Mark read the task notifications of this draft that are handled: the acting person's own
    (they acted on the draft), and everyone's whose roles no open stage of the draft needs any more."""
    draft = session.get(Draft, draft_id)
    waiting = session.execute(_WAITING_NOTICES, {"draft_id": draft_id, "revision": draft.current_revision}).all()
    done = [nid for nid, roles, open_roles in waiting if not _roles(open_roles) & _roles(roles)]
    if actor_id is not None or done:
        session.execute(_SETTLE, {"p_draft": draft_id, "p_user": actor_id, "done": done, "now": now})


# What the workflow does by itself as a consequence of someone's action: credited to the system,
# not to whoever signed the step before (a stage opening is nobody's act).
_SYSTEM_CONSEQUENCES = (ev.StageOpened, ev.StageClosed, ev.DraftApproved)


def _credited(event: ev.Event, actor: str | None) -> str:
    if isinstance(event, _SYSTEM_CONSEQUENCES):
        return SYSTEM_USER
    return getattr(event, "user", None) or actor or SYSTEM_USER


_CLOSE_STAGE = (
    update(StageTask)
    .where(StageTask.draft_id == bindparam("p_draft"), StageTask.revision == bindparam("p_revision"),
           StageTask.stage == bindparam("p_stage"), StageTask.status == "open")
    .values(status=bindparam("outcome"), closed_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def _write(session: Session, draft: Draft, event: ev.Event, users: _Users, *,
           now: datetime, workflow: WorkflowDef | None) -> bool:
    """Write one event's rows; True if someone is to be told (a stage opened, a return to the author)."""
    if isinstance(event, ev.StageOpened):
        session.add(StageTask(
            draft_id=draft.id, revision=event.revision, stage=event.stage,
            roles=",".join(sorted(event.roles)), status="open", opened_at=now, due_at=event.due_at,
            urgent=draft.urgent,
        ))
        return True
    if isinstance(event, ev.StageSigned):
        session.add(SignOff(
            draft_id=draft.id, revision=event.revision, content_hash=event.content_hash,
            stage=event.stage, user_id=users.id(event.user), decision="approve",
            comment=event.comment, at=event.at,
        ))
    elif isinstance(event, ev.SignoffCarried):
        session.add(SignOff(
            draft_id=draft.id, revision=event.revision, content_hash=event.content_hash,
            stage=event.stage, user_id=users.id(event.signer), decision="approve",
            comment=f"沿用第 {event.from_revision} 版的签批（{CHANGE_LABELS.get(event.change, event.change)}，按流程规则保留）",
            at=now,
        ))
    elif isinstance(event, ev.WaiverCarried):
        original = session.scalar(select(Waiver).where(Waiver.finding_id == event.from_finding_id))
        session.add(Waiver(
            finding_id=event.finding_id, draft_id=draft.id, user_id=users.id(event.waived_by),
            stage=event.stage, reason=event.reason, at=now, carried_from=original.id if original else None,
        ))
    elif isinstance(event, ev.StageClosed):
        session.execute(_CLOSE_STAGE, {"p_draft": draft.id, "p_revision": event.revision, "p_stage": event.stage,
                                       "outcome": event.outcome, "now": now})
    elif isinstance(event, ev.SignoffsVoided):
        session.execute(
            update(SignOff)
            .where(SignOff.draft_id == draft.id, SignOff.revision == event.revision,
                   SignOff.stage.in_(list(event.stages)), SignOff.voided_at.is_(None))
            .values(voided_at=now)
            .execution_options(synchronize_session=False)
        )
    elif isinstance(event, ev.DraftReturned):
        session.add(SignOff(
            draft_id=draft.id, revision=draft.current_revision,
            content_hash=current_revision(session, draft).content_hash,
            stage=event.from_stage, user_id=users.id(event.user), decision="return",
            comment=event.comment, at=now,
        ))
        if event.to_stage is None:
            draft.status = DraftStatus.RETURNED
            return True
    elif isinstance(event, ev.RevisionCreated):
        draft.current_revision = event.revision
        draft.status = DraftStatus.IN_REVIEW
    elif isinstance(event, ev.CheckQueued):
        draft.status = DraftStatus.CHECKING
        enqueue_check(session, draft.id, event.revision, now)
    elif isinstance(event, ev.CheckCompleted):
        draft.status = DraftStatus.IN_REVIEW
    elif isinstance(event, ev.FindingWaived):
        session.add(Waiver(
            finding_id=event.finding_id, draft_id=draft.id, user_id=users.id(event.user),
            stage=event.stage, reason=event.reason, at=now,
        ))
    elif isinstance(event, ev.DraftApproved):
        draft.status = DraftStatus.APPROVED
        _release_for_publication(session, draft, now=now, workflow=workflow)
    elif isinstance(event, ev.DraftWithdrawn):
        draft.status = DraftStatus.WITHDRAWN
        enqueue(session, kind="withdraw", key=f"withdraw:{draft.id}:{draft.lock_version}",
                payload={"draft_id": draft.id}, now=now)
    elif isinstance(event, ev.StageEscalated):
        session.execute(
            update(StageTask)
            .where(StageTask.draft_id == draft.id, StageTask.revision == event.revision,
                   StageTask.stage == event.stage, StageTask.status == "open")
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
    return False


def enqueue_check(session: Session, draft_id: int, revision: int, now: datetime) -> bool:
    """Queue the automated pass of a revision (one item per revision)."""
    return enqueue(session, kind="check", key=f"check:{draft_id}:{revision}",
                   payload={"draft_id": draft_id, "revision": revision}, now=now)


def enqueue_links(session: Session, draft_id: int, revision: int, now: datetime) -> None:
    enqueue(session, kind="links", key=f"links:{draft_id}:{revision}",
            payload={"draft_id": draft_id, "revision": revision}, now=now)


def _enqueue_publish(session: Session, draft_id: int, content_hash_: str, now: datetime,
                     at: datetime | None = None) -> None:
    """Queue a publication, to run at ``at`` (定时发布) or at once."""
    enqueue(session, kind="publish", key=f"publish:{draft_id}:{content_hash_}",
            payload={"draft_id": draft_id, "content_hash": content_hash_}, now=now,
            available_at=max(at, now) if at is not None else None)


def _release_for_publication(session: Session, draft: Draft, *, now: datetime,
                             workflow: WorkflowDef | None) -> None:
    """Queue publication once the gate passes; a policy and its interpretation go out together (三同步).

    Every stage signed (DraftApproved) is not yet the gate: a draft that is not 主动公开, or a
    policy whose interpretation is not fully signed, stays approved but unpublished.
    """
    if workflow is None:
        raise ValueError("apply_events needs the workflow to decide on publication")
    session.flush()
    policy = draft if draft.kind == DraftKind.POLICY else None
    if draft.kind == DraftKind.INTERPRETATION and draft.interprets_id is not None:
        policy = session.get(Draft, draft.interprets_id)
    lead = policy or draft
    if lead.status != DraftStatus.APPROVED:
        return  # an interpretation waits for its policy's last signature
    if lead.workflow_version != workflow.version:  # the policy started under another version
        workflow = WorkflowVersions(workflow).of(session, lead)
    case = load_case(session, lead.id)
    if publication_blockers(workflow, case):
        return
    # a scheduled draft goes out at its time; a policy and its interpretation at the later of theirs
    partner = session.get(Draft, case.interpretation.draft_id) if case.interpretation is not None else None
    at = max((d.publish_at for d in (lead, partner) if d is not None and d.publish_at is not None), default=None)
    _enqueue_publish(session, lead.id, case.content_hash, now, at)
    if case.interpretation is not None:
        _enqueue_publish(session, case.interpretation.draft_id, case.interpretation.content_hash, now, at)

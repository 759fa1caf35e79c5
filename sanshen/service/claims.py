"""Claiming a task ("我来处理"): one holder per open stage task. Colleagues still see the task in
their queue, with the holder's name, but it leaves their "next item". Claiming is advisory: it
does not stop anyone with the right to sign from signing (a claim must never block a deadline)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, false, or_, select
from sqlalchemy.exc import IntegrityError

from casestore.load import load_case
from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import drafts
from sanshen.service.allowed import allowed_actions
from sanshen.service.tx import action, reading
from sanshen.service.views import ClaimView, QueueItem, UserView
from storage.audit import append_event
from storage.models import Draft, StageTask, TaskClaim, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext


def _open_task(session, ctx: "AppContext", actor: UserView, draft_id: int, stage: str | None, *,
               now: datetime, must_sign: bool) -> StageTask:
    """The open task of the draft's current revision that ``actor`` means: the stage named, else the
    one stage they may sign (claiming) or the one they hold (releasing)."""
    draft = drafts._get_draft(session, draft_id)
    wf = ctx.workflows.of(session, draft)
    drafts._require_reader(wf, actor, draft)
    if stage is not None:
        stage = wf.stage(stage).name
    tasks = session.scalars(select(StageTask).where(
        StageTask.draft_id == draft_id, StageTask.revision == draft.current_revision, StageTask.status == "open"
    ).order_by(StageTask.id)).all()
    if must_sign:
        signable = set(allowed_actions(wf, load_case(session, draft_id), actor.actor(), now=now).can_sign)
        candidates = [t for t in tasks if t.stage in signable and (stage is None or t.stage == stage)]
        if not candidates:
            where = f"“{stage}”环节" if stage else "任何正在进行的环节"
            raise NotPermitted("cannot_claim", f"稿件 {draft_id} 的{where}现在不是您可以签批的任务，不能认领")
    else:
        mine = set(session.scalars(select(TaskClaim.task_id).where(
            TaskClaim.task_id.in_([t.id for t in tasks]), TaskClaim.user_id == actor.id)))
        candidates = [t for t in tasks if (stage is None or t.stage == stage)
                      and (t.id in mine or actor.has_role("admin"))]
        if not candidates:
            raise InvalidInput("not_claimed", f"您没有认领稿件 {draft_id} 的任务")
    if len(candidates) > 1:
        names = "、".join(t.stage for t in candidates)
        raise InvalidInput("stage_required", f"稿件 {draft_id} 有多个环节（{names}），请指明环节")
    return candidates[0]


def claim(ctx: "AppContext", actor: UserView, draft_id: int, *, stage: str | None = None,
          now: datetime) -> ClaimView:
    """Hold the open task the user may sign on this draft; holding it already is no error."""
    try:
        with action(ctx) as session:
            task = _open_task(session, ctx, actor, draft_id, stage, now=now, must_sign=True)
            held = session.execute(
                select(TaskClaim, User.name).join(User, User.id == TaskClaim.user_id)
                .where(TaskClaim.task_id == task.id)
            ).first()
            if held is not None:
                existing, holder = held
                if existing.user_id != actor.id:
                    raise Conflict("claimed", f"稿件 {draft_id} 的“{task.stage}”已由 {holder} 认领处理")
                return ClaimView(draft_id=draft_id, stage=task.stage, user=holder, claimed_at=existing.claimed_at)
            session.add(TaskClaim(task_id=task.id, draft_id=draft_id, user_id=actor.id, claimed_at=now))
            append_event(session, action="task.claimed", actor=actor.name, draft_id=draft_id,
                         payload={"stage": task.stage, "revision": task.revision}, at=now)
            return ClaimView(draft_id=draft_id, stage=task.stage, user=actor.name, claimed_at=now)
    except IntegrityError:  # someone claimed it between our read and our write
        raise Conflict("claimed", f"稿件 {draft_id} 的任务刚被他人认领") from None


def unclaim(ctx: "AppContext", actor: UserView, draft_id: int, *, stage: str | None = None,
            now: datetime) -> ClaimView:
    """Let go of a held task (the holder, or an admin releasing a colleague's)."""
    with action(ctx) as session:
        task = _open_task(session, ctx, actor, draft_id, stage, now=now, must_sign=False)
        held = session.execute(
            select(TaskClaim, User.name).join(User, User.id == TaskClaim.user_id).where(TaskClaim.task_id == task.id)
        ).first()
        if held is None:
            raise InvalidInput("not_claimed", f"稿件 {draft_id} 的“{task.stage}”没有人认领")
        existing, holder = held
        session.execute(delete(TaskClaim).where(TaskClaim.id == existing.id))
        append_event(session, action="task.released", actor=actor.name, draft_id=draft_id,
                     payload={"stage": task.stage, "revision": task.revision, "holder": holder}, at=now)
        return ClaimView(draft_id=draft_id, stage=task.stage, user=holder, claimed_at=existing.claimed_at)


def next_item(ctx: "AppContext", actor: UserView, *, now: datetime, after: int | None = None) -> QueueItem | None:
    """The task to do next: the most urgent in the user's queue that no colleague holds (the user's
    own claims first), other than the draft ``after`` (the one just done)."""
    return pick_next([i for i in drafts.queue(ctx, actor, now=now) if i.id != after], actor)


def pick_next(items: list[QueueItem], actor: UserView) -> QueueItem | None:
    """Of queue items in queue order, the next to do: the user's own claims first, then the unclaimed."""
    mine = [i for i in items if i.claimed_by == actor.name]
    free = [i for i in items if i.claimed_by is None]
    return (mine or free or [None])[0]


def urgent_waiting(ctx: "AppContext", actor: UserView, *, now: datetime) -> list[QueueItem]:
    """Urgent drafts waiting on this user now (the alert every page shows to those who can act)."""
    with reading(ctx) as session:  # most of the time there is none: one probe of the urgent-open index
        mine = or_(*(StageTask.roles.contains(role) for role in actor.roles)) if actor.roles else false()
        if session.scalar(select(StageTask.id).where(StageTask.status == "open", StageTask.urgent.is_(True), mine)
                          .limit(1)) is None:
            return []
    return drafts.queue(ctx, actor, now=now, limit=20, urgent_only=True)  # walks only the open urgent tasks


def holder_of(ctx: "AppContext", draft_id: int) -> dict[str, str]:
    """Per open stage of the draft's current revision, who holds it."""
    with reading(ctx) as session:
        return dict(session.execute(
            select(StageTask.stage, User.name)
            .join(TaskClaim, TaskClaim.task_id == StageTask.id)
            .join(User, User.id == TaskClaim.user_id)
            .join(Draft, Draft.id == StageTask.draft_id)
            .where(StageTask.draft_id == draft_id, StageTask.status == "open",
                   StageTask.revision == Draft.current_revision)
        ).all())

"""Lists of drafts beyond the queue: all drafts (filtered, paginated), what I signed or returned
(已办), and what is published (a leader needs its id to withdraw it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlmodel import Session

from lexicon.vocabulary import DraftStatus
from review.refusals import InvalidInput
from sanshen.service import validate
from sanshen.service.queue_extras import open_error_counts
from sanshen.service.tx import reading
from sanshen.service.views import DraftPage, DraftRow, HandledItem, UserView
from storage.models import Draft, SignOff, StageTask, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

PER_PAGE = 50
MAX_PER_PAGE = 200
# The calendar days of the date filters are Beijing days (the users' day), whatever the server's zone.
DAY_ZONE = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class DraftFilter:
    status: str | None = None  # a DraftStatus value or its Chinese label
    column: str | None = None
    author: str | None = None  # user name
    stage: str | None = None  # drafts with this stage open on their current revision
    since: date | None = None  # submitted on or after this day
    until: date | None = None  # submitted on or before this day
    page: int = 1
    per_page: int = PER_PAGE


def parse_day(text: str | None, *, what: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("bad_date", f"{what}应为日期，如 2026-11-24") from None


def _clean(f: DraftFilter) -> DraftFilter:
    status = (f.status or "").strip() or None
    if status is not None:
        found = DraftStatus.of(status) or next((s for s in DraftStatus if s.label == status), None)
        if found is None:
            raise InvalidInput("bad_status", f"状态“{status}”无效；可用：{'、'.join(f'{s.value}（{s.label}）' for s in DraftStatus)}")
        status = found.value
    if f.page < 1 or f.page > 1_000_000:
        raise InvalidInput("bad_page", "页码应为正整数")
    if not 1 <= f.per_page <= MAX_PER_PAGE:
        raise InvalidInput("bad_page", f"每页条数应在 1–{MAX_PER_PAGE} 之间")
    if f.since and f.until and f.since > f.until:
        raise InvalidInput("bad_date", "起始日期晚于截止日期")
    column = validate.one_line(f.column or "", what="栏目", required=False, max_chars=128) or None
    author = validate.one_line(f.author or "", what="作者", required=False, max_chars=64) or None
    stage = validate.one_line(f.stage or "", what="环节", required=False, max_chars=32) or None
    return DraftFilter(status=status, column=column, author=author, stage=stage, since=f.since, until=f.until,
                       page=f.page, per_page=f.per_page)


def _sees_all(ctx: "AppContext", session: Session, actor: UserView) -> bool:
    """Admins and whoever holds a role of a human stage see every draft (as on the draft page);
    others see their own drafts and published ones."""
    if actor.has_role("admin"):
        return True
    return any(s.human and s.roles & set(actor.roles) for wf in ctx.workflows.in_use(session) for s in wf.stages)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), DAY_ZONE).astimezone(timezone.utc)


def _filtered(stmt: Select, f: DraftFilter) -> Select:
    d = Draft
    if f.status:
        stmt = stmt.where(d.status == f.status)
    if f.column:
        stmt = stmt.where(d.column == f.column)
    if f.author:
        stmt = stmt.where(d.author_id == select(User.id).where(User.name == f.author).scalar_subquery())
    if f.stage:
        stmt = stmt.where(select(StageTask.id).where(
            StageTask.draft_id == d.id, StageTask.revision == d.current_revision, StageTask.status == "open",
            StageTask.stage == f.stage).exists())
    if f.since:
        stmt = stmt.where(d.submitted_at >= _start_of(f.since))
    if f.until:
        stmt = stmt.where(d.submitted_at < _start_of(f.until + timedelta(days=1)))
    return stmt


def _rows(session: Session, drafts: list[Draft]) -> tuple[DraftRow, ...]:
    ids = [d.id for d in drafts]
    authors = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({d.author_id for d in drafts}))).all()) if drafts else {}
    errors = open_error_counts(session, ids)
    stages: dict[int, list[str]] = {}
    if ids:
        for draft_id, stage in session.execute(
            select(StageTask.draft_id, StageTask.stage).join(Draft, Draft.id == StageTask.draft_id)
            .where(StageTask.draft_id.in_(ids), StageTask.status == "open",
                   StageTask.revision == Draft.current_revision).order_by(StageTask.id)
        ):
            stages.setdefault(draft_id, []).append(stage)
    return tuple(
        DraftRow(id=d.id, title=d.title, status=d.status, kind=d.kind, column=d.column,
                 author=authors.get(d.author_id, ""), revision=d.current_revision, urgent=d.urgent,
                 submitted_at=d.submitted_at, published_at=d.published_at,
                 open_stages=tuple(stages.get(d.id, ())), errors=errors.get(d.id, 0))
        for d in drafts
    )


def all_drafts(ctx: "AppContext", actor: UserView, filters: DraftFilter = DraftFilter()) -> DraftPage:
    """The drafts this user may read, newest first, filtered and one page of them."""
    f = _clean(filters)
    with reading(ctx) as session:
        stmt = _filtered(select(Draft), f)
        if not _sees_all(ctx, session, actor):
            stmt = stmt.where((Draft.author_id == actor.id) | (Draft.status == DraftStatus.PUBLISHED))
        total = session.scalar(select(func.count()).select_from(stmt.subquery()))
        order = (Draft.published_at.desc(), Draft.id.desc()) if f.status == DraftStatus.PUBLISHED else (Draft.id.desc(),)
        found = list(session.scalars(stmt.order_by(*order).offset((f.page - 1) * f.per_page).limit(f.per_page)))
        return DraftPage(items=_rows(session, found), page=f.page, per_page=f.per_page, total=total)


def published(ctx: "AppContext", actor: UserView, *, page: int = 1, per_page: int = PER_PAGE,
              column: str | None = None) -> DraftPage:
    """Published drafts, the most recently published first (everyone may read them)."""
    return all_drafts(ctx, actor, DraftFilter(status=DraftStatus.PUBLISHED, column=column, page=page,
                                              per_page=per_page))


def handled(ctx: "AppContext", actor: UserView, *, page: int = 1, per_page: int = PER_PAGE) -> list[HandledItem]:
    """已办: every sign-off and return this user made, newest first."""
    _clean(DraftFilter(page=page, per_page=per_page))
    with reading(ctx) as session:
        rows = session.execute(
            select(SignOff, Draft.title, Draft.status).join(Draft, Draft.id == SignOff.draft_id)
            .where(SignOff.user_id == actor.id)
            .order_by(SignOff.at.desc(), SignOff.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        ).all()
        return [HandledItem(draft_id=s.draft_id, title=title, stage=s.stage, decision=s.decision, revision=s.revision,
                            at=s.at, comment=s.comment, status=status, voided=s.voided_at is not None)
                for s, title, status in rows]

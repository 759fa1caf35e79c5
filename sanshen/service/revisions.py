"""A draft's revisions: the list, any one of them (old versions stay readable), and the
character-level diff between any two."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from review.refusals import InvalidInput
from sanshen.service import drafts
from sanshen.service.char_diff import char_diff
from sanshen.service.errors import NotFound
from sanshen.service.tx import reading
from sanshen.service.views import AttachmentView, RevisionDiffView, RevisionView, UserView
from storage.models import Attachment, Revision, User

if TYPE_CHECKING:
    from sanshen.service.context import AppContext


def _readable(session, ctx: "AppContext", actor: UserView, draft_id: int):
    draft = drafts._get_draft(session, draft_id)
    drafts._require_reader(ctx.workflows.of(session, draft), actor, draft)
    return draft


def _view(rev: Revision, author: str, *, with_body: bool) -> RevisionView:
    return RevisionView(number=rev.number, title=rev.title, content_hash=rev.content_hash, author=author,
                        comment=rev.comment, created_at=rev.created_at, body=rev.body if with_body else None)


def list_revisions(ctx: "AppContext", actor: UserView, draft_id: int) -> list[RevisionView]:
    """Every revision of the draft, the newest first (bodies left out)."""
    with reading(ctx) as session:
        _readable(session, ctx, actor, draft_id)
        return [_view(rev, name, with_body=False) for rev, name in session.execute(
            select(Revision, User.name).join(User, User.id == Revision.author_id)
            .where(Revision.draft_id == draft_id).order_by(Revision.number.desc()))]


def _get(session, draft_id: int, number: int) -> tuple[Revision, str]:
    row = session.execute(
        select(Revision, User.name).join(User, User.id == Revision.author_id)
        .where(Revision.draft_id == draft_id, Revision.number == number)
    ).first() if 1 <= number <= 1_000_000 else None
    if row is None:
        raise NotFound("unknown_revision", f"稿件 {draft_id} 没有第 {number} 版")
    return row[0], row[1]


def revision(ctx: "AppContext", actor: UserView, draft_id: int, number: int) -> RevisionView:
    with reading(ctx) as session:
        _readable(session, ctx, actor, draft_id)
        rev, name = _get(session, draft_id, number)
        return _view(rev, name, with_body=True)


def diff(ctx: "AppContext", actor: UserView, draft_id: int, *, old: int | None = None,
         new: int | None = None) -> RevisionDiffView:
    """What changed from revision ``old`` to ``new`` (default: the current one and the one before it)."""
    with reading(ctx) as session:
        draft = _readable(session, ctx, actor, draft_id)
        new = new or draft.current_revision
        old = old or max(1, new - 1)
        if old == new:
            raise InvalidInput("same_revision", "请选择两个不同的版本进行比较")
        a, _ = _get(session, draft_id, old)
        b, _ = _get(session, draft_id, new)
        before, after = _files(session, a), _files(session, b)
    lines, stats = char_diff(a.body, b.body)
    return RevisionDiffView(draft_id=draft_id, from_revision=old, to_revision=new, title_changed=a.title != b.title,
                            old_title=a.title, new_title=b.title, stats=stats, lines=lines,
                            attachments_added=_missing(after, before), attachments_removed=_missing(before, after))


def _files(session, rev: Revision) -> tuple[AttachmentView, ...]:
    return tuple(AttachmentView(id=i, name=name, size=size, sha256=sha, media_type=mt) for i, name, size, sha, mt in
                 session.execute(select(Attachment.id, Attachment.filename, Attachment.size, Attachment.sha256,
                                        Attachment.media_type)
                                 .where(Attachment.revision_id == rev.id).order_by(Attachment.id)))


def _missing(these: tuple[AttachmentView, ...], other: tuple[AttachmentView, ...]) -> tuple[AttachmentView, ...]:
    """The files of ``these`` with no file of the same name and bytes in ``other``."""
    there = {(f.name, f.sha256) for f in other}
    return tuple(f for f in these if (f.name, f.sha256) not in there)

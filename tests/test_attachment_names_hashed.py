"""An attachment's published name is covered by the content hash the signers bind to (definition 2
of ``review/revision.py``): a revision that only renames a file (same bytes) is a change, voids the
sign-offs and is reviewed again; a name changed behind the program's back stops the publisher. The
hashes stored under definition 1 (bytes only, before names were covered) keep verifying: the
publisher accepts a legacy revision whose stored hash is its definition-1 hash, and a revision
without attachments hashes the same under both definitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casestore.apply import apply_events
from casestore.load import load_case
from flows.publish import Outcome, Publisher, publish
from flows.site import StaticSite, item_path
from review import transitions
from review.refusals import Conflict
from review.revision import HASH_DEFINITION, content_hash, publish_meta
from review.workflow import default_workflow
from sanshen.service import drafts, revisions
from sanshen.service.drafts import AttachmentChange, AttachmentInput
from storage.db import transaction
from storage.models import Attachment, AuditEvent, Draft, Revision, SignOff, User
from tests.flows_support import add_draft, add_staff, sign_everything
from tests.team import CLEAN_BODY

META = {"column": "要闻", "kind": "news", "disclosure": "主动公开", "interprets": None}
SHAS = ["a" * 64, "b" * 64]


# --- the definitions (pure) ------------------------------------------------------------

def test_definition_1_is_unchanged_so_stored_hashes_keep_verifying():
    # the value main computed before names were hashed, for the same revision
    legacy = "29c120076396092517ece119e596c56d92553ad8a6bef63819d121f95ed09deb"
    files = [("议程.pdf", SHAS[0]), ("名单.pdf", SHAS[1])]
    assert content_hash("标题", "正文。", files, META, definition=1) == legacy
    assert content_hash("标题", "正文。", [("改名.pdf", SHAS[0]), ("名单.pdf", SHAS[1])], META, definition=1) == legacy


def test_definition_2_covers_names_and_agrees_with_1_without_attachments():
    files = [("议程.pdf", SHAS[0])]
    assert HASH_DEFINITION == 2
    renamed = content_hash("标题", "正文。", [("会议议程.pdf", SHAS[0])], META)
    assert content_hash("标题", "正文。", files, META) != renamed
    assert content_hash("标题", "正文。", files, META) != content_hash("标题", "正文。", files, META, definition=1)
    # the order files are listed in is not what is hashed (as in definition 1)
    two = [("议程.pdf", SHAS[0]), ("名单.pdf", SHAS[1])]
    assert content_hash("标题", "正文。", two, META) == content_hash("标题", "正文。", two[::-1], META)
    # two files swapping names is a change
    swapped = [("议程.pdf", SHAS[1]), ("名单.pdf", SHAS[0])]
    assert content_hash("标题", "正文。", two, META) != content_hash("标题", "正文。", swapped, META)
    no_files = "42b60d9e0a34cb27aeecf2c10c10476280f8bfff60f413653173a5bc80374ef7"  # main's value
    assert content_hash("标题", "正文。", [], META) == content_hash("标题", "正文。", [], META, definition=1) == no_files


# --- a rename through the service ------------------------------------------------------

@pytest.mark.db
def test_a_rename_alone_is_a_new_revision_reviewed_again(team):
    view = team.submit(attachments=(AttachmentInput("议程.txt", "会议议程。".encode()),))
    team.sign("jiao1", view.id, stage="一校")
    preview = drafts.revision_preview(team.ctx, team["bian"], view.id, CLEAN_BODY,
                                      attachments=AttachmentChange(add=(AttachmentInput("会议议程.txt", "会议议程。".encode()),),
                                                                   remove=("议程.txt",)))
    assert preview.change == "content" and [s.user for s in preview.voided] == ["jiao1"]
    revised = drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, comment="附件改名", now=team.clock(),
                            attachments=AttachmentChange(add=(AttachmentInput("会议议程.txt", "会议议程。".encode()),),
                                                         remove=("议程.txt",)))
    assert revised.revision == 2 and revised.content_hash != view.content_hash
    detail = drafts.show(team.ctx, team["jiao1"], view.id)
    assert [a.name for a in detail.attachments] == ["会议议程.txt"]
    assert [s.signoffs for s in detail.stages if s.name == "一校"] == [()]  # voided: it signed the old name
    diff = revisions.diff(team.ctx, team["jiao1"], view.id)
    assert ([a.name for a in diff.attachments_added], [a.name for a in diff.attachments_removed]) == (
        ["会议议程.txt"], ["议程.txt"])
    [trail] = team.rows(select(AuditEvent).where(AuditEvent.action == "revision.attachments"))
    assert [a["name"] for a in trail.payload["added"]] == ["会议议程.txt"]


def _make_legacy(team, draft_id: int) -> str:
    """Turn the draft's revision 1 into one stored before names were hashed: its hash (and what was
    signed on it) becomes the definition-1 hash, as main stored it."""
    with transaction(team.ctx.engine) as s:
        rev = s.scalar(select(Revision).where(Revision.draft_id == draft_id, Revision.number == 1))
        files = s.execute(select(Attachment.filename, Attachment.sha256).where(Attachment.revision_id == rev.id)).all()
        legacy = content_hash(rev.title, rev.body, files, rev.meta, definition=1)
        s.execute(update(SignOff).where(SignOff.draft_id == draft_id).values(content_hash=legacy))
        rev.content_hash = legacy
    return legacy


@pytest.mark.db
def test_a_legacy_revision_unchanged_is_no_change_and_a_rename_of_it_is_a_change(team):
    view = team.submit(attachments=(AttachmentInput("表.txt", b"a"),))
    legacy = _make_legacy(team, view.id)
    assert drafts.show(team.ctx, team["bian"], view.id).content_hash == legacy
    with pytest.raises(Conflict) as e:
        drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock(),
                      attachments=AttachmentChange(add=(AttachmentInput("表.txt", b"a"),)))
    assert e.value.code == "no_change"
    revised = drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock(),
                            attachments=AttachmentChange(add=(AttachmentInput("新表.txt", b"a"),), remove=("表.txt",)))
    assert revised.revision == 2 and revised.content_hash != legacy


# --- the publisher's check of the stored rows -------------------------------------------

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
WF = default_workflow()


def _approved_with_file(engine, *, definition: int) -> tuple[int, str]:
    """An approved draft with one attachment whose stored hash is of ``definition``."""
    title, body, name, data = "关于开展冬季安全检查的通知", "各单位：\n请于本月底前完成自查。", "检查表.txt", "检查表。".encode()
    meta = publish_meta(column="通知公告", kind="news", disclosure="主动公开", interprets=None)
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    digest = content_hash(title, body, [(name, sha)], meta, definition=definition)
    with transaction(engine) as s:
        author = add_staff(s, NOW)["bian"]
        draft, rev = add_draft(s, author, title=title, body=body, now=NOW, column="通知公告", content_hash=digest)
        rev.meta = meta
        s.add(Attachment(revision_id=rev.id, filename=name, sha256=sha, size=len(data), data=data))
        s.flush()
        apply_events(s, draft, transitions.start(WF, load_case(s, draft.id), now=NOW), now=NOW, workflow=WF)
        draft_id = draft.id
    sign_everything(engine, WF, draft_id, NOW)
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, draft_id).status == "approved" and s.scalar(select(User.id).limit(1))
    return draft_id, digest


@pytest.mark.db
@pytest.mark.parametrize("definition", [1, 2])
def test_the_publisher_accepts_a_hash_stored_under_either_definition(engine, tmp_path, definition):
    draft_id, digest = _approved_with_file(engine, definition=definition)
    publisher = Publisher(engine=engine, site=StaticSite(tmp_path / "site"), workflow=WF)
    assert publish(publisher, draft_id=draft_id, content_hash=digest, now=LATER) is Outcome.PUBLISHED
    assert (tmp_path / "site" / item_path(draft_id)).exists()


@pytest.mark.db
def test_a_name_changed_behind_the_program_stops_the_publisher(engine, tmp_path):
    draft_id, digest = _approved_with_file(engine, definition=2)
    with transaction(engine) as s:
        rev_id = s.scalar(select(Revision.id).where(Revision.draft_id == draft_id))
        s.execute(update(Attachment).where(Attachment.revision_id == rev_id).values(filename="另一个名字.txt"))
    publisher = Publisher(engine=engine, site=StaticSite(tmp_path / "site"), workflow=WF)
    assert publish(publisher, draft_id=draft_id, content_hash=digest, now=LATER) is Outcome.REFUSED
    assert not (tmp_path / "site" / item_path(draft_id)).exists()
    with transaction(engine, readonly=True) as s:
        refused = s.scalar(select(AuditEvent).where(AuditEvent.action == "publish.refused"))
    assert "不符" in refused.payload["reasons"][0]

"""After publication: a correction (更正) shows its note and date and keeps the first publication time;
a withdrawal (撤稿) takes the page off the site and out of every index and leaves a record; a live page
can be taken down while its correction is still in review."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flows.dispatcher import DispatcherConfig
from flows.site import column_path, item_path
from review.refusals import Conflict, InvalidInput
from sanshen.commands.worker import build_dispatcher
from sanshen.service import audit, columns, drafts
from sanshen.web.app import create_app
from storage.chain import format_at
from storage.models import AuditEvent, Draft, Revision, StageTask
from tests.team import settle

pytestmark = pytest.mark.db
BODY_V1 = "区政府于11月20日召开全体会议，研究部署安全生产工作。\n会议强调，要压实责任。\n"
BODY_V2 = "区政府于11月21日召开全体会议，研究部署安全生产工作。\n会议强调，要压实责任。\n"
NOTE = "会议日期误写为11月20日，更正为11月21日"


def _drain(team) -> None:
    build_dispatcher(team.ctx, use_prefect=False, config=DispatcherConfig()).drain(max_wait=0)


def _site(team):
    return team.ctx.settings.site_dir


def _manifest(team) -> dict:
    return json.loads((_site(team) / "manifest.json").read_text(encoding="utf-8"))


def _published(team, body: str = BODY_V1) -> tuple[int, object]:
    draft = team.submit(body, column="通知公告")
    team.walk(draft.id)
    at = team.clock()
    _drain(team)
    assert team.rows(select(Draft.status).where(Draft.id == draft.id)) == ["published"]
    return draft.id, at


def _revise(team, draft_id: int, body: str, comment: str):
    return settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft_id, body, comment=comment,
                         now=team.clock.advance(timedelta(minutes=1))))


def _actions(team, draft_id: int) -> list[str]:
    return team.rows(select(AuditEvent.action).where(AuditEvent.draft_id == draft_id).order_by(AuditEvent.seq))


def test_a_correction_shows_its_note_and_date_and_keeps_the_first_publication_time(team):
    draft_id, first_at = _published(team)
    first_hash = _manifest(team)[str(draft_id)]["content_hash"]
    team.clock.advance(timedelta(days=20))
    with pytest.raises(InvalidInput, match="更正说明"):
        _revise(team, draft_id, BODY_V2, comment=" ")
    assert team.count(Revision) == 1  # refused, nothing written
    _revise(team, draft_id, BODY_V2, comment=NOTE)
    assert (_site(team) / item_path(draft_id)).read_text(encoding="utf-8").count("11月20日") == 1  # still live
    team.walk(draft_id)
    corrected_at = team.clock()
    _drain(team)
    page = (_site(team) / item_path(draft_id)).read_text(encoding="utf-8")
    assert "11月21日" in page and "11月20日召开" not in page
    assert f"发布时间：<time datetime=\"{format_at(first_at)}\">" in page
    assert f"更正时间：<time datetime=\"{format_at(corrected_at)}\">" in page
    assert "<h2>更正说明</h2>" in page and f"更正：{NOTE}" in page
    entry = _manifest(team)[str(draft_id)]
    assert (entry["published_at"], entry["revision"]) == (format_at(first_at), 2)
    assert team.rows(select(Draft.published_at).where(Draft.id == draft_id)) == [first_at]
    # the trail names the version it replaced
    [corrected] = [e for e in audit.for_draft(team.ctx, team["guan"], draft_id) if e.action == "draft.corrected"]
    assert corrected.payload["supersedes"] == {"revision": 1, "content_hash": first_hash,
                                               "published_at": format_at(first_at)}
    assert (corrected.payload["note"], corrected.payload["first_published_at"]) == (NOTE, format_at(first_at))
    # freshness counts the page from its first publication: a correction does not renew the column
    view = columns.freshness(team.ctx, now=team.clock())
    assert next(c for c in view.columns if c.name == "通知公告").last_published_at == first_at


def test_a_second_correction_lists_both_notes(team):
    draft_id, _ = _published(team)
    _revise(team, draft_id, BODY_V2, comment=NOTE)
    team.walk(draft_id)
    _drain(team)
    _revise(team, draft_id, BODY_V2 + "特此通知。\n", comment="补充落款")
    team.walk(draft_id)
    _drain(team)
    page = (_site(team) / item_path(draft_id)).read_text(encoding="utf-8")
    assert page.index(f"更正：{NOTE}") < page.index("更正：补充落款")
    assert _actions(team, draft_id).count("draft.corrected") == 2


def test_a_withdrawn_page_leaves_the_site_and_every_index_and_a_record(team):
    draft_id, _ = _published(team)
    other_id, _ = _published(team, body="各单位：请按时报送材料。\n")
    title = team.rows(select(Draft.title).where(Draft.id == draft_id))[0]
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))
    assert client.get(f"/site/{item_path(draft_id)}").status_code == 200
    drafts.withdraw(team.ctx, team["ling"], draft_id, reason="数据有误，撤回核实", now=team.clock.advance(timedelta(hours=1)))
    _drain(team)
    assert not (_site(team) / item_path(draft_id)).exists()
    assert client.get(f"/site/{item_path(draft_id)}").status_code == 404
    assert str(draft_id) not in _manifest(team) and str(other_id) in _manifest(team)
    for listing in ("index.html", column_path("通知公告")):
        text = (_site(team) / listing).read_text(encoding="utf-8")
        assert item_path(draft_id) not in text and item_path(other_id) in text, listing
    assert title  # the same title stays listed only through the other page
    trail = [e for e in audit.for_draft(team.ctx, team["guan"], draft_id)
             if e.action in ("draft.withdrawn", "site.withdrawn")]
    assert [(e.action, e.actor) for e in trail] == [("draft.withdrawn", "ling"), ("site.withdrawn", "system")]
    assert trail[0].payload["reason"] == "数据有误，撤回核实"
    assert trail[1].payload["path"] == item_path(draft_id)


def test_a_live_page_can_be_taken_down_while_its_correction_is_in_review(team):
    draft_id, _ = _published(team)
    _revise(team, draft_id, BODY_V2, comment=NOTE)
    shown = drafts.show(team.ctx, team["ling"], draft_id)
    assert (shown.status, shown.can_withdraw) == ("in_review", True)
    assert drafts.queue(team.ctx, team["jiao1"], now=team.clock())  # the correction waits on 一校
    view = drafts.withdraw(team.ctx, team["ling"], draft_id, reason="涉及个人信息，立即撤下",
                           now=team.clock.advance(timedelta(minutes=5)))
    assert view.status == "withdrawn"
    assert drafts.queue(team.ctx, team["jiao1"], now=team.clock()) == []
    tasks = team.rows(select(StageTask.status).where(StageTask.draft_id == draft_id, StageTask.revision == 2))
    assert "voided" in tasks and "open" not in tasks  # the automated pass was done; 一校 is voided
    _drain(team)
    assert not (_site(team) / item_path(draft_id)).exists()
    with pytest.raises(Conflict):
        _revise(team, draft_id, BODY_V2 + "再改。\n", comment="再改")


def test_a_correction_approved_but_not_yet_out_is_not_published_after_the_withdrawal(team):
    draft_id, _ = _published(team)
    _revise(team, draft_id, BODY_V2, comment=NOTE)
    team.walk(draft_id)  # approved: its publication is queued, not yet run
    drafts.withdraw(team.ctx, team["ling"], draft_id, reason="整体撤回", now=team.clock.advance(timedelta(minutes=5)))
    _drain(team)
    assert not (_site(team) / item_path(draft_id)).exists() and str(draft_id) not in _manifest(team)
    actions = _actions(team, draft_id)
    assert "publish.refused" in actions and actions.count("draft.published") == 1


def test_only_a_draft_with_a_live_page_can_be_withdrawn(team):
    draft = team.submit(column="通知公告")
    with pytest.raises(Conflict, match="只有已发布的稿件才能撤稿"):
        drafts.withdraw(team.ctx, team["ling"], draft.id, reason="不发了", now=team.clock())
    assert drafts.show(team.ctx, team["ling"], draft.id).can_withdraw is False


def test_the_draft_page_asks_for_a_correction_note_once_the_draft_is_live(team):
    from tests.web_support import signed_in

    draft_id, _ = _published(team)
    app = create_app(team.ctx, secret=b"test-secret")
    page = signed_in(app, "bian").get(f"/drafts/{draft_id}").text
    assert "更正说明" in page and 'name="comment" type="text" required' in page
    shown = drafts.show(team.ctx, team["bian"], draft_id)
    assert (shown.live, shown.can_revise) == (True, True)  # the author may correct it

"""Lists (all drafts, 已办, published), queue rows with author/errors/waiting, claims and the next
item: through the service, the REST API, the CLI and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import claims, drafts, lists
from sanshen.web.app import create_app
from tests.team import ID_NUMBER, settle
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def test_queue_rows_carry_author_open_errors_and_waiting_since(team):
    d = team.submit(f"申请人身份证号 {ID_NUMBER}。", title="带错误的稿件")
    [item] = drafts.queue(team.ctx, team["jiao1"], now=team.clock())
    assert (item.id, item.author, item.errors, item.claimed_by) == (d.id, "bian", 1, None)
    assert item.waiting_since is not None and item.waiting_since <= team.clock()


def test_claim_hides_the_task_from_colleagues_next_item_but_not_from_their_queue(team):
    first = team.submit(title="第一篇").id
    second = team.submit(title="第二篇").id
    now = team.clock()
    assert claims.next_item(team.ctx, team["jiao2"], now=now).id == first
    held = claims.claim(team.ctx, team["jiao1"], first, now=now)
    assert (held.user, held.stage) == ("jiao1", "一校")
    # the colleague still sees it, with its holder, but is sent to the other one
    queue2 = {i.id: i.claimed_by for i in drafts.queue(team.ctx, team["jiao2"], now=now)}
    assert queue2 == {first: "jiao1", second: None}
    assert claims.next_item(team.ctx, team["jiao2"], now=now).id == second
    assert claims.next_item(team.ctx, team["jiao1"], now=now).id == first  # my claim first
    with pytest.raises(Conflict) as refused:
        claims.claim(team.ctx, team["jiao2"], first, now=now)
    assert refused.value.code == "claimed" and "jiao1" in refused.value.message
    assert claims.claim(team.ctx, team["jiao1"], first, now=now).user == "jiao1"  # again: no error
    claims.unclaim(team.ctx, team["jiao1"], first, now=now)
    assert claims.next_item(team.ctx, team["jiao2"], now=now).id == first


def test_claims_are_for_who_may_sign_and_are_audited(team):
    d = team.submit().id
    with pytest.raises(NotPermitted):
        claims.claim(team.ctx, team["shen1"], d, now=team.clock())  # 初审 is not open yet
    with pytest.raises(InvalidInput):
        claims.unclaim(team.ctx, team["jiao1"], d, now=team.clock())  # nothing held
    claims.claim(team.ctx, team["jiao1"], d, now=team.clock())
    claims.unclaim(team.ctx, team["guan"], d, now=team.clock())  # an admin releases it
    from sanshen.service import audit
    actions = [e.action for e in audit.for_draft(team.ctx, team["guan"], d)]
    assert "task.claimed" in actions and "task.released" in actions


def test_a_claim_ends_with_its_task(team):
    d = team.submit().id
    claims.claim(team.ctx, team["jiao1"], d, now=team.clock())
    team.sign("jiao1", d, stage="一校")
    assert claims.holder_of(team.ctx, d) == {}
    [item] = drafts.queue(team.ctx, team["shen1"], now=team.clock())
    assert item.claimed_by is None


def test_all_drafts_filters_and_pages(team):
    a = team.submit(title="甲", column="通知公告").id
    team.clock.advance(timedelta(days=2))
    b = team.submit(title="乙", column="工作动态").id
    team.walk(b, through="一校")
    c = team.submit(title="丙", column="通知公告").id
    me = team["shen1"]
    page = lists.all_drafts(team.ctx, me)
    assert [r.id for r in page.items] == [c, b, a] and page.total == 3
    assert [r.id for r in lists.all_drafts(team.ctx, me, lists.DraftFilter(column="通知公告")).items] == [c, a]
    assert [r.id for r in lists.all_drafts(team.ctx, me, lists.DraftFilter(stage="初审")).items] == [b]
    assert lists.all_drafts(team.ctx, me, lists.DraftFilter(stage="初审")).items[0].open_stages == ("初审",)
    day_b = (team.clock() + timedelta(hours=8)).date()  # Beijing day
    since = lists.all_drafts(team.ctx, me, lists.DraftFilter(since=day_b))
    assert [r.id for r in since.items] == [c, b]
    assert [r.id for r in lists.all_drafts(team.ctx, me, lists.DraftFilter(until=day_b - timedelta(days=1))).items] == [a]
    assert lists.all_drafts(team.ctx, me, lists.DraftFilter(author="jiao1")).total == 0
    paged = lists.all_drafts(team.ctx, me, lists.DraftFilter(per_page=2, page=2))
    assert ([r.id for r in paged.items], paged.total) == ([a], 3)
    assert lists.all_drafts(team.ctx, me, lists.DraftFilter(status="审核中")).total == 3
    with pytest.raises(InvalidInput):
        lists.all_drafts(team.ctx, me, lists.DraftFilter(status="nope"))
    with pytest.raises(InvalidInput):
        lists.all_drafts(team.ctx, me, lists.DraftFilter(page=0))


def test_an_editor_lists_own_and_published_drafts_only(team):
    from sanshen.service import users
    other, _ = users.add_user(team.ctx, None, "bian2", ("editor",), now=team.clock())
    mine = team.submit(title="我的").id
    theirs = settle(team.ctx, drafts.submit(team.ctx, other, drafts.SubmitInput(title="别人的", body="正文内容。",
                                                              disclosure="主动公开"), now=team.clock())).id
    seen = [r.id for r in lists.all_drafts(team.ctx, team["bian"]).items]
    assert mine in seen and theirs not in seen


def test_handled_and_published(team):
    d = team.submit(title="要发布的").id
    team.walk(d)
    from sanshen.commands.worker import build_dispatcher
    build_dispatcher(team.ctx, use_prefect=False).drain(max_wait=30)
    pub = lists.published(team.ctx, team["ling"])
    assert [r.id for r in pub.items] == [d] and pub.items[0].published_at is not None
    done = lists.handled(team.ctx, team["jiao1"])
    assert [(h.draft_id, h.stage, h.decision, h.voided) for h in done] == [(d, "一校", "approve", False)]
    assert done[0].status == "published"
    r = team.submit(title="退回的").id
    drafts.return_draft(team.ctx, team["jiao1"], r, comment="请核实", now=team.clock())
    assert [(h.draft_id, h.decision, h.comment) for h in lists.handled(team.ctx, team["jiao1"])][0] == (r, "return", "请核实")


def test_rest_lists_claim_and_next(team):
    client = TestClient(create_app(team.ctx, secret=b"test-secret"))

    def call(method, path, who, **kw):
        return client.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {team.tokens[who]}"}, **kw)

    d = team.submit(title="接口稿").id
    r = call("GET", "/drafts?column=&status=in_review&per_page=10", "shen1")
    assert r.status_code == 200 and r.json()["total"] == 1 and r.json()["items"][0]["id"] == d
    assert call("GET", "/drafts?status=bad", "shen1").status_code == 422
    assert call("GET", "/drafts?since=2026-13-01", "shen1").status_code == 422
    assert call("GET", "/queue/next", "jiao1").json()["id"] == d
    r = call("POST", f"/drafts/{d}/claim", "jiao1", json={})
    assert r.status_code == 200 and r.json()["user"] == "jiao1"
    assert call("GET", "/queue", "jiao2").json()[0]["claimed_by"] == "jiao1"
    r = call("GET", "/queue/next", "jiao2")
    assert r.status_code == 404 and r.json()["code"] == "queue_empty"
    assert call("POST", f"/drafts/{d}/claim", "jiao2", json={}).status_code == 409
    assert call("POST", f"/drafts/{d}/unclaim", "jiao1", json={}).status_code == 200
    assert call("GET", "/handled", "jiao1").json() == []
    assert call("GET", "/published", "ling").json()["total"] == 0


def test_cli_lists_claim_and_next(cli):
    d = cli.submit()["id"]
    listed = cli.json("drafts", "list", "--status", "in_review", who="shen1")
    assert listed["total"] == 1 and listed["items"][0]["id"] == d and listed["items"][0]["author"] == "bian"
    assert cli.json("next", who="jiao1")["id"] == d
    assert cli.json("claim", str(d), who="jiao1")["stage"] == "一校"
    assert cli.json("queue", who="jiao2")[0]["claimed_by"] == "jiao1"
    assert cli.json("next", who="jiao2") is None
    cli("claim", str(d), who="jiao2", code=1)
    cli("unclaim", str(d), who="jiao1")
    cli("sign", str(d), "--stage", "一校", who="jiao1")
    handled = cli.json("drafts", "handled", who="jiao1")
    assert [(h["draft_id"], h["decision"]) for h in handled] == [(d, "approve")]
    assert cli.json("drafts", "published", who="ling")["total"] == 0
    cli("drafts", "list", "--since", "yesterday", who="shen1", code=2)
    out = cli("drafts", "list", who="shen1").stdout
    assert "共 1 篇" in out


def test_pages_list_claim_next_and_editor_landing(app, team):
    d = team.submit(title="页面稿件").id
    other = team.submit(title="另一篇").id
    jiao1 = signed_in(app, "jiao1")
    page = jiao1.get("/queue").text
    assert "处理下一篇：页面稿件" in page and "bian" in page
    r = jiao1.post("/queue/claims", data={"csrf_token": csrf_of(page), "claim": f"{d}:一校"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/queue?done=claimed"
    assert jiao1.post("/queue/claims", data={"csrf_token": csrf_of(page), "claim": "x"}).status_code == 422
    jiao2 = signed_in(app, "jiao2")
    page2 = jiao2.get("/queue").text
    assert "jiao1 正在处理" in page2 and "处理下一篇：另一篇" in page2
    assert "jiao1 已认领" in jiao2.get(f"/drafts/{d}").text
    # after signing, the page offers the next item
    draft_page = jiao1.get(f"/drafts/{d}").text
    jiao1.post(f"/drafts/{d}/sign", data={"csrf_token": csrf_of(draft_page), "stage": "一校",
                                          "expect_hash": drafts.show(team.ctx, team["jiao1"], d).content_hash})
    after = jiao1.get(f"/drafts/{d}?done=signed").text
    assert f'href="/drafts/{other}"' in after and "下一篇待办" in after
    assert jiao1.get("/next", follow_redirects=False).headers["location"] == f"/drafts/{other}"
    for path, text in (("/drafts?column=&status=in_review", "共 2 篇"), ("/handled", "页面稿件"),
                       ("/published", "还没有已发布的稿件")):
        r = jiao1.get(path)
        assert r.status_code == 200 and text in r.text, path
    assert jiao1.get("/drafts?since=notadate").status_code == 422
    editor = signed_in(app, "bian")
    r = editor.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/drafts/mine"


def test_an_urgent_draft_alerts_everyone_who_can_act_on_it(app, team):
    d = team.submit(title="突发事件通报", urgent=True).id
    for who in ("jiao1", "jiao2", "jiao3"):
        page = signed_in(app, who).get("/handled").text
        assert 'role="alert"' in page and f'href="/drafts/{d}"' in page and "紧急稿件待您处理" in page
    assert "紧急稿件待您处理" not in signed_in(app, "shen1").get("/handled").text  # 初审 not open yet

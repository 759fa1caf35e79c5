"""Dead outbox items listed and requeued by the operator at the CLI and by an admin on the web, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import transaction
from storage.models import AuditEvent, Outbox
from storage.outbox import enqueue, mark_dead
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def _requeued(engine) -> list[AuditEvent]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.requeued")))


def test_the_operator_lists_dead_items_and_requeues_one(cli):
    from storage.clock import system_clock
    from storage.db import make_engine

    engine = make_engine(cli.db_url)
    with transaction(engine) as s:
        enqueue(s, kind="fax", key="fax:9", payload={}, now=system_clock())
    cli("worker", "--drain", "--inline", code=1)  # an unknown kind goes dead at once
    (dead,) = cli.json("outbox", "list", "--dead")
    assert (dead["kind"], dead["key"], dead["state"], dead["attempts"]) == ("fax", "fax:9", "dead", 1)
    assert dead["last_error"] == "unknown outbox kind: fax"
    assert "fax:9" not in cli("outbox", "list").stdout  # the default list: only what is not done

    again = cli.json("outbox", "requeue", str(dead["id"]))
    assert (again["state"], again["attempts"], again["dead_at"]) == ("pending", 0, None)
    assert [i["key"] for i in cli.json("outbox", "list")] == ["fax:9"]
    (event,) = _requeued(engine)
    assert event.actor == "cli" and event.payload["key"] == "fax:9" and event.payload["attempts"] == 1
    assert event.payload["error"] == "unknown outbox kind: fax" and "operator" in event.payload

    refused = cli("outbox", "requeue", str(dead["id"]), code=1)
    assert "没有被放弃" in refused.stderr
    assert "没有编号为 999" in cli("outbox", "requeue", "999", code=2).stderr
    assert "只有管理员" in cli("outbox", "requeue", str(dead["id"]), who="bian", code=1).stderr
    assert len(_requeued(engine)) == 1  # the refusals wrote nothing
    engine.dispose()


def test_an_admin_requeues_a_dead_item_on_the_web_page(app, team):
    engine = team.ctx.engine
    now = team.clock()
    with transaction(engine) as s:
        enqueue(s, kind="publish", key="publish:1:abc", payload={"draft_id": 1, "content_hash": "abc"}, now=now)
        item_id = s.scalar(select(Outbox.id).where(Outbox.key == "publish:1:abc"))
        mark_dead(s, item_id, error="WebhookError: HTTP 400", now=now)

    c = signed_in(app, "guan")
    page = c.get("/admin/outbox?state=dead")
    assert page.status_code == 200 and "publish:1:abc" in page.text and "HTTP 400" in page.text
    assert f'action="/admin/outbox/{item_id}/requeue"' in page.text
    r = c.post(f"/admin/outbox/{item_id}/requeue", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert "已重新排队" in c.get(r.headers["location"]).text
    with transaction(engine, readonly=True) as s:
        row = s.get(Outbox, item_id)
        assert (row.dead_at, row.done_at, row.attempts, row.available_at) == (None, None, 0, now)
    (event,) = _requeued(engine)
    assert event.actor == "guan" and event.payload["kind"] == "publish"
    assert "publish:1:abc" in c.get("/admin/outbox").text  # now among the open items

    r = c.post(f"/admin/outbox/{item_id}/requeue", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 409 and "没有被放弃" in r.text
    reviewer = signed_in(app, "shen1")
    assert reviewer.get("/admin/outbox").status_code == 403

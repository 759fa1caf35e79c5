"""The integrity monitor (防篡改): pages edited, deleted or added behind sanshen's back are reported
(CLI exit 1, admins notified, audited once, with a diff) and restored on command; the database,
not the manifest, is the reference; the public web site is read over HTTP when its address is set."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from flows.dispatcher import Dispatcher, DispatcherConfig
from flows.site import MANIFEST, StaticSite, item_path
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from storage.db import make_engine, transaction
from storage.models import AuditEvent, Notification, User
from tests.cast import signers

pytestmark = pytest.mark.db


def _published(cli, n: int = 1) -> list[int]:
    ids = []
    for i in range(n):
        draft = cli.submit(title=f"关于做好第{i + 1}季度安全检查的通知")
        for stage, who in signers(default_workflow()):
            cli("sign", str(draft["id"]), "--stage", stage, who=who)
        ids.append(draft["id"])
    cli.drain()
    assert {str(i) for i in ids} <= set(cli.manifest())
    return ids


def _events(cli, action: str) -> list[AuditEvent]:
    engine = make_engine(cli.db_url)
    try:
        with transaction(engine, readonly=True) as s:
            return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))
    finally:
        engine.dispose()


def _admin_notes(cli) -> list[str]:
    engine = make_engine(cli.db_url)
    try:
        with transaction(engine, readonly=True) as s:
            admin = s.scalar(select(User).where(User.name == "guan"))
            return list(s.scalars(select(Notification.message).where(
                Notification.user_id == admin.id, Notification.kind == "integrity_alert")))
    finally:
        engine.dispose()


def test_a_page_edited_behind_sanshens_back_is_reported_with_a_diff_and_restored(cli):
    [did] = _published(cli)
    site = cli.home / "site"
    clean = cli.json("monitor", "integrity")
    assert clean["ok"] and clean["checked"] >= 3  # page, column index, home page
    page = site / item_path(did)
    signed = page.read_bytes()
    page.write_bytes(signed.replace("压实责任".encode(), "<script>alert(1)</script>".encode()))

    report = cli.json("monitor", "integrity", code=1)
    assert not report["ok"]
    [problem] = report["problems"]
    assert (problem["kind"], problem["path"], problem["draft_id"]) == ("modified", item_path(did), did)
    assert "-" in problem["diff"] and "+" in problem["diff"] and "<script>alert(1)</script>" in problem["diff"]
    [alerted] = _events(cli, "site.integrity_alert")
    assert alerted.payload["problems"][0]["path"] == item_path(did)
    assert len(_admin_notes(cli)) == 1 and "被改动" in _admin_notes(cli)[0]
    cli("monitor", "integrity", code=1)  # the same problem again: no second alert
    assert len(_events(cli, "site.integrity_alert")) == 1

    cli("restore", str(did), who="bian", code=1)  # only an admin restores
    restored = cli.json("restore", str(did), who="guan")
    assert restored["rewritten"] == [item_path(did)]
    assert page.read_bytes() == signed
    assert cli.json("monitor", "integrity")["ok"]
    [event] = _events(cli, "site.restored")
    assert (event.actor, event.payload["rewritten"]) == ("guan", [item_path(did)])
    assert len(_events(cli, "site.integrity_ok")) == 1
    cli("restore", str(did), who="guan", code=2)  # nothing left to restore


def test_deleted_and_added_files_are_reported_and_restore_all_puts_the_signed_site_back(cli):
    first, second = _published(cli, 2)
    site = cli.home / "site"
    signed_index = (site / "index.html").read_bytes()
    (site / item_path(first)).unlink()
    (site / "items" / "999.html").write_text("<h1>钓鱼页面</h1>", encoding="utf-8")
    (site / "index.html").write_text("<h1>被黑了</h1>", encoding="utf-8")
    out = cli("monitor", "integrity", code=1)
    assert "被删除\titems/" in out.stdout and "被添加\titems/999.html" in out.stdout and "被改动\tindex.html" in out.stdout
    kinds = {(p["kind"], p["path"]) for p in cli.json("monitor", "integrity", code=1)["problems"]}
    assert kinds == {("missing", item_path(first)), ("added", "items/999.html"), ("modified", "index.html")}
    done = cli.json("restore", "all", who="guan")
    assert set(done["rewritten"]) == {item_path(first), "index.html"} and done["removed"] == ["items/999.html"]
    assert (site / "index.html").read_bytes() == signed_index and not (site / "items" / "999.html").exists()
    assert (site / item_path(first)).exists()
    assert cli.json("monitor", "integrity")["ok"]


def test_a_manifest_edited_to_match_a_tampered_page_hides_nothing(cli):
    [did] = _published(cli)
    site = cli.home / "site"
    page = site / item_path(did)
    tampered = page.read_bytes().replace("会议强调".encode(), "会议决定".encode())
    page.write_bytes(tampered)
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    import hashlib

    manifest[str(did)]["sha256"] = hashlib.sha256(tampered).hexdigest()
    (site / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    kinds = {(p["kind"], p["path"]) for p in cli.json("monitor", "integrity", code=1)["problems"]}
    assert kinds == {("modified", item_path(did)), ("manifest", item_path(did))}
    done = cli.json("restore", str(did), who="guan")
    assert done["rewritten"] == [item_path(did)] and done["manifest_fixed"] == [did]
    assert cli.json("monitor", "integrity")["ok"]
    assert StaticSite(site).manifest()[did].sha256 == hashlib.sha256(page.read_bytes()).hexdigest()


def test_the_public_web_site_is_read_over_http_when_its_address_is_set(cli, tmp_path):
    [did] = _published(cli)
    public = tmp_path / "public"  # what the web server (or CDN) actually serves
    shutil.copytree(cli.home / "site", public)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(public)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        cli.env["SANSHEN_SITE_URL"] = f"http://127.0.0.1:{server.server_address[1]}/"
        assert cli.json("monitor", "integrity")["over_http"]
        (public / item_path(did)).write_text("<p>改过的页面</p>", encoding="utf-8")
        (public / "index.html").unlink()
        report = cli.json("monitor", "integrity", code=1)
        kinds = {(p["kind"], p["path"]) for p in report["problems"]}
        assert kinds == {("http_modified", item_path(did)), ("http_missing", "index.html")}
        assert "改过的页面" in next(p["diff"] for p in report["problems"] if p["kind"] == "http_modified")
        del cli.env["SANSHEN_SITE_URL"]
        assert cli.json("monitor", "integrity")["ok"]  # the store itself is intact
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_the_dispatcher_runs_the_monitor_on_its_schedule(cli):
    [did] = _published(cli)
    engine = make_engine(cli.db_url)
    try:
        d = Dispatcher(engine=engine, workflow=default_workflow(), site_dir=cli.home / "site",
                       checker_factory=load_default_checker, use_prefect=False,
                       config=DispatcherConfig(integrity_every=timedelta(minutes=10)))
        t = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
        (cli.home / "site" / item_path(did)).write_text("改", encoding="utf-8")
        d.run_once(t)  # the first check comes one interval after the dispatcher starts
        d.run_once(t + timedelta(minutes=5))
        assert _events(cli, "site.integrity_alert") == []  # not due yet
        d.run_once(t + timedelta(minutes=11))
        [alerted] = _events(cli, "site.integrity_alert")
        assert alerted.at == t + timedelta(minutes=11) and alerted.payload["counts"] == {"modified": 1}
        d.run_once(t + timedelta(minutes=15))  # the next one is due at +21 minutes
        d.run_once(t + timedelta(minutes=22))
        assert len(_events(cli, "site.integrity_alert")) == 1  # the same problem is not alerted twice
    finally:
        engine.dispose()


def test_a_page_tampered_on_s3_is_found_and_restored(engine, s3):
    from flows import integrity
    from flows.publish import Outcome, Publisher, publish
    from flows.site_store import open_store
    from tests.flows_support import sign_everything, submit_draft

    bucket = s3.bucket()
    site = StaticSite(open_store(f"s3://{bucket}/site", s3_endpoint=s3.endpoint))
    wf = default_workflow()
    now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    draft_id, digest = submit_draft(engine, wf, now)
    sign_everything(engine, wf, draft_id, now)
    assert publish(Publisher(engine=engine, site=site, workflow=wf), draft_id=draft_id, content_hash=digest,
                   now=now) is Outcome.PUBLISHED
    assert integrity.check(engine, site).ok
    signed = site.store.read(item_path(draft_id))
    client = s3.client()
    client.put_object(Bucket=bucket, Key=f"site/{item_path(draft_id)}", Body="<p>改</p>".encode())
    client.put_object(Bucket=bucket, Key="site/items/phish.html", Body=b"<p>x</p>")
    report = integrity.check(engine, site)
    assert {(p.kind, p.path) for p in report.problems} == {("modified", item_path(draft_id)),
                                                            ("added", "items/phish.html")}
    done = integrity.restore(engine, site, report, "all", actor="guan", now=now)
    assert (done.rewritten, done.removed) == ((item_path(draft_id),), ("items/phish.html",))
    assert site.store.read(item_path(draft_id)) == signed and integrity.check(engine, site).ok


def test_a_site_published_before_files_were_recorded_is_adopted_from_the_signed_record(cli):
    """An upgraded installation: pages on the site, no file records. Nothing on the site is trusted:
    the reference is rendered again from what the database says was signed."""
    first, second = _published(cli, 2)
    engine = make_engine(cli.db_url)
    try:
        from storage.models import SiteFile

        with transaction(engine) as s:
            s.execute(SiteFile.__table__.delete())
    finally:
        engine.dispose()
    page = cli.home / "site" / item_path(second)
    signed = page.read_bytes()
    page.write_bytes(signed.replace("会议强调".encode(), "会议决定".encode()))
    assert "此前发布的 4 个站点文件" in cli("init").stdout  # 2 pages, their column, the home page
    [adopted] = _events(cli, "site.adopted")
    assert adopted.payload == {"files": 4, "drafts": [first, second]}
    [problem] = cli.json("monitor", "integrity", code=1)["problems"]
    assert (problem["kind"], problem["path"]) == ("modified", item_path(second)) and "会议决定" in problem["diff"]
    cli("restore", str(second), who="guan")
    assert page.read_bytes() == signed and cli.json("monitor", "integrity")["ok"]
    cli("init")
    assert len(_events(cli, "site.adopted")) == 1


def test_an_unreadable_manifest_is_reported_and_written_again_from_the_record(cli):
    first, second = _published(cli, 2)
    manifest = cli.home / "site" / MANIFEST
    before = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text("{被破坏", encoding="utf-8")
    [problem] = cli.json("monitor", "integrity", code=1)["problems"]
    assert (problem["kind"], problem["path"]) == ("manifest", MANIFEST) and "清单无法读取" in problem["diff"]
    assert cli.json("restore", "all", who="guan")["manifest_fixed"] == [first, second]
    assert json.loads(manifest.read_text(encoding="utf-8")) == before
    assert cli.json("monitor", "integrity")["ok"]

"""The site behind fsspec: a folder (atomic renames, modes) or S3 (a real S3 API, moto's server on
127.0.0.1), one manifest whoever publishes, and every web front serving every page."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from flows.publish import Outcome, Publisher, publish, withdraw
from flows.site import MANIFEST, StaticSite, item_path
from flows.site_store import FILE_MODE, BadSitePath, FsspecStore, LocalStore, clean_path, open_store
from review.refusals import InvalidInput
from review.workflow import default_workflow
from sanshen.service.context import AppContext
from sanshen.service.site import site_of
from sanshen.settings import Settings
from storage.clock import ManualClock
from storage.db import transaction
from storage.models import Draft
from tests.flows_support import sign_everything, submit_draft

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
WF = default_workflow()


def test_a_folder_store_writes_whole_files_readable_by_all_and_lists_only_its_public_files(tmp_path):
    store = open_store(f"file://{tmp_path}/site")
    assert isinstance(store, LocalStore) and store.read("index.html") is None
    store.write("items/1.html", b"<p>1</p>")
    store.write("items/1.html", b"<p>2</p>")
    (tmp_path / "site" / ".lock").write_bytes(b"")
    assert store.read("items/1.html") == b"<p>2</p>"
    assert list(store.files()) == [("items/1.html", 8)]
    assert stat.S_IMODE((tmp_path / "site" / "items" / "1.html").stat().st_mode) == FILE_MODE
    store.delete("items/1.html")
    store.delete("items/1.html")
    assert list(store.files()) == []


@pytest.mark.parametrize("bad", ["../etc/passwd", "/..", "items/../../x", ".lock", "items/.x.tmp", ""])
def test_paths_that_leave_the_site_or_name_its_own_files_are_refused(bad):
    with pytest.raises(BadSitePath):
        clean_path(bad)
    assert clean_path("/items//1.html") == "items/1.html"


def test_the_site_store_setting_takes_folders_file_and_s3_urls(tmp_path):
    home = tmp_path / "home"
    default = Settings.from_env({"SANSHEN_HOME": str(home)})
    assert default.site_store_url == f"file://{home.resolve()}/site" and default.site_dir == home.resolve() / "site"
    plain = Settings.from_env({"SANSHEN_HOME": str(home), "SANSHEN_SITE_STORE": str(tmp_path / "srv")})
    assert plain.site_store_url == f"file://{tmp_path / 'srv'}"
    s3 = Settings.from_env({"SANSHEN_HOME": str(home), "SANSHEN_SITE_STORE": "s3://bucket/site"})
    assert (s3.site_store_url, s3.site_dir) == ("s3://bucket/site", None)
    for bad in ("ftp://host/site", "s3:///nobucket"):
        with pytest.raises(InvalidInput) as refused:
            Settings.from_env({"SANSHEN_HOME": str(home), "SANSHEN_SITE_STORE": bad})
        assert "SANSHEN_SITE_STORE" in refused.value.message


def _context(tmp_path, name, db_url, store_url, endpoint) -> AppContext:
    settings = Settings(home=tmp_path / name, db_url=db_url, link_check=False, site_store=store_url,
                        site_s3_endpoint=endpoint)
    return AppContext.open(settings, clock=ManualClock(NOW))


@pytest.mark.db
def test_two_workers_publish_into_one_s3_site_and_two_web_fronts_serve_every_page(tmp_path, db_url, s3):
    url = f"s3://{s3.bucket()}/site"
    one = _context(tmp_path, "one", db_url, url, s3.endpoint)
    two = _context(tmp_path, "two", db_url, url, s3.endpoint)
    try:
        assert isinstance(site_of(one.settings).store, FsspecStore)
        publishers = [Publisher(engine=c.engine, site=site_of(c.settings), workflow=WF) for c in (one, two)]
        drafts = []
        for n in range(4):
            draft_id, digest = submit_draft(one.engine, WF, NOW, title=f"第{n}号通知", column=f"栏目{n % 2}")
            sign_everything(one.engine, WF, draft_id, NOW)
            drafts.append((draft_id, digest))
            assert publish(publishers[n % 2], draft_id=draft_id, content_hash=digest,
                           now=NOW + timedelta(minutes=n)) is Outcome.PUBLISHED
        manifest = json.loads(site_of(one.settings).store.read(MANIFEST))
        assert {int(k): v["content_hash"] for k, v in manifest.items() if k != "audit_checkpoint"} == dict(drafts)
        listed = {path for path, _ in site_of(two.settings).store.files()}
        assert {item_path(d) for d, _ in drafts} | {"index.html", MANIFEST} <= listed
        from sanshen.web.app import create_app

        fronts = [TestClient(create_app(c, secret=b"test-secret")) for c in (one, two)]
        for front in fronts:
            for draft_id, _ in drafts:
                page = front.get(f"/site/{item_path(draft_id)}")
                assert page.status_code == 200 and f"第{draft_id - 1}号通知" in page.text
            assert "第3号通知" in front.get("/site/").text
            assert front.get("/site/items/99.html").status_code == 404
            head = front.head(f"/site/{item_path(drafts[0][0])}")
            assert head.status_code == 200 and head.headers["content-type"] == "text/html; charset=utf-8"
            assert front.get("/site/..%2Fmanifest.json").status_code == 404
        # a withdrawal by one worker takes the page off every front
        with transaction(one.engine) as s:
            s.get(Draft, drafts[0][0]).status = "withdrawn"
        assert withdraw(publishers[1], draft_id=drafts[0][0], now=NOW + timedelta(hours=1)) is Outcome.WITHDRAWN
        assert [f.get(f"/site/{item_path(drafts[0][0])}").status_code for f in fronts] == [404, 404]
        assert str(drafts[0][0]) not in json.loads(site_of(one.settings).store.read(MANIFEST))
    finally:
        one.close()
        two.close()


def test_a_static_site_on_s3_keeps_pages_before_its_manifest(s3):
    site = StaticSite(open_store(f"s3://{s3.bucket()}/x/site", s3_endpoint=s3.endpoint))
    from flows.site import SiteItem

    item = SiteItem(draft_id=7, revision=1, title="标题", body="正文", column="要闻", content_hash="a" * 64,
                    published_at="2026-11-24T01:00:00+00:00")
    entry = site.publish(item)
    assert site.publish(item) == entry  # the same hash again changes nothing
    assert site.store.read(entry.path).decode("utf-8").count("正文") == 1
    assert site.manifest()[7].sha256 and site.withdraw(7) == entry
    assert site.manifest() == {} and site.store.read(entry.path) is None

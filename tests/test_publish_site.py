"""The static site: pages, indexes, manifest, escaping, atomic and idempotent writes."""

from __future__ import annotations

import json
import os
import stat

from flows.site import (
    DIR_MODE,
    FILE_MODE,
    MANIFEST,
    SiteItem,
    StaticSite,
    atomic_write,
    column_path,
    item_path,
)


def _item(draft_id: int = 1, *, content_hash: str = "a" * 64, title: str = "关于开展安全检查的通知",
          body: str = "第一段。\n\n第二段。", column: str = "通知公告") -> SiteItem:
    return SiteItem(draft_id=draft_id, revision=1, title=title, body=body, column=column,
                    content_hash=content_hash, published_at="2026-11-24T01:00:00.000000+00:00")


def test_publish_writes_page_indexes_and_manifest(tmp_path):
    site = StaticSite(tmp_path)
    entry = site.publish(_item())
    assert entry.path == item_path(1)
    page = (tmp_path / entry.path).read_text(encoding="utf-8")
    assert "<h1>关于开展安全检查的通知</h1>" in page and "<p>第二段。</p>" in page
    assert 'data-content-hash="' + "a" * 64 in page
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["1"]["content_hash"] == "a" * 64
    assert manifest["1"]["path"] == "items/1.html"
    assert manifest["1"]["published_at"] == "2026-11-24T01:00:00.000000+00:00"
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "通知公告" in index and "items/1.html" in index
    assert "items/1.html" in (tmp_path / column_path("通知公告")).read_text(encoding="utf-8")


def test_draft_text_is_escaped(tmp_path):
    site = StaticSite(tmp_path)
    entry = site.publish(_item(title="<script>alert(1)</script>", body="a & b <img src=x onerror=alert(1)>",
                               column="<b>栏目</b>"))
    page = (tmp_path / entry.path).read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "a &amp; b" in page
    assert "<script>" not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_republishing_the_same_hash_changes_nothing(tmp_path):
    site = StaticSite(tmp_path)
    first = site.publish(_item())
    page = tmp_path / first.path
    before = (page.stat().st_mtime_ns, (tmp_path / MANIFEST).read_bytes())
    again = site.publish(_item().__class__(**{**_item().__dict__, "published_at": "2030-01-01T00:00:00+00:00"}))
    assert again == first
    assert (page.stat().st_mtime_ns, (tmp_path / MANIFEST).read_bytes()) == before


def test_a_correction_replaces_the_page_and_hash(tmp_path):
    site = StaticSite(tmp_path)
    site.publish(_item())
    site.publish(_item(content_hash="b" * 64, body="更正后的正文"))
    assert site.entry(1).content_hash == "b" * 64
    assert "更正后的正文" in (tmp_path / item_path(1)).read_text(encoding="utf-8")


def test_withdraw_removes_page_and_listing(tmp_path):
    site = StaticSite(tmp_path)
    site.publish(_item(1))
    site.publish(_item(2, title="第二条"))
    removed = site.withdraw(1)
    assert removed is not None and removed.content_hash == "a" * 64
    assert not (tmp_path / item_path(1)).exists()
    assert set(json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))) == {"2"}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "items/1.html" not in index and "items/2.html" in index
    assert site.withdraw(1) is None


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    atomic_write(target, "一".encode())
    atomic_write(target, "二".encode())
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_site_files_and_folders_are_readable_by_the_web_server_whatever_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        StaticSite(tmp_path / "site").publish(_item())
    finally:
        os.umask(previous)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in (tmp_path / "site").rglob("*") if not p.name.startswith(".")}
    modes["site"] = stat.S_IMODE((tmp_path / "site").stat().st_mode)
    assert {"site/index.html", "site/manifest.json", f"site/{item_path(1)}", "site/items"} <= set(modes)
    assert {path: mode for path, mode in modes.items() if mode not in (FILE_MODE, DIR_MODE)} == {}
    assert all(mode == DIR_MODE for path, mode in modes.items() if (tmp_path / path).is_dir())
    assert FILE_MODE == 0o644 and DIR_MODE == 0o755

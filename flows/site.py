"""The built-in static site: one HTML page per item, an index per column, an overall
index and ``manifest.json`` (draft id → content hash, page path, publication time).

Every file is written atomically (temporary file, fsync, rename), and the manifest
and indexes are updated under a file lock so concurrent publishers never interleave.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from storage.localtime import DEFAULT_ZONE, local_text

MANIFEST = "manifest.json"
# The site is public and usually served by another user (nginx): readable by all, writable by us.
FILE_MODE = 0o644
DIR_MODE = 0o755
_LOCK = ".lock"
_ITEMS = "items"
_COLUMNS = "columns"


@dataclass(frozen=True)
class SiteItem:
    """What the site shows for one published draft."""

    draft_id: int
    revision: int
    title: str
    body: str
    column: str
    content_hash: str
    published_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class ManifestEntry:
    content_hash: str
    path: str  # relative to the site root
    published_at: str
    revision: int
    title: str
    column: str


def make_dirs(path: Path) -> None:
    """Create ``path`` and its missing parents with ``DIR_MODE`` (whatever the umask)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(exist_ok=True)
        directory.chmod(DIR_MODE)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode ``FILE_MODE``) so a reader sees the old file or the
    new one, never half."""
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def item_path(draft_id: int) -> str:
    return f"{_ITEMS}/{draft_id}.html"


def column_path(column: str) -> str:
    digest = hashlib.sha256(column.encode("utf-8")).hexdigest()[:12]
    return f"{_COLUMNS}/{digest}.html"


def column_label(column: str) -> str:
    return column or "未分栏目"


def _page(title: str, body_html: str, *, root: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<nav><a href=\"{root}index.html\">首页</a></nav>\n{body_html}\n</body>\n</html>\n"
    )


DAY = "%Y-%m-%d"


def render_item(item: SiteItem, zone: str = DEFAULT_ZONE) -> str:
    paragraphs = "\n".join(
        f"<p>{html.escape(line)}</p>" for line in item.body.splitlines() if line.strip()
    )
    col = column_label(item.column)
    body = (
        f"<article data-draft-id=\"{item.draft_id}\" data-content-hash=\"{item.content_hash}\">\n"
        f"<h1>{html.escape(item.title)}</h1>\n"
        f"<p class=\"meta\">栏目：<a href=\"../{column_path(item.column)}\">{html.escape(col)}</a>"
        f" · 发布时间：<time datetime=\"{item.published_at}\">{local_text(item.published_at, zone)}</time></p>\n"
        f"{paragraphs}\n</article>"
    )
    return _page(item.title, body, root="../")


def _entry_list(entries: list[tuple[int, ManifestEntry]], zone: str = DEFAULT_ZONE) -> str:
    rows = "\n".join(
        f"<li><a href=\"../{e.path}\">{html.escape(e.title)}</a> <time>{local_text(e.published_at, zone, DAY)}</time></li>"
        for _, e in entries
    )
    return f"<ul>\n{rows}\n</ul>" if rows else "<p>暂无内容</p>"


def render_column(column: str, entries: list[tuple[int, ManifestEntry]], zone: str = DEFAULT_ZONE) -> str:
    label = column_label(column)
    return _page(label, f"<h1>{html.escape(label)}</h1>\n{_entry_list(entries, zone)}", root="../")


def render_index(by_column: dict[str, list[tuple[int, ManifestEntry]]], zone: str = DEFAULT_ZONE) -> str:
    parts = ["<h1>信息发布</h1>"]
    for column in sorted(by_column):
        label = html.escape(column_label(column))
        items = "\n".join(
            f"<li><a href=\"{e.path}\">{html.escape(e.title)}</a> <time>{local_text(e.published_at, zone, DAY)}</time></li>"
            for _, e in by_column[column][:20]
        )
        parts.append(f"<section>\n<h2><a href=\"{column_path(column)}\">{label}</a></h2>\n<ul>\n{items}\n</ul>\n</section>")
    if not by_column:
        parts.append("<p>暂无内容</p>")
    return _page("信息发布", "\n".join(parts), root="")


class StaticSite:
    """The site directory; every change goes through a lock and atomic renames."""

    def __init__(self, root: Path, zone: str = DEFAULT_ZONE) -> None:
        self.root = Path(root)
        self.zone = zone  # the time zone the pages show times in

    @contextmanager
    def _locked(self) -> Iterator[None]:
        make_dirs(self.root)
        with open(self.root / _LOCK, "a+b") as fp:
            fcntl.flock(fp.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fp.fileno(), fcntl.LOCK_UN)

    def manifest(self) -> dict[int, ManifestEntry]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {int(k): ManifestEntry(**v) for k, v in raw.items()}

    def entry(self, draft_id: int) -> ManifestEntry | None:
        return self.manifest().get(draft_id)

    def publish(self, item: SiteItem) -> ManifestEntry:
        """Write the item's page and list it; publishing the same hash again changes nothing."""
        with self._locked():
            manifest = self.manifest()
            existing = manifest.get(item.draft_id)
            if existing is not None and existing.content_hash == item.content_hash \
                    and (self.root / existing.path).exists():
                return existing
            path = item_path(item.draft_id)
            atomic_write(self.root / path, render_item(item, self.zone).encode("utf-8"))
            entry = ManifestEntry(item.content_hash, path, item.published_at, item.revision,
                                  item.title, item.column)
            manifest[item.draft_id] = entry
            self._write_listing(manifest, changed_columns={item.column} | (
                {existing.column} if existing else set()))
            return entry

    def withdraw(self, draft_id: int) -> ManifestEntry | None:
        """Remove the item's page and listing; returns what was removed (None if absent)."""
        with self._locked():
            manifest = self.manifest()
            entry = manifest.pop(draft_id, None)
            (self.root / item_path(draft_id)).unlink(missing_ok=True)
            if entry is not None:
                self._write_listing(manifest, changed_columns={entry.column})
            return entry

    def _write_listing(self, manifest: dict[int, ManifestEntry], *, changed_columns: set[str]) -> None:
        by_column: dict[str, list[tuple[int, ManifestEntry]]] = {}
        for draft_id, e in manifest.items():
            by_column.setdefault(e.column, []).append((draft_id, e))
        for entries in by_column.values():
            entries.sort(key=lambda pair: (pair[1].published_at, pair[0]), reverse=True)
        for column in changed_columns:
            atomic_write(self.root / column_path(column),
                         render_column(column, by_column.get(column, []), self.zone).encode("utf-8"))
        atomic_write(self.root / "index.html", render_index(by_column, self.zone).encode("utf-8"))
        data = {str(k): asdict(v) for k, v in sorted(manifest.items())}
        atomic_write(self.root / MANIFEST,
                     json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))

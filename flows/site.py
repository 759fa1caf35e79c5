"""The built-in static site: one HTML page per item (with its attachments), an index per column,
an overall index and ``manifest.json`` (draft id → content hash, page path and page hash,
publication time, attachments with their hashes; under the one key that is not a draft id,
``audit_checkpoint``, the audit chain's signed checkpoint made with the publication, a copy
of it outside the database: storage/checkpoint.py).

The files live in a :class:`flows.site_store.SiteStore` (a folder or S3). Each file is written
atomically where the backend allows; attachments and the page first, the indexes next, the
manifest last, under the store's lock (and the publisher's database lock, flows/site_files.py),
so concurrent publishers never interleave and the manifest never names a file not yet written.
"""

from __future__ import annotations

import hashlib
import html
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from flows.site_store import DIR_MODE, FILE_MODE, LocalStore, SiteStore, atomic_write, make_dirs

__all__ = ["DIR_MODE", "FILE_MODE", "MANIFEST", "ManifestEntry", "SiteItem", "StaticSite", "atomic_write",
           "make_dirs", "item_path", "column_path"]

from storage.chain import MANIFEST_KEY, Checkpoint
from storage.localtime import DEFAULT_ZONE, local_text

MANIFEST = "manifest.json"
_ITEMS = "items"
_COLUMNS = "columns"
_ATTACHMENTS = "attachments"
INDEX = "index.html"
# kinds of published file (SiteFile.kind)
PAGE, ATTACHMENT, LISTING = "page", "attachment", "listing"


@dataclass(frozen=True)
class SiteAttachment:
    """An attachment as the automated pass checked it and the reviewers signed it."""

    name: str  # as uploaded
    data: bytes = field(repr=False)
    sha256: str


@dataclass(frozen=True)
class Correction:
    """One 更正 of a published page: when the corrected version went out, and the note shown with it."""

    at: str  # ISO 8601 UTC
    note: str


@dataclass(frozen=True)
class SiteItem:
    """What the site shows for one published draft."""

    draft_id: int
    revision: int
    title: str
    body: str
    column: str
    content_hash: str
    published_at: str  # ISO 8601 UTC: the first publication, which corrections keep
    corrections: tuple[Correction, ...] = ()  # oldest first; the last one is this version's
    attachments: tuple[SiteAttachment, ...] = ()
    related: tuple[tuple[str, int], ...] = ()  # (label, draft id): a policy's interpretation, or its policy


@dataclass(frozen=True)
class ManifestFile:
    """A published attachment: its name as uploaded, where it is, how big, its SHA-256."""

    name: str
    path: str
    size: int
    sha256: str
    related: tuple[tuple[str, int], ...] = ()  # (label, draft id): a policy's interpretation, or its policy


@dataclass(frozen=True)
class ManifestEntry:
    content_hash: str
    path: str  # relative to the site root
    published_at: str
    revision: int
    title: str
    column: str
    sha256: str = ""  # of the page's bytes
    attachments: tuple[ManifestFile, ...] = ()

    @classmethod
    def from_json(cls, raw: dict) -> ManifestEntry:
        files = tuple(ManifestFile(**f) for f in raw.get("attachments", ()))
        return cls(**{**raw, "attachments": files})


@dataclass(frozen=True)
class WrittenFile:
    """A file the site now holds as sanshen wrote it (recorded in the database, flows/site_files.py)."""

    path: str
    sha256: str
    size: int
    kind: str  # PAGE / ATTACHMENT / LISTING
    draft_id: int | None
    data: bytes | None = field(default=None, repr=False)  # pages and listings; attachments stay in their table


@dataclass(frozen=True)
class SiteWrite:
    """What one publication or withdrawal did to the site."""

    entry: ManifestEntry | None
    written: tuple[WrittenFile, ...] = ()
    removed: tuple[str, ...] = ()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        f"<nav aria-label=\"网站导航\"><a href=\"{root}index.html\">首页</a></nav>\n<main>\n{body_html}\n</main>\n"
        "</body>\n</html>\n"
    )


def _time(at: str, zone: str) -> str:
    return f"<time datetime=\"{at}\">{local_text(at, zone)}</time>"


def _corrections(item: SiteItem, zone: str) -> str:
    if not item.corrections:
        return ""
    rows = "\n".join(f"<li>{_time(c.at, zone)} 更正：{html.escape(c.note)}</li>" for c in item.corrections)
    return f"<aside class=\"correction\">\n<h2>更正说明</h2>\n<ul>\n{rows}\n</ul>\n</aside>\n"


DAY = "%Y-%m-%d"


def render_item(item: SiteItem, zone: str = DEFAULT_ZONE) -> str:
    paragraphs = "\n".join(
        f"<p>{html.escape(line)}</p>" for line in item.body.splitlines() if line.strip()
    )
    col = column_label(item.column)
    corrected = f" · 更正时间：{_time(item.corrections[-1].at, zone)}" if item.corrections else ""
    body = (
        f"<article data-draft-id=\"{item.draft_id}\" data-content-hash=\"{item.content_hash}\">\n"
        f"<h1>{html.escape(item.title)}</h1>\n"
        f"<p class=\"meta\">栏目：<a href=\"../{column_path(item.column)}\">{html.escape(col)}</a>"
        f" · 发布时间：{_time(item.published_at, zone)}{corrected}</p>\n"
        f"{_corrections(item, zone)}{paragraphs}\n{render_attachments(item.draft_id, item.attachments)}{_related(item)}</article>"
    )
    return _page(item.title, body, root="../")


_UNSAFE_IN_NAME = set('<>:"/\\|?*%#&;$`\'')
MAX_NAME_BYTES = 120


def safe_filename(name: str) -> str:
    """A file name that is safe on any web server and file system: letters (Chinese included),
    digits and ``-_.()（）`` kept, anything else (separators, controls, spaces, shell or URL
    characters) made ``_``; no leading dot or dash; at most 120 bytes, keeping the suffix."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    out = []
    for ch in name:
        cat = unicodedata.category(ch)
        ok = ch in "-_.()（）" or cat[0] in "LN" or cat == "Mn"
        out.append(ch if ok and ch not in _UNSAFE_IN_NAME else "_")
    cleaned = "".join(out).lstrip(".-_") or "file"
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem:
        stem, suffix = cleaned, ""
    suffix = suffix.lower()[:16]
    while len((stem + (f".{suffix}" if suffix else "")).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + (f".{suffix}" if suffix else "")


def attachment_paths(draft_id: int, attachments: tuple[SiteAttachment, ...]) -> list[str]:
    """Where each attachment is published: ``attachments/<draft>/<safe name>``, made unique."""
    taken: set[str] = set()
    paths = []
    for a in attachments:
        name = safe_filename(a.name)
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}" + (f".{suffix}" if suffix else "")
        taken.add(name.lower())
        paths.append(f"{_ATTACHMENTS}/{draft_id}/{name}")
    return paths


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def render_attachments(draft_id: int, attachments: tuple[SiteAttachment, ...]) -> str:
    if not attachments:
        return ""
    rows = "\n".join(
        f"<li><a href=\"../{quote(path)}\" download>{html.escape(a.name)}</a>"
        f"（{human_size(len(a.data))}）</li>"
        for a, path in zip(attachments, attachment_paths(draft_id, attachments)))
    return f"<section class=\"attachments\">\n<h2>附件</h2>\n<ul>\n{rows}\n</ul>\n</section>\n"


def _related(item: SiteItem) -> str:
    """Links between a policy and its interpretation (they are published together)."""
    if not item.related:
        return ""
    links = "、".join(f"<a href=\"{draft_id}.html\">{html.escape(label)}</a>" for label, draft_id in item.related)
    return f"<p class=\"related\">相关链接：{links}</p>\n"


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
    """The published site in its store; every change goes through the lock, pages before manifest."""

    def __init__(self, store: SiteStore | Path | str, zone: str = DEFAULT_ZONE) -> None:
        self.store = store if isinstance(store, SiteStore) else LocalStore(Path(store))
        self.zone = zone  # the time zone the pages show times in

    @property
    def root(self) -> Path | None:
        """The folder, for a site kept in one (None on an object store)."""
        return self.store.local_root

    def manifest(self) -> dict[int, ManifestEntry]:
        raw = self.store.read(MANIFEST)
        if raw is None:
            return {}
        return {int(k): ManifestEntry.from_json(v) for k, v in json.loads(raw.decode("utf-8")).items()
                if k != MANIFEST_KEY}

    def checkpoint(self) -> Checkpoint | None:
        """The audit checkpoint the manifest carries (None: none, or the manifest is unreadable)."""
        raw = self.store.read(MANIFEST)
        try:
            found = json.loads(raw.decode("utf-8")).get(MANIFEST_KEY) if raw is not None else None
            return Checkpoint.from_json(found) if found is not None else None
        except (ValueError, AttributeError):
            return None

    def entry(self, draft_id: int) -> ManifestEntry | None:
        return self.manifest().get(draft_id)

    def publish(self, item: SiteItem) -> ManifestEntry:
        """Write the item's page and list it; publishing the same hash again changes nothing."""
        return self.write(item).entry

    def write(self, item: SiteItem, checkpoint: Checkpoint | None = None) -> SiteWrite:
        """Publish ``item`` and say which files now hold what. The same hash again rewrites no page
        (the first publication time stays) unless a file of it no longer has its recorded bytes.
        ``checkpoint`` (the audit chain's, signed now) goes into the manifest."""
        with self.store.locked():
            manifest = self.manifest()
            existing = manifest.get(item.draft_id)
            if existing is not None and existing.content_hash == item.content_hash:
                kept = self._intact(existing, item)
                if kept is not None:
                    listings = self._write_listing(manifest, changed_columns={item.column}, manifest_too=False)
                    return SiteWrite(existing, (*kept, *listings))
                item = _with_time(item, existing.published_at)
            written: list[WrittenFile] = []
            files = []
            for a, path in zip(item.attachments, attachment_paths(item.draft_id, item.attachments)):
                self.store.write(path, a.data)
                written.append(WrittenFile(path, a.sha256, len(a.data), ATTACHMENT, item.draft_id))
                files.append(ManifestFile(a.name, path, len(a.data), a.sha256))
            page = render_item(item, self.zone).encode("utf-8")
            path = item_path(item.draft_id)
            self.store.write(path, page)
            written.append(WrittenFile(path, sha256_hex(page), len(page), PAGE, item.draft_id, page))
            entry = ManifestEntry(item.content_hash, path, item.published_at, item.revision,
                                  item.title, item.column, sha256_hex(page), tuple(files))
            removed = _stale_attachments(existing, entry)
            for stale in removed:
                self.store.delete(stale)
            manifest[item.draft_id] = entry
            listings = self._write_listing(manifest, changed_columns={item.column} | (
                {existing.column} if existing else set()), checkpoint=checkpoint)
            return SiteWrite(entry, (*written, *listings), removed)

    def _intact(self, entry: ManifestEntry, item: SiteItem) -> list[WrittenFile] | None:
        """The entry's page and attachments as written, or None when one is gone or differs."""
        page = self.store.read(entry.path)
        if page is None or (entry.sha256 and sha256_hex(page) != entry.sha256):
            return None
        kept = [WrittenFile(entry.path, sha256_hex(page), len(page), PAGE, item.draft_id, page)]
        for f in entry.attachments:
            data = self.store.read(f.path)
            if data is None or sha256_hex(data) != f.sha256:
                return None
            kept.append(WrittenFile(f.path, f.sha256, f.size, ATTACHMENT, item.draft_id))
        return kept

    def withdraw(self, draft_id: int) -> ManifestEntry | None:
        """Remove the item's page and listing; returns what was removed (None if absent)."""
        return self.take_down(draft_id).entry

    def take_down(self, draft_id: int, checkpoint: Checkpoint | None = None) -> SiteWrite:
        """Remove the item's page, attachments and listing; says what was removed and rewritten.
        ``checkpoint`` (the audit chain's, signed now) goes into the manifest."""
        with self.store.locked():
            manifest = self.manifest()
            entry = manifest.pop(draft_id, None)
            removed = [item_path(draft_id), *(f.path for f in (entry.attachments if entry else ()))]
            for path in removed:
                self.store.delete(path)
            listings: list[WrittenFile] = []
            if entry is not None:
                listings = self._write_listing(manifest, changed_columns={entry.column}, checkpoint=checkpoint)
            return SiteWrite(entry, tuple(listings), tuple(removed))

    def write_manifest(self, manifest: dict[int, ManifestEntry], checkpoint: Checkpoint | None = None) -> None:
        """Write ``manifest`` with ``checkpoint``, or without one the checkpoint it carries now."""
        self.store.write(MANIFEST, manifest_bytes(manifest, checkpoint or self.checkpoint()))

    def _write_listing(self, manifest: dict[int, ManifestEntry], *, changed_columns: set[str],
                       manifest_too: bool = True, checkpoint: Checkpoint | None = None) -> list[WrittenFile]:
        written = []
        for path, text in listing_pages(manifest, changed_columns, self.zone):
            data = text.encode("utf-8")
            self.store.write(path, data)
            written.append(WrittenFile(path, sha256_hex(data), len(data), LISTING, None, data))
        if manifest_too:
            self.write_manifest(manifest, checkpoint)
        return written


def listing_pages(manifest: dict[int, ManifestEntry], columns: set[str],
                  zone: str = DEFAULT_ZONE) -> list[tuple[str, str]]:
    """(path, HTML) of the index of each of ``columns`` and of the home page, as ``manifest`` lists them."""
    by_column: dict[str, list[tuple[int, ManifestEntry]]] = {}
    for draft_id, e in manifest.items():
        by_column.setdefault(e.column, []).append((draft_id, e))
    for entries in by_column.values():
        entries.sort(key=lambda pair: (pair[1].published_at, pair[0]), reverse=True)
    pages = [(column_path(column), render_column(column, by_column.get(column, []), zone))
             for column in sorted(columns)]
    pages.append((INDEX, render_index(by_column, zone)))
    return pages


def manifest_bytes(manifest: dict[int, ManifestEntry], checkpoint: Checkpoint | None = None) -> bytes:
    data: dict[str, object] = {str(k): asdict(v) for k, v in sorted(manifest.items())}
    if checkpoint is not None:
        data[MANIFEST_KEY] = checkpoint.to_json()
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _with_time(item: SiteItem, published_at: str) -> SiteItem:
    from dataclasses import replace

    return replace(item, published_at=published_at)


def _stale_attachments(old: ManifestEntry | None, new: ManifestEntry) -> tuple[str, ...]:
    if old is None:
        return ()
    keep = {f.path for f in new.attachments}
    return tuple(f.path for f in old.attachments if f.path not in keep)

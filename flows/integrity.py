"""The integrity monitor (防篡改): is the published site exactly what sanshen wrote?

Every recorded file (flows/site_files.py: the database is the reference, so a manifest edited
behind sanshen's back hides nothing) is read back from the store, and over HTTP when the public
site's address is known, and hashed; the manifest is compared with the record too. A page edited,
deleted or added behind sanshen's back is a :class:`Problem`, with a diff against the signed bytes.
:func:`alert` tells the admins and writes an audit event (once per distinct set of problems);
:func:`restore` writes the signed bytes back (and removes files sanshen never wrote).

Files that differ on the first pass are looked at again under the site lock, so a publication in
progress is never mistaken for tampering.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import quote

import orjson
from sqlalchemy import Engine, select
from sqlmodel import Session

from flows.notify import notify, users_with_roles
from flows.site import (
    ATTACHMENT,
    LISTING,
    MANIFEST,
    PAGE,
    ManifestEntry,
    ManifestFile,
    SiteItem,
    SiteWrite,
    StaticSite,
    WrittenFile,
    item_path,
    listing_pages,
    manifest_bytes,
    render_item,
    sha256_hex,
)
from flows.site_files import record, site_lock
from storage.audit import append_event
from storage.chain import MANIFEST_KEY, Checkpoint, format_at
from storage.db import transaction
from storage.models import Attachment, AuditEvent, Draft, Publication, Revision, SiteFile

MODIFIED, MISSING, ADDED, MANIFEST_WRONG = "modified", "missing", "added", "manifest"
HTTP_MODIFIED, HTTP_MISSING = "http_modified", "http_missing"
KIND_LABELS = {MODIFIED: "被改动", MISSING: "被删除", ADDED: "被添加", MANIFEST_WRONG: "清单与记录不符",
               HTTP_MODIFIED: "网站上被改动", HTTP_MISSING: "网站上无法访问"}
ALERT, OK = "site.integrity_alert", "site.integrity_ok"
MAX_DIFF = 4000  # characters of one file's diff kept in the audit event
MAX_PROBLEMS_AUDITED = 100
REMOTE_READERS = 16  # parallel reads from an object store or over HTTP

Fetch = Callable[[str], bytes | None]  # a site path's bytes over HTTP, None for 404


@dataclass(frozen=True)
class Problem:
    kind: str
    path: str
    draft_id: int | None
    expected: str | None  # the recorded SHA-256 (None for a file sanshen never wrote)
    found: str | None  # the SHA-256 found (None when missing)
    diff: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class IntegrityReport:
    checked: int  # recorded files read back
    problems: tuple[Problem, ...] = ()
    over_http: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fingerprint(self) -> str:
        """Names this set of problems: the same problems found again raise no new alert."""
        keys = sorted((p.kind, p.path, p.found or "") for p in self.problems)
        return hashlib.sha256(json.dumps(keys).encode()).hexdigest()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out


@dataclass(frozen=True)
class _Record:
    path: str
    kind: str
    draft_id: int | None
    sha256: str


@dataclass
class _Found:
    problems: dict[tuple[str, str], Problem] = field(default_factory=dict)

    def add(self, p: Problem) -> None:
        self.problems[(p.kind, p.path)] = p


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _records(s: Session, paths: Iterable[str] | None = None) -> dict[str, _Record]:
    query = select(SiteFile.path, SiteFile.kind, SiteFile.draft_id, SiteFile.sha256)
    if paths is not None:
        query = query.where(SiteFile.path.in_(list(paths)))
    return {row[0]: _Record(*row) for row in s.connection().execute(query)}  # Core: no ORM rows


def _fetch_all(fetch: Fetch, paths: list[str]) -> dict[str, str | None]:
    with ThreadPoolExecutor(max_workers=REMOTE_READERS) as pool:
        return dict(zip(paths, pool.map(lambda path: _sha(fetch(path)), paths)))


def check(engine: Engine, site: StaticSite, *, fetch: Fetch | None = None) -> IntegrityReport:
    """Compare the site (and, with ``fetch``, the public web site) with the record."""
    with transaction(engine, readonly=True) as s:
        records = _records(s)
    found = _compare(site, records, fetch)
    if found.problems:  # a publication may have been under way: look again, holding the site lock
        found = _confirm(engine, site, found, fetch)
    problems = tuple(sorted(found.problems.values(), key=lambda p: (p.path, p.kind)))
    return IntegrityReport(checked=len(records), problems=problems, over_http=fetch is not None)


def _compare(site: StaticSite, records: dict[str, _Record], fetch: Fetch | None,
             *, only: set[str] | None = None) -> _Found:
    store = site.store
    found = _Found()
    present = set(store.paths()) if only is None else set()
    wanted = sorted(records if only is None else only)
    hashes = store.hashes([p for p in wanted if p in records])
    for path, digest in hashes.items():
        rec = records[path]
        if digest is None:
            found.add(Problem(MISSING, path, rec.draft_id, rec.sha256, None))
        elif digest != rec.sha256:
            found.add(Problem(MODIFIED, path, rec.draft_id, rec.sha256, digest))
    if only is None:
        for path in sorted(set(present) - set(records) - {MANIFEST}):
            found.add(Problem(ADDED, path, None, None, _sha(store.read(path))))
    else:
        for path in sorted(p for p in only if p not in records and p != MANIFEST):
            digest = _sha(store.read(path))
            if digest is not None:
                found.add(Problem(ADDED, path, None, None, digest))
    _compare_manifest(site, records, found, only)
    if fetch is not None:
        for path, digest in _fetch_all(fetch, [p for p in wanted if p in records]).items():
            rec = records[path]
            if digest is None:
                found.add(Problem(HTTP_MISSING, path, rec.draft_id, rec.sha256, None))
            elif digest != rec.sha256:
                found.add(Problem(HTTP_MODIFIED, path, rec.draft_id, rec.sha256, digest))
    return found


def _compare_manifest(site: StaticSite, records: dict[str, _Record], found: _Found, only: set[str] | None) -> None:
    """Each recorded page and attachment is in the manifest with its recorded hash, and nothing else is."""
    listed: dict[str, tuple[int, str]] = {}
    try:
        for key, entry in orjson.loads(site.store.read(MANIFEST) or b"{}").items():
            if key == MANIFEST_KEY:  # the audit checkpoint, not a page
                continue
            listed[entry["path"]] = (int(key), entry.get("sha256", ""))
            for f in entry.get("attachments", ()):
                listed[f["path"]] = (int(key), f["sha256"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        found.add(Problem(MANIFEST_WRONG, MANIFEST, None, None, None, f"清单无法读取：{exc}"))
        return
    wanted = {p: r for p, r in records.items() if r.kind in (PAGE, ATTACHMENT)}
    for path in (wanted.keys() | listed.keys()) if only is None else only:
        rec, entry = wanted.get(path), listed.get(path)
        if (rec is not None and entry is not None and entry[0] == rec.draft_id and entry[1] == rec.sha256) \
                or (rec is None and entry is None):
            continue
        draft_id = rec.draft_id if rec else entry[0]
        said = "清单未列出" if entry is None else f"清单记为稿件 {entry[0]}、哈希 {entry[1][:12]}…"
        recorded = "无发布记录" if rec is None else f"记录为稿件 {rec.draft_id}、哈希 {rec.sha256[:12]}…"
        found.add(Problem(MANIFEST_WRONG, path, draft_id, rec.sha256 if rec else None,
                          entry[1] if entry else None, f"{said}；{recorded}"))


def _confirm(engine: Engine, site: StaticSite, first: _Found, fetch: Fetch | None) -> _Found:
    paths = {p.path for p in first.problems.values()}
    with site_lock(engine), transaction(engine, readonly=True) as s:
        records = _records(s, paths)
        again = _compare(site, records, fetch, only=paths)
        for key, p in list(again.problems.items()):
            again.problems[key] = Problem(p.kind, p.path, p.draft_id, p.expected, p.found,
                                          p.diff or _diff(s, site, p, fetch))
    return again


def _signed_bytes(s: Session, path: str) -> bytes | None:
    row = s.scalar(select(SiteFile).where(SiteFile.path == path))
    if row is None:
        return None
    if row.data is not None:
        return row.data
    return s.scalar(select(Attachment.data).where(Attachment.sha256 == row.sha256).limit(1))


def _diff(s: Session, site: StaticSite, p: Problem, fetch: Fetch | None) -> str:
    if p.kind in (MISSING, HTTP_MISSING, MANIFEST_WRONG):
        return ""
    signed = _signed_bytes(s, p.path) if p.expected else b""
    now = (fetch if p.kind == HTTP_MODIFIED else site.store.read)(p.path)
    if signed is None or now is None:
        return ""
    try:
        before, after = signed.decode("utf-8"), now.decode("utf-8")
    except UnicodeDecodeError:
        return f"二进制文件：{len(signed)} 字节 → {len(now)} 字节"
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"签发版本/{p.path}", tofile=f"网站现状/{p.path}")
    text = "".join(lines)
    return text if len(text) <= MAX_DIFF else text[:MAX_DIFF] + "\n…（差异过长，已截断）\n"


class HttpFetch:
    """Reads site paths from the public web site at ``base_url`` (its root is the site's root):
    the body of a 200, None for a 404, a marker naming any other status. Close it after use."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        import httpx

        self._client = httpx.Client(timeout=timeout, follow_redirects=False)
        self._base = base_url.rstrip("/") + "/"

    def __call__(self, path: str) -> bytes | None:
        response = self._client.get(self._base + quote(path))
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            return f"HTTP {response.status_code}".encode()
        return response.content

    def close(self) -> None:
        self._client.close()


def http_fetcher(base_url: str) -> HttpFetch:
    return HttpFetch(base_url)


# --- telling the admins ------------------------------------------------------------------


def _last_verdict(s: Session) -> AuditEvent | None:
    return s.scalar(select(AuditEvent).where(AuditEvent.action.in_((ALERT, OK)))
                    .order_by(AuditEvent.seq.desc()).limit(1))


def alert(engine: Engine, report: IntegrityReport, *, now: datetime) -> bool:
    """Tell the admins (notification) and the audit trail about ``report``'s problems, once per
    distinct set; an all-clear after an alert is audited too. True when something was written."""
    with transaction(engine) as s:
        last = _last_verdict(s)
        if report.ok:
            if last is None or last.action == OK:
                return False
            append_event(s, action=OK, actor="system", draft_id=None,
                         payload={"checked": report.checked, "over_http": report.over_http}, at=now)
            return True
        if last is not None and last.action == ALERT and last.payload.get("fingerprint") == report.fingerprint:
            return False
        problems = [asdict(p) for p in report.problems[:MAX_PROBLEMS_AUDITED]]
        append_event(s, action=ALERT, actor="system", draft_id=None, at=now, payload={
            "fingerprint": report.fingerprint, "checked": report.checked, "over_http": report.over_http,
            "counts": report.counts(), "problems": problems, "more": max(len(report.problems) - len(problems), 0)})
        admins = [u.id for u in users_with_roles(s, ["admin"])]
        notify(s, admins, draft_id=None, kind="integrity_alert", now=now, message=summary(report))
        return True


def summary(report: IntegrityReport) -> str:
    if report.ok:
        return f"防篡改监测：{report.checked} 个已发布文件与签发版本一致"
    counts = "、".join(f"{KIND_LABELS[k]} {n} 个" for k, n in sorted(report.counts().items()))
    shown = "、".join(p.path for p in report.problems[:3]) + ("等" if len(report.problems) > 3 else "")
    return (f"防篡改监测发现网站文件与签发版本不符：{counts}（{shown}）。"
            f"请核对审计记录中的差异，并用 sanshen restore 恢复签发版本")


# --- restoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    rewritten: tuple[str, ...]  # files written back with their signed bytes
    removed: tuple[str, ...]  # files sanshen never wrote, taken off the site
    manifest_fixed: tuple[int, ...]  # drafts whose manifest entries were written back


def matches(problem: Problem, target: str) -> bool:
    """Whether ``target`` (``all``, a draft id, or a site path) names this problem."""
    if target == "all":
        return True
    if target.isdigit():
        return problem.draft_id == int(target)
    return problem.path == target.lstrip("/")


def restore(engine: Engine, site: StaticSite, report: IntegrityReport, target: str, *, actor: str,
            now: datetime, checkpoint: Checkpoint | None = None) -> Restored:
    """Put back what ``report`` found wrong and ``target`` names (audited as ``site.restored``).
    A manifest written again keeps its audit checkpoint, or when it had none readable, gets
    ``checkpoint`` (the latest one kept outside the database)."""
    chosen = [p for p in report.problems if matches(p, target)]
    rewritten: list[str] = []
    removed: list[str] = []
    fix_manifest: set[int] = set()
    drop_from_manifest: set[int] = set()
    with site_lock(engine), transaction(engine) as s:
        for p in chosen:
            if p.kind in (MODIFIED, MISSING, HTTP_MODIFIED, HTTP_MISSING):
                data = _signed_bytes(s, p.path)
                if data is not None and p.path not in rewritten:
                    site.store.write(p.path, data)
                    rewritten.append(p.path)
            elif p.kind == ADDED:
                site.store.delete(p.path)
                removed.append(p.path)
            elif p.kind == MANIFEST_WRONG and p.draft_id is not None:
                (fix_manifest if p.expected else drop_from_manifest).add(p.draft_id)
        rebuild = any(p.path == MANIFEST for p in chosen)
        if rebuild:  # unreadable: every entry written again from the record
            fix_manifest |= set(s.scalars(select(SiteFile.draft_id).where(SiteFile.kind == PAGE)))
        if fix_manifest or drop_from_manifest or rebuild:
            with site.store.locked():
                manifest = {} if rebuild or _manifest_unreadable(report) else site.manifest()
                for draft_id in drop_from_manifest - fix_manifest:
                    manifest.pop(draft_id, None)
                for draft_id in fix_manifest:
                    entry = _entry_from_record(s, draft_id)
                    if entry is not None:
                        manifest[draft_id] = entry
                site.store.write(MANIFEST, manifest_bytes(manifest, site.checkpoint() or checkpoint))
        done = Restored(tuple(rewritten), tuple(removed), tuple(sorted(fix_manifest | drop_from_manifest)))
        if chosen:
            append_event(s, action="site.restored", actor=actor,
                         draft_id=int(target) if target.isdigit() else None, at=now,
                         payload={"target": target, "rewritten": list(done.rewritten), "removed": list(done.removed),
                                  "removed_sha256": {p.path: p.found for p in chosen if p.kind == ADDED},
                                  "manifest_fixed": list(done.manifest_fixed)})
    return done


def _manifest_unreadable(report: IntegrityReport) -> bool:
    return any(p.kind == MANIFEST_WRONG and p.path == MANIFEST for p in report.problems)


def _entry_from_record(s: Session, draft_id: int) -> ManifestEntry | None:
    """The draft's manifest entry as its last site publication made it, from the database."""
    page = s.scalar(select(SiteFile).where(SiteFile.draft_id == draft_id, SiteFile.kind == PAGE))
    pub = s.scalar(select(Publication).where(Publication.draft_id == draft_id, Publication.channel == "site",
                                             Publication.status == "done").order_by(Publication.id.desc()).limit(1))
    draft = s.get(Draft, draft_id)
    if page is None or pub is None or draft is None:
        return None
    rev = s.scalar(select(Revision).where(Revision.draft_id == draft_id, Revision.number == pub.revision))
    names = {a.sha256: a.filename for a in s.scalars(select(Attachment).where(Attachment.revision_id == rev.id))}
    files = tuple(ManifestFile(names.get(f.sha256, f.path.rsplit("/", 1)[-1]), f.path, f.size, f.sha256)
                  for f in s.scalars(select(SiteFile).where(SiteFile.draft_id == draft_id,
                                                            SiteFile.kind == ATTACHMENT).order_by(SiteFile.id)))
    return ManifestEntry(pub.content_hash, page.path, format_at(pub.published_at), pub.revision, rev.title,
                         draft.column, page.sha256, files)


def adopt_published(engine: Engine, site: StaticSite, *, now: datetime) -> int:
    """Record a site published before files were recorded (an upgraded installation), once.

    Nothing on the site is trusted: each page the manifest lists is rendered again from what the
    database says was signed and published (its done site publication, its revision), and the
    indexes from those entries; those bytes become the reference, so a page already changed is
    reported. A listed draft without a done publication is left out (reported as added).
    Returns how many files were recorded (0 when the record was not empty)."""
    with site_lock(engine), transaction(engine) as s:
        if s.scalar(select(SiteFile.id).limit(1)) is not None:
            return 0
        try:
            listed = site.manifest()
        except (ValueError, TypeError, KeyError):
            return 0
        entries: dict[int, ManifestEntry] = {}
        written: list[WrittenFile] = []
        for draft_id, claimed in sorted(listed.items()):
            pub = s.scalar(select(Publication).where(
                Publication.key == f"site:{draft_id}:{claimed.content_hash}", Publication.status == "done"))
            draft = s.get(Draft, draft_id)
            if pub is None or draft is None:
                continue
            rev = s.scalar(select(Revision).where(Revision.draft_id == draft_id, Revision.number == pub.revision))
            item = SiteItem(draft_id=draft_id, revision=rev.number, title=rev.title, body=rev.body,
                            column=draft.column, content_hash=pub.content_hash,
                            published_at=format_at(pub.published_at))
            data = render_item(item, site.zone).encode("utf-8")
            entries[draft_id] = ManifestEntry(item.content_hash, item_path(draft_id), item.published_at,
                                              item.revision, item.title, item.column, sha256_hex(data))
            written.append(WrittenFile(item_path(draft_id), sha256_hex(data), len(data), PAGE, draft_id, data))
        if not entries:
            return 0
        for path, text in listing_pages(entries, {e.column for e in entries.values()}, site.zone):
            data = text.encode("utf-8")
            written.append(WrittenFile(path, sha256_hex(data), len(data), LISTING, None, data))
        record(s, SiteWrite(None, tuple(written)), now=now)
        append_event(s, action="site.adopted", actor="system", draft_id=None, at=now,
                     payload={"files": len(written), "drafts": sorted(entries)})
        return len(written)


def monitor(engine: Engine, site: StaticSite, *, now: datetime, fetch: Fetch | None = None) -> IntegrityReport:
    """The periodic job: check, and alert when something is wrong (or has become right again)."""
    adopt_published(engine, site, now=now)
    try:
        report = check(engine, site, fetch=fetch)
    finally:
        close = getattr(fetch, "close", None)
        if close is not None:
            close()
    alert(engine, report, now=now)
    return report

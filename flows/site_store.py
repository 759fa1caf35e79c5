"""Where the published site's files live: a folder (``file://``) or an object store (``s3://``),
both reached through fsspec, so every worker writes one site and every web front serves it.

A store knows bytes at relative paths, nothing of pages. Writes are atomic where the backend
allows: on a folder a temporary file, fsync and rename (files 0644, folders 0755 whatever the
umask, so a web server running as another user can read them); on S3 one PUT per object, which
S3 makes visible whole or not at all. Names starting with a dot (the lock, temporary files) are
the store's own and never listed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import fsspec
from fsspec.implementations.local import LocalFileSystem

# The site is public and usually served by another user (nginx): readable by all, writable by us.
FILE_MODE = 0o644
DIR_MODE = 0o755
_LOCK = ".lock"
REMOTE_READERS = 16  # parallel reads from an object store
_PLAIN = re.compile(r"(?:[^./\x00][^/\x00]*/)*[^./\x00][^/\x00]*")  # a clean relative path already


class BadSitePath(ValueError):
    """A relative path that would leave the site (``..``, absolute) or name a hidden file."""


def clean_path(rel: str) -> str:
    """``rel`` as a normalised relative path inside the site, or BadSitePath."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or p.startswith(".") or "\x00" in p for p in parts):
        raise BadSitePath(rel)
    return "/".join(parts)


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


class SiteStore:
    """Bytes at relative paths under one root."""

    url: str

    def read(self, rel: str) -> bytes | None:
        """The file's bytes, None when there is no such file."""
        raise NotImplementedError

    def write(self, rel: str, data: bytes) -> None:
        raise NotImplementedError

    def delete(self, rel: str) -> None:
        """Remove the file if it is there."""
        raise NotImplementedError

    def files(self) -> Iterator[tuple[str, int]]:
        """Every file (relative path, size in bytes), hidden ones left out."""
        raise NotImplementedError

    def paths(self) -> Iterator[str]:
        """Every file's relative path (hidden ones left out), without asking sizes."""
        return (path for path, _ in self.files())

    def hashes(self, paths: list[str]) -> dict[str, str | None]:
        """The SHA-256 of each file (None where there is none), read in parallel where the store is remote."""
        def one(path: str) -> str | None:
            data = self.read(path)
            return None if data is None else hashlib.sha256(data).hexdigest()

        with ThreadPoolExecutor(max_workers=REMOTE_READERS) as pool:
            return dict(zip(paths, pool.map(one, paths)))

    def ensure(self) -> None:
        """Make the root exist (a no-op where folders are implicit)."""

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Held while the manifest and indexes change. A folder takes a file lock (processes on
        one machine); an object store has none: the publisher holds a database lock around its
        writes instead (flows/site_files.py), which serves every machine."""
        yield

    @property
    def local_root(self) -> Path | None:
        return None


class LocalStore(SiteStore):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.url = f"file://{self.root}"

    @property
    def local_root(self) -> Path:
        return self.root

    def _path(self, rel: str) -> Path:
        return self.root / clean_path(rel)

    def read(self, rel: str) -> bytes | None:
        try:
            return self._path(rel).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def write(self, rel: str, data: bytes) -> None:
        make_dirs(self.root)
        atomic_write(self._path(rel), data)

    def delete(self, rel: str) -> None:
        self._path(rel).unlink(missing_ok=True)

    def files(self) -> Iterator[tuple[str, int]]:
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            base = os.path.relpath(dirpath, self.root)
            for name in filenames:
                if name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                rel = name if base == "." else f"{base}/{name}".replace(os.sep, "/")
                yield rel, os.stat(full).st_size

    def paths(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        stack = [(str(self.root), "")]
        while stack:
            folder, prefix = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                    else:
                        yield f"{prefix}{entry.name}"

    def hashes(self, paths: list[str]) -> dict[str, str | None]:
        """Read and hash one file after another: on a local disk a thread pool only adds overhead."""
        root = str(self.root)
        out: dict[str, str | None] = {}
        sha256 = hashlib.sha256
        for rel in paths:
            full = f"{root}/{rel}" if _PLAIN.fullmatch(rel) else str(self._path(rel))
            try:
                with open(full, "rb") as fp:
                    out[rel] = sha256(fp.read()).hexdigest()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                out[rel] = None
        return out

    def ensure(self) -> None:
        make_dirs(self.root)

    @contextmanager
    def locked(self) -> Iterator[None]:
        make_dirs(self.root)
        with open(self.root / _LOCK, "a+b") as fp:
            fcntl.flock(fp.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fp.fileno(), fcntl.LOCK_UN)


@dataclass
class FsspecStore(SiteStore):
    """Any other fsspec filesystem (S3 through s3fs): one PUT per file."""

    fs: fsspec.AbstractFileSystem
    root: str  # without the protocol, e.g. "bucket/prefix"
    url: str

    def _full(self, rel: str) -> str:
        return f"{self.root}/{clean_path(rel)}"

    def read(self, rel: str) -> bytes | None:
        try:
            return self.fs.cat_file(self._full(rel))
        except (FileNotFoundError, IsADirectoryError):
            return None

    def write(self, rel: str, data: bytes) -> None:
        self.fs.pipe_file(self._full(rel), data)

    def delete(self, rel: str) -> None:
        try:
            self.fs.rm_file(self._full(rel))
        except FileNotFoundError:
            pass

    def files(self) -> Iterator[tuple[str, int]]:
        self.fs.invalidate_cache()
        try:
            found = self.fs.find(self.root, detail=True)
        except FileNotFoundError:
            return
        prefix = self.root.rstrip("/") + "/"
        for full, info in sorted(found.items()):
            rel = full[len(prefix):] if full.startswith(prefix) else full
            if info.get("type", "file") != "file" or any(p.startswith(".") for p in PurePosixPath(rel).parts):
                continue
            yield rel, int(info.get("size") or 0)


def open_store(url: str, *, s3_endpoint: str | None = None) -> SiteStore:
    """The store a site URL names: ``file:///srv/site`` (or a plain path) or ``s3://bucket/prefix``.
    ``s3_endpoint`` points S3 at a compatible service (MinIO, a test server); credentials come from
    the usual AWS variables."""
    options = {}
    if url.startswith(("s3://", "s3a://")):
        # the cache would hide files written by other workers; endpoint for S3-compatible services
        options["skip_instance_cache"] = True
        options["use_listings_cache"] = False
        if s3_endpoint:
            options["client_kwargs"] = {"endpoint_url": s3_endpoint}
    fs, root = fsspec.core.url_to_fs(url, **options)
    if isinstance(fs, LocalFileSystem):
        return LocalStore(Path(root))
    return FsspecStore(fs=fs, root=root.rstrip("/"), url=url)

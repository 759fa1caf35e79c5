"""An on-disk copy of tables that take seconds to build, read back in a fraction of that.

A cache file is named after a digest of every input of the build (data files and the code that
builds from them), so a changed input makes a new file rather than a stale read. Files are
written atomically and are never required: when one is missing, unreadable or unwritable, the
caller builds its tables as if there were no cache.

The tables are stored with ``marshal`` (plain values only, nothing is imported or run on load);
the large mappings are packed as a few long strings, which load far faster than a million
small ones.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1
SEPARATOR = "\n"
# Seconds by which a file for other inputs must predate the one just written to be removed (no
# clock is read): another install sharing the directory rebuilds at most daily.
STALE_AFTER = 24 * 3600


def default_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/sanshen``, else ``~/.cache/sanshen``; None when there is no home to
    put it in (a relative XDG_CACHE_HOME is ignored, as the XDG specification says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base, "sanshen")
    home = os.path.expanduser("~")
    return Path(home, ".cache", "sanshen") if os.path.isabs(home) else None


def inputs_digest(paths: Iterable[Path]) -> str:
    """A digest of the contents of ``paths`` (a missing file counts as such), the Python version
    (marshal's format follows it) and this module's format."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}\0{sys.version}\0".encode())
    for path in paths:
        h.update(f"{path.name}\0".encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing\0")
        h.update(b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class TableCache:
    path: Path
    name: str

    @classmethod
    def for_inputs(cls, directory: Path, name: str, inputs: Iterable[Path]) -> "TableCache":
        return cls(directory / f"{name}-{inputs_digest(inputs)}.marshal", name)

    def read(self) -> dict[str, Any] | None:
        """The stored tables, or None when there are none to trust."""
        try:
            tables = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return tables if isinstance(tables, dict) else None

    def write(self, tables: Mapping[str, Any]) -> bool:
        """Store ``tables`` (plain values only) atomically, and remove this name's files for other
        inputs written more than a day before it; False when the tables could not be stored."""
        try:
            data = marshal.dumps(dict(tables))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}-", suffix=".tmp")
        except (OSError, ValueError):
            return False
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            return False
        self._remove_stale()
        return True

    def _remove_stale(self) -> None:
        try:
            cutoff = self.path.stat().st_mtime - STALE_AFTER
        except OSError:
            return  # replaced or removed meanwhile: nothing to measure the others by
        for other in self.path.parent.glob(f"{self.name}-*.marshal"):
            try:
                if other != self.path and other.stat().st_mtime < cutoff:
                    other.unlink()
            except OSError:
                pass  # gone already, or not ours to remove


def pack_strs(items: Iterable[str]) -> tuple[int, str]:
    """Strings (none containing a line feed) as their count and one joined string."""
    items = list(items)
    joined = SEPARATOR.join(items)
    if joined.count(SEPARATOR) != max(len(items) - 1, 0):
        raise ValueError("a string to pack contains the separator")
    return len(items), joined


def unpack_strs(packed: tuple[int, str]) -> list[str]:
    count, joined = packed
    items = joined.split(SEPARATOR) if count else []
    if len(items) != count:
        raise ValueError("packed strings do not match their count")
    return items


def pack_floats(table: Mapping[str, float]) -> tuple[tuple[int, str], bytes]:
    """A str → float mapping as its packed keys and its values as raw doubles (exact)."""
    return pack_strs(table), array("d", table.values()).tobytes()


def unpack_floats(packed: tuple[tuple[int, str], bytes]) -> dict[str, float]:
    keys, raw = packed
    values = array("d")
    values.frombytes(raw)
    names = unpack_strs(keys)
    if len(names) != len(values):
        raise ValueError("packed keys and values differ in number")
    return dict(zip(names, values))


def pack_str_map(table: Mapping[str, str]) -> tuple[tuple[int, str], tuple[int, str], bytes]:
    """A str → str mapping whose values repeat, as its packed keys, its distinct values and,
    per key, the position of its value among them."""
    distinct: dict[str, int] = {}
    positions = array("I", (distinct.setdefault(v, len(distinct)) for v in table.values()))
    return pack_strs(table), pack_strs(distinct), positions.tobytes()


def unpack_str_map(packed: tuple[tuple[int, str], tuple[int, str], bytes]) -> dict[str, str]:
    """The mapping, each distinct value held once."""
    keys, values, raw = packed
    names, distinct = unpack_strs(keys), unpack_strs(values)
    positions = array("I")
    positions.frombytes(raw)
    if len(names) != len(positions):
        raise ValueError("packed keys and values differ in number")
    return dict(zip(names, map(distinct.__getitem__, positions)))

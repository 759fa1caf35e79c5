"""The database seam: one :class:`Dialect` per supported engine, and :func:`dialect_for` to pick it.

A new engine is a subclass of :class:`Dialect` in its own module here, listed in ``DIALECTS``.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL, make_url

from storage.dialect.base import DbFailure, Dialect
from storage.dialect.postgresql import PostgreSQL
from storage.dialect.sqlite import SQLite

__all__ = ["DIALECTS", "DbFailure", "Dialect", "dialect_for"]

DIALECTS: tuple[type[Dialect], ...] = (SQLite, PostgreSQL)


def dialect_for(target: Engine | Connection | URL | str) -> Dialect:
    """The dialect of an engine or connection, or of the database a URL names."""
    if isinstance(target, (Engine, Connection)):
        name = target.dialect.name
    else:
        name = make_url(target).get_backend_name()
    for dialect in DIALECTS:
        if name == dialect.name or name in dialect.aliases:
            return dialect()
    supported = ", ".join(d.name for d in DIALECTS)
    raise ValueError(f"unsupported database {name!r} (supported: {supported})")

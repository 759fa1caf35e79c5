"""The base class of the database dialects: everything that differs between engines.

One subclass per engine; :func:`storage.dialect.dialect_for` picks it. The rest of
the code asks its dialect instead of testing the engine's name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, Select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel


class DbFailure(Enum):
    """What a driver error means, however the engine words it."""

    BUSY = "busy"  # a lock was still held when the wait for it ran out
    SERIALIZATION = "serialization"  # a concurrent transaction won; the work may be tried again
    UNIQUE_VIOLATION = "unique_violation"  # a row with the same unique key exists


def append_only_refusal(table: str) -> str:
    """The start of the error an append-only trigger raises."""
    return f"{table} is append-only"


class Dialect(ABC):
    name: ClassVar[str]  # SQLAlchemy's name for the engine
    aliases: ClassVar[frozenset[str]] = frozenset()  # other names URLs use for it
    batch_migrations: ClassVar[bool] = False  # Alembic must copy a table to alter it

    @abstractmethod
    def create_engine(self, url: str | URL) -> Engine:
        """An engine with this database's connection settings."""

    def reader(self, engine: Engine) -> Engine:
        """The engine for transactions that never write."""
        return engine

    def database_file(self, url: str | URL) -> Path | None:
        """The local file the database lives in, for an engine that keeps one."""
        return None

    def write_gate(self, engine: Engine) -> AbstractContextManager:
        """Held by a write transaction of this process from before it connects to its end (for an
        engine whose writers all wait for one lock, so that they queue here rather than poll it)."""
        return nullcontext()

    @abstractmethod
    def lock_transaction(self, executor: Connection | Session, key: int) -> None:
        """Wait for, then hold until the transaction ends, the lock named ``key``."""

    @contextmanager
    def exclusive(self, engine: Engine, key: int) -> Iterator[None]:
        """Wait for, then hold to the end of the ``with`` block, the lock named ``key``, shared by
        every process (and machine) using the database, without holding its write lock: other
        transactions run meanwhile. Not re-entrant. Here: a connection of its own whose transaction
        only holds the lock (it ends, and the lock with it, when the holder dies)."""
        with engine.connect() as conn, conn.begin():
            self.lock_transaction(conn, key)
            yield

    @abstractmethod
    def lock_for_claim(self, query: Select) -> Select:
        """``query`` changed so that concurrent transactions running it never get the same rows."""

    @abstractmethod
    def insert_unless_exists(self, session: Session, model: type[SQLModel], values: dict, *,
                             unique_on: Sequence[str]) -> bool:
        """Insert a row unless one with the same ``unique_on`` columns exists; True if it was inserted."""

    @abstractmethod
    def upsert(self, model: type[SQLModel]) -> Any:
        """This engine's INSERT into ``model``'s table, the one with ``on_conflict_do_*`` clauses."""

    def add_to_counters(self, session: Session, model: type[SQLModel], rows: Sequence[dict], *,
                        key: Sequence[str], add: Sequence[str]) -> None:
        """One INSERT of ``rows``; where a row with the same ``key`` columns exists, its ``add``
        columns grow by the row's values instead (atomic under concurrent writers). Give the rows
        in one order (e.g. by key) so that concurrent callers lock them in the same order."""
        insert = self.upsert(model).values(list(rows))
        table = model.__table__
        session.execute(insert.on_conflict_do_update(
            index_elements=list(key), set_={c: table.c[c] + insert.excluded[c] for c in add}))

    # Migration 0001 runs these statements: their text is part of that migration's schema.
    # Change it only together with a new migration that replaces the triggers.
    @abstractmethod
    def append_only_triggers(self, table: str) -> list[str]:
        """DDL that makes ``table`` refuse UPDATE, DELETE and, where the engine has it, TRUNCATE."""

    @abstractmethod
    def drop_append_only_triggers(self, table: str) -> list[str]:
        """DDL that undoes :meth:`append_only_triggers`."""

    @abstractmethod
    def classify(self, error: DBAPIError) -> DbFailure | None:
        """What ``error`` means, or None when it is none of the :class:`DbFailure` cases."""

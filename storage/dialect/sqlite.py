"""SQLite, the embedded default.

It runs in WAL mode with foreign keys on and a busy timeout; every transaction
starts with ``BEGIN IMMEDIATE``, so concurrent writers queue for the database's
write lock instead of failing halfway through. That lock is held to the end of
the transaction, so it already serialises whatever other engines need a lock for.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, Select, create_engine, event, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from storage.dialect.base import DbFailure, Dialect, append_only_refusal

BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "sanshen_sqlite_begin"
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_UNIQUE_CODES = frozenset({sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY})
_REFUSED_VERBS = ("UPDATE", "DELETE")  # SQLite has no TRUNCATE
# A pool that keeps a connection per thread serving requests (the web process's threads, its
# dispatcher): opening one runs the PRAGMAs below, and a smaller pool closes and reopens them.
POOL_SIZE = 20
MAX_OVERFLOW = 20
# Each engine's write gate (see SQLite.write_gate), dropped with the engine.
_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()
GATE_SUFFIX = "-writegate"  # the file beside the database whose flock queues the writers of all processes
LOCK_SUFFIX = "-lock-{key:x}"  # the file beside the database whose flock is the named lock ``key``
# The named locks of an in-memory database (one process): a threading lock per engine and key.
_MEMORY_LOCKS: weakref.WeakKeyDictionary[Engine, dict[int, threading.Lock]] = weakref.WeakKeyDictionary()
_MEMORY_LOCKS_GUARD = threading.Lock()


class WriteGate:
    """The queue of one engine's write transactions: a re-entrant lock for this process's threads,
    and (for a database file) an exclusive ``flock`` on a file beside it for the other processes on
    this host (``sanshen serve`` and its dispatcher child, CLI commands, workers). A waiter blocks in
    the kernel and is woken as the holder closes the file, where SQLite's busy handler would sleep in
    steps of up to 100 ms. The file is opened per outermost transaction (nothing inherited by a fork
    holds it) and closing it releases the lock, also when the process dies. Only a queue: SQLite's
    own lock still decides (writers that take no gate meet at the busy timeout as before)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.RLock()
        self._depth = 0  # this thread's nesting, read and written only while holding _lock
        self._fd: int | None = None

    def __enter__(self) -> WriteGate:
        self._lock.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                self._fd = _locked_file(self._path)
            self._depth += 1
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)  # releases the flock
        finally:
            self._lock.release()


def _locked_file(path: Path) -> int | None:
    """An open descriptor of ``path`` holding its exclusive flock (waits for it); None if the file
    cannot be opened (a read-only directory): the writers of other processes then meet at SQLite's lock."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd


class SQLite(Dialect):
    name: ClassVar[str] = "sqlite"
    batch_migrations: ClassVar[bool] = True

    def create_engine(self, url: str | URL) -> Engine:
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            **({} if self.database_file(url) is None else {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW}),
        )
        database = self.database_file(url)
        in_memory = database is None
        _GATES[engine] = WriteGate(None if in_memory else database.with_name(database.name + GATE_SUFFIX))

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
            # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if not in_memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:
            mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def reader(self, engine: Engine) -> Engine:
        """The same engine, but transactions start DEFERRED: they take no write lock."""
        return engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})

    def database_file(self, url: str | URL) -> Path | None:
        database = make_url(url).database
        return None if database in (None, "", ":memory:") else Path(database)

    def write_gate(self, engine: Engine) -> AbstractContextManager:
        """One write transaction of this engine at a time, the others waiting on a lock in this
        process and on a file lock across processes (:class:`WriteGate`). Without it every writer
        but one sits in SQLite's busy handler, which sleeps in steps of up to 100 ms and wakes to
        find the lock taken again: under load a sign-off waited seconds for a lock that was free
        most of the time, and since `serve`'s dispatcher is a child process, its publications are
        such a writer. Re-entrant, as SQLite's lock is not."""
        return _GATES.get(engine) or nullcontext()

    def lock_transaction(self, executor: Connection | Session, key: int) -> None:
        """Nothing to do: the transaction holds the database's write lock already."""

    @contextmanager
    def exclusive(self, engine: Engine, key: int) -> Iterator[None]:
        """The lock named ``key`` without the database's write lock: an exclusive ``flock`` on a
        file beside the database (every process on this host, and every thread, as each opens the
        file anew; released when the holder closes it or dies); for an in-memory database, or a
        folder where the file cannot be made, a lock of this process."""
        database = self.database_file(engine.url)
        fd = None if database is None else _locked_file(database.with_name(database.name + LOCK_SUFFIX.format(key=key)))
        if fd is not None:
            try:
                yield
            finally:
                os.close(fd)  # releases the flock
            return
        with _MEMORY_LOCKS_GUARD:
            lock = _MEMORY_LOCKS.setdefault(engine, {}).setdefault(key, threading.Lock())
        with lock:
            yield

    def lock_for_claim(self, query: Select) -> Select:
        """``query`` as it is: the write lock keeps other claimers out until this transaction ends."""
        return query

    def insert_unless_exists(self, session: Session, model: type[SQLModel], values: dict, *,
                             unique_on: Sequence[str]) -> bool:
        insert = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=list(unique_on))
        return session.execute(insert.returning(*inspect(model).primary_key)).first() is not None

    def upsert(self, model: type[SQLModel]) -> Any:
        return sqlite.insert(model)

    def append_only_triggers(self, table: str) -> list[str]:
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{append_only_refusal(table)}: {verb} refused'); END"
            for verb in _REFUSED_VERBS
        ]

    def drop_append_only_triggers(self, table: str) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb.lower()}" for verb in _REFUSED_VERBS]

    def classify(self, error: DBAPIError) -> DbFailure | None:
        code = getattr(error.orig, "sqlite_errorcode", None)
        if code is None:
            return None
        if code & 0xFF in _BUSY_CODES:  # the primary code, without the extended part
            return DbFailure.BUSY
        if code in _UNIQUE_CODES:
            return DbFailure.UNIQUE_VIOLATION
        return None

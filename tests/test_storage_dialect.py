"""The database seam: picking a dialect, and real driver errors classified the same on every engine."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from review.refusals import Conflict
from sanshen.service.tx import action
from storage.clock import pause
from storage.db import make_engine, transaction
from storage.dialect import DbFailure, Dialect, dialect_for
from storage.dialect.postgresql import PostgreSQL
from storage.dialect.sqlite import SQLite
from storage.models import Notification, User

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("url", "dialect"), [
    ("sqlite:///x.db", SQLite),
    ("sqlite://", SQLite),
    ("postgresql+psycopg://u@h/db", PostgreSQL),
    ("postgres://u@h/db", PostgreSQL),
])
def test_dialect_for_a_url(url, dialect):
    assert type(dialect_for(url)) is dialect


def test_dialect_for_an_unsupported_database_names_the_supported_ones():
    with pytest.raises(ValueError, match="unsupported database 'mysql'.*sqlite, postgresql"):
        dialect_for("mysql://u@h/db")


def test_a_dialect_must_provide_every_difference():
    class Half(Dialect):
        name = "half"

    with pytest.raises(TypeError, match="abstract"):
        Half()


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///data/x.db", "data/x.db"),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("postgresql+psycopg://u@h/db", None),
])
def test_only_an_embedded_database_lives_in_a_file(url, path):
    found = dialect_for(url).database_file(url)
    assert (None if found is None else str(found)) == path


def _add_user(engine, name: str) -> int:
    with transaction(engine) as s:
        user = User(name=name, created_at=NOW)
        s.add(user)
        s.flush()
        return user.id


def _error_from(run: Callable[[], object]) -> DBAPIError:
    with pytest.raises(DBAPIError) as caught:
        run()
    return caught.value


# How a second writer fails at once on a lock the first one holds, by engine: the statement the
# first runs to hold it (SQLite: none, its BEGIN IMMEDIATE holds the write lock), the statement
# the second runs to take it, and the second's connection arguments.
_LOCK_CLASH = {
    "sqlite": (None, "BEGIN IMMEDIATE", {"timeout": 0}),
    "postgresql": ("LOCK TABLE outbox IN EXCLUSIVE MODE", "LOCK TABLE outbox IN EXCLUSIVE MODE NOWAIT", {}),
}


def _busy_error(engine) -> DBAPIError:
    """The real error a writer gets when another holds the lock it needs and it does not wait."""
    hold, take, connect_args = _LOCK_CLASH[engine.dialect.name]
    second = sa.create_engine(engine.url, connect_args=connect_args)
    try:
        with engine.begin() as first, second.connect() as conn:
            if hold:
                first.exec_driver_sql(hold)
            return _error_from(lambda: conn.exec_driver_sql(take))
    finally:
        second.dispose()


@pytest.mark.db
def test_a_lock_held_elsewhere_is_busy(engine):
    assert dialect_for(engine).classify(_busy_error(engine)) is DbFailure.BUSY


@pytest.mark.db
def test_an_action_refuses_a_busy_database_as_a_conflict(engine):
    error = _busy_error(engine)
    with pytest.raises(Conflict) as refused:
        with action(SimpleNamespace(engine=engine)):
            raise error
    assert refused.value.code == "conflict"


@pytest.mark.db
def test_a_lost_race_under_snapshot_isolation_is_a_serialization_failure(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: a lost race is a busy database")
    user_id = _add_user(engine, "甲")
    rename = sa.update(User).where(User.id == user_id)
    with engine.connect() as slow:
        slow.execution_options(isolation_level="REPEATABLE READ")
        slow.begin()
        slow.execute(sa.select(User.name))  # the snapshot is taken here
        with engine.begin() as fast:
            fast.execute(rename.values(display="快"))
        error = _error_from(lambda: slow.execute(rename.values(display="慢")))
    assert dialect_for(engine).classify(error) is DbFailure.SERIALIZATION


@pytest.mark.db
def test_a_duplicate_key_is_a_unique_violation(engine):
    _add_user(engine, "乙")
    error = _error_from(lambda: _add_user(engine, "乙"))
    assert isinstance(error, IntegrityError)
    assert dialect_for(engine).classify(error) is DbFailure.UNIQUE_VIOLATION


@pytest.mark.db
def test_other_errors_are_not_classified(engine):
    def orphan() -> None:
        with transaction(engine) as s:
            s.add(Notification(user_id=999, kind="x", message="m", created_at=NOW))

    def nonsense() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table")

    for run in (orphan, nonsense):
        assert dialect_for(engine).classify(_error_from(run)) is None


@pytest.mark.db
def test_truncate_is_refused_where_the_engine_has_it(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE auditevent")


def test_sqlite_writers_of_one_process_queue_on_the_gate_before_they_connect(tmp_path):
    """While a write transaction of this process runs, another waits on the engine's write gate,
    holding no connection (not polling SQLite's lock from its busy handler), and starts once the
    first ends; readers are not held; the gate is re-entrant for the thread that holds it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    try:
        with transaction(engine) as s:
            s.execute(sa.text("CREATE TABLE t (n INTEGER)"))
        gate = dialect_for(engine).write_gate(engine)
        written = threading.Event()

        def second_writer() -> None:
            with transaction(engine) as s:
                s.execute(sa.text("INSERT INTO t VALUES (2)"))
            written.set()

        def count() -> int:
            with transaction(engine, readonly=True) as s:
                return s.execute(sa.text("SELECT count(*) FROM t")).scalar_one()

        with gate:
            with transaction(engine) as s:  # the holder's own writes go on
                s.execute(sa.text("INSERT INTO t VALUES (1)"))
            writer = threading.Thread(target=second_writer)
            writer.start()
            assert not pause(written, 0.3)
            assert engine.pool.checkedout() == 0
            assert count() == 1
        writer.join()
        assert written.is_set() and count() == 2
    finally:
        engine.dispose()


def test_the_sqlite_write_gate_queues_the_writers_of_other_processes_too(tmp_path):
    """`serve` and its dispatcher child write to one SQLite file: a writer of another process waits on
    the gate's file lock (not in SQLite's sleeping busy handler) and gets it when the holder is done."""
    import subprocess
    import sys

    from storage.dialect.sqlite import GATE_SUFFIX

    db = tmp_path / "gate.db"
    engine = SQLite().create_engine(f"sqlite:///{db}")
    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
             "except BlockingIOError:\n    print('held')\n")
    gate = str(db) + GATE_SUFFIX

    def other_process_sees() -> str:
        return subprocess.run([sys.executable, "-c", probe, gate], capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        with transaction(engine):
            with transaction(engine):  # re-entrant in the thread that holds it
                assert other_process_sees() == "held"
            assert other_process_sees() == "held"  # until the outermost transaction ends
        assert other_process_sees() == "free"
        with transaction(engine, readonly=True):  # readers take no gate
            assert other_process_sees() == "free"
    finally:
        engine.dispose()


_HOLD_THEN_REPORT = """
import sys
from storage.db import make_engine
from storage.dialect import dialect_for
engine = make_engine(sys.argv[1])
print("waiting", flush=True)
with dialect_for(engine).exclusive(engine, int(sys.argv[2])):
    print("got it", flush=True)
"""


@pytest.mark.db
def test_a_named_lock_is_held_by_one_process_at_a_time_while_other_transactions_commit(db_url):
    """The publishers' site lock (``Dialect.exclusive``): another process waits for it (SQLite: a
    file lock beside the database; PostgreSQL: an advisory lock, for every machine), and it is not
    the write lock: the holder's own process and others write meanwhile."""
    import subprocess
    import sys
    from pathlib import Path

    from storage.db import upgrade

    key = 0x5A45_7E57
    engine = make_engine(db_url)
    upgrade(engine)
    root = Path(__file__).resolve().parent.parent
    try:
        with dialect_for(engine).exclusive(engine, key):
            other = subprocess.Popen([sys.executable, "-c", _HOLD_THEN_REPORT, db_url, str(key)], cwd=root,
                                     stdout=subprocess.PIPE, text=True)
            assert other.stdout.readline().strip() == "waiting"
            _add_user(engine, "持锁时写入")  # the database's write lock is free
            pause(threading.Event(), 1.0)  # the other process had a second to take the lock
            assert other.poll() is None, "another process took the lock while it was held"
        out, _ = other.communicate()
        assert out.strip() == "got it" and other.returncode == 0
        with dialect_for(engine).exclusive(engine, key):  # and it was given back
            with transaction(engine, readonly=True) as s:
                assert s.scalar(sa.select(User.id).where(User.name == "持锁时写入")) is not None
    finally:
        engine.dispose()


def test_a_named_lock_of_an_in_memory_database_is_held_by_one_thread_at_a_time():
    engine = SQLite().create_engine("sqlite://")
    order: list[str] = []

    def take() -> None:
        with SQLite().exclusive(engine, 1):
            order.append("other")

    with SQLite().exclusive(engine, 1):
        other = threading.Thread(target=take)
        other.start()
        pause(threading.Event(), 0.3)
        order.append("holder")
    other.join()
    assert order == ["holder", "other"]
    engine.dispose()

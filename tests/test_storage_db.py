"""Engine settings, migrations, transactions and the append-only triggers."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.audit import append_event
from storage.db import alembic_config, make_engine, transaction, upgrade
from storage.models import AuditEvent, Notification, SQLModel, User

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("url", "engine_url"), [
    ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_make_engine_routes_postgres_to_psycopg(url, engine_url):
    assert make_engine(url).url.render_as_string(hide_password=False) == engine_url


@pytest.mark.db
def test_upgrade_creates_every_table_and_is_idempotent(engine):
    upgrade(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == "0010"


@pytest.mark.db
def test_the_migrations_match_the_models(engine):
    """What ``alembic check`` verifies: autogenerate finds nothing to add, drop or alter."""
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


@contextmanager
def migrated_to(eng, revision: str):
    """A transaction on the database migrated up to ``revision`` only (to plant older rows)."""
    cfg = alembic_config()
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        yield conn


@pytest.mark.db
def test_outbox_rows_survive_the_dead_letter_migration(db_url):
    eng = make_engine(db_url)
    try:
        with migrated_to(eng, "0001") as conn:
            conn.execute(sa.text("INSERT INTO outbox (kind, key, payload, created_at, available_at, attempts) "
                                 "VALUES ('route', 'route:1', '{}', :t, :t, 0)"), {"t": NOW.replace(tzinfo=None)})
        upgrade(eng)
        with eng.connect() as conn:
            assert conn.execute(sa.text("SELECT key, dead_at FROM outbox")).one() == ("route:1", None)
    finally:
        eng.dispose()


@pytest.mark.db
def test_0003_copies_each_draft_s_urgency_onto_its_stage_tasks(db_url):
    engine = make_engine(db_url)
    try:
        with migrated_to(engine, "0002") as conn:
            conn.execute(sa.text("INSERT INTO \"user\" (id, name, display, dept, roles, failed_logins, active, created_at)"
                                 " VALUES (1, 'bian', '', '', 'editor', 0, true, '2026-11-24 00:00:00')"))
            for draft_id, urgent in ((1, True), (2, False)):
                conn.execute(sa.text(
                    "INSERT INTO draft (id, title, \"column\", kind, urgent, author_id, department, workflow_name,"
                    " workflow_version, status, current_revision, lock_version, submitted_at)"
                    " VALUES (:id, 't', '', 'news', :urgent, 1, '', 'w', 'v', 'in_review', 1, 0, '2026-11-24 00:00:00')"),
                    {"id": draft_id, "urgent": urgent})
                conn.execute(sa.text(
                    "INSERT INTO stagetask (draft_id, revision, stage, roles, status, opened_at)"
                    " VALUES (:id, 1, '一校', 'proofreader', 'open', '2026-11-24 00:00:00')"), {"id": draft_id})
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT draft_id, urgent FROM stagetask ORDER BY draft_id")).all()
            epochs = conn.execute(sa.text("SELECT session_epoch FROM \"user\"")).scalars().all()
        assert [(d, bool(u)) for d, u in rows] == [(1, True), (2, False)]
        assert epochs == [0]
    finally:
        engine.dispose()


@pytest.mark.db
def test_0004_keeps_the_findings_on_record_as_found_in_the_body(db_url):
    engine = make_engine(db_url)
    at = "'2026-11-24 00:00:00'"
    try:
        with migrated_to(engine, "0003") as conn:
            for statement in (
                f"INSERT INTO \"user\" (id, name, display, dept, roles, failed_logins, active, session_epoch,"
                f" created_at) VALUES (1, 'bian', '', '', 'editor', 0, true, 0, {at})",
                "INSERT INTO draft (id, title, \"column\", kind, urgent, author_id, department, workflow_name,"
                f" workflow_version, status, current_revision, lock_version, submitted_at)"
                f" VALUES (1, 't', '', 'news', false, 1, '', 'w', 'v', 'in_review', 1, 0, {at})",
                "INSERT INTO revision (id, draft_id, number, title, body, meta, content_hash, author_id, comment,"
                f" created_at) VALUES (1, 1, 1, 't', 'b', '{{}}', 'h', 1, '', {at})",
                f"INSERT INTO checkreport (id, revision_id, lexicon_version, source, created_at)"
                f" VALUES (1, 1, 'v', 'submit', {at})",
                "INSERT INTO finding (id, report_id, draft_id, revision, rule, category, severity, start, \"end\","
                " text, message, superseded) VALUES (1, 1, 1, 1, 'pii.id', 'pii', 'error', 0, 2, 'b', 'm', false)",
            ):
                conn.execute(sa.text(statement))
        upgrade(engine)
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT id, text, part, attachment, page, sheet FROM finding")).all()
            counter = conn.execute(sa.text("SELECT id, number FROM lexiconrevision")).all()
        assert found == [(1, "b", "body", None, None, None)]
        assert counter == [(1, 0)]
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 1000


@pytest.mark.db
def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError):
        with transaction(engine) as s:
            s.add(Notification(user_id=999, kind="x", message="m", created_at=NOW))


@pytest.mark.db
def test_transaction_rolls_back_on_error(engine):
    with pytest.raises(RuntimeError):
        with transaction(engine) as s:
            s.add(User(name="张三", created_at=NOW))
            s.flush()
            raise RuntimeError("boom")
    with transaction(engine, readonly=True) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0


@pytest.mark.db
def test_datetimes_come_back_aware_utc(engine):
    east8 = timezone(timedelta(hours=8))
    with transaction(engine) as s:
        s.add(User(name="李四", created_at=datetime(2026, 11, 24, 9, 0, tzinfo=east8)))
    with transaction(engine, readonly=True) as s:
        user = s.execute(sa.select(User)).scalar_one()
    assert user.created_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert user.created_at.utcoffset() == timedelta(0)


@pytest.mark.db
def test_concurrent_writers_queue_instead_of_failing(engine):
    """Read-then-write transactions from many threads all commit (BEGIN IMMEDIATE / locks)."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                with transaction(engine) as s:
                    append_event(s, action="test.concurrent", actor=f"w{n}", draft_id=None,
                                 payload={"i": i}, at=NOW)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with transaction(engine, readonly=True) as s:
        seqs = s.execute(sa.select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
    assert seqs == list(range(1, 41))


@pytest.mark.db
@pytest.mark.parametrize("statement", [
    "UPDATE auditevent SET actor = 'mallory'",
    "DELETE FROM auditevent",
])
def test_triggers_refuse_update_and_delete(engine, statement):
    with transaction(engine) as s:
        append_event(s, action="draft.submitted", actor="editor", draft_id=None,
                     payload={"title": "标题"}, at=NOW)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with transaction(engine, readonly=True) as s:
        event = s.execute(sa.select(AuditEvent)).scalar_one()
    assert event.actor == "editor"


def test_sqlite_readers_do_not_wait_for_a_writer(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(eng)
    with transaction(eng) as writer:
        writer.add(User(name="写入中", created_at=NOW))
        writer.flush()
        done = threading.Event()

        def read() -> None:
            with transaction(eng, readonly=True) as s:
                assert s.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
            done.set()

        thread = threading.Thread(target=read)
        thread.start()
        assert done.wait(10), "a read-only transaction waited for the writer"
        thread.join()
    eng.dispose()

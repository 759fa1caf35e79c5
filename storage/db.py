"""Engines, migrations and transactions.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy
timeout; every transaction opened through :func:`transaction` starts with
``BEGIN IMMEDIATE`` so concurrent writers queue for the write lock instead of
failing halfway through. PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "sanshen_sqlite_begin"
_MIGRATIONS_LOCK = 0x5A45_0001  # PostgreSQL advisory lock key held while migrating


def normalise_url(url: str) -> str:
    """Route PostgreSQL URLs to psycopg 3, whatever driver they name."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"options": "-c timezone=UTC"},
        )
    return create_engine(url)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    in_memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite:/")

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


def reader(engine: Engine) -> Engine:
    """The same engine, but SQLite transactions start DEFERRED (for read-only work)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})


@contextmanager
def transaction(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, rollback on any error.

    Objects stay usable after commit (no expiry). ``readonly=True`` takes no write
    lock on SQLite; use it only for transactions that never write.
    """
    bind = reader(engine) if readonly else engine
    with Session(bind, expire_on_commit=False) as session:
        with session.begin():
            yield session


def alembic_config() -> Config:
    here = Path(__file__).resolve().parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every migration up to head (idempotent; safe to call from several processes)."""
    cfg = alembic_config()
    with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite serialises concurrent upgrades
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATIONS_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")

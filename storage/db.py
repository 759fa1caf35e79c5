"""Engines, migrations and transactions.

What differs between database engines (connection settings, how a transaction
takes its locks) lives in :mod:`storage.dialect`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlmodel import Session

from storage.dialect import dialect_for

_MIGRATIONS_LOCK = 0x5A45_0001  # lock key held while migrating


def make_engine(url: str) -> Engine:
    return dialect_for(url).create_engine(url)


def reader(engine: Engine) -> Engine:
    """The engine for read-only work (on SQLite, its transactions take no write lock)."""
    return dialect_for(engine).reader(engine)


@contextmanager
def transaction(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, rollback on any error.

    Objects stay usable after commit (no expiry). ``readonly=True`` takes no write
    lock on SQLite; use it only for transactions that never write.
    """
    bind = reader(engine) if readonly else engine
    with nullcontext() if readonly else dialect_for(engine).write_gate(engine):
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
    with engine.begin() as conn:
        dialect_for(conn).lock_transaction(conn, _MIGRATIONS_LOCK)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")

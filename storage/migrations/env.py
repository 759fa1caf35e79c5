"""Alembic environment: uses the caller's connection (storage.db.upgrade) or SANSHEN_DB."""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table on the metadata)
from storage.dialect import dialect_for

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=dialect_for(connection).batch_migrations,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from storage.db import make_engine

    url = os.environ.get("SANSHEN_DB") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("请设置 SANSHEN_DB（数据库地址）")
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("sanshen 的迁移只支持在线模式")
run_migrations_online()

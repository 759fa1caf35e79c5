"""PostgreSQL, for production, reached through psycopg 3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, Select, create_engine, inspect, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from storage.dialect.base import DbFailure, Dialect, append_only_refusal

_DRIVER = "postgresql+psycopg"
_FAILURES = {  # SQLSTATE → meaning
    "55P03": DbFailure.BUSY,  # lock_not_available
    "40001": DbFailure.SERIALIZATION,  # serialization_failure
    "23505": DbFailure.UNIQUE_VIOLATION,  # unique_violation
}


class PostgreSQL(Dialect):
    name: ClassVar[str] = "postgresql"
    aliases: ClassVar[frozenset[str]] = frozenset({"postgres"})

    def create_engine(self, url: str | URL) -> Engine:
        """An engine on psycopg 3, whatever driver the URL names, with sessions in UTC."""
        return create_engine(
            make_url(url).set(drivername=_DRIVER),
            pool_pre_ping=True,
            # a connection kept per thread serving requests: a smaller pool reconnects under load
            pool_size=20,
            max_overflow=10,
            connect_args={"options": "-c timezone=UTC"},
        )

    def reader(self, engine: Engine) -> Engine:
        """The same engine in autocommit: each read statement sees what was committed when it began,
        as in a READ COMMITTED transaction, without the BEGIN and ROLLBACK round trips around it (two
        of the five to fifteen of a page or API read). No server-side cursors (``yield_per``) then:
        they live only inside a transaction."""
        return engine.execution_options(isolation_level="AUTOCOMMIT")

    def lock_transaction(self, executor: Connection | Session, key: int) -> None:
        executor.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def lock_for_claim(self, query: Select) -> Select:
        """Lock the rows; rows another claimer has locked are skipped, not waited for."""
        return query.with_for_update(skip_locked=True)

    def insert_unless_exists(self, session: Session, model: type[SQLModel], values: dict, *,
                             unique_on: Sequence[str]) -> bool:
        insert = postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=list(unique_on))
        return session.execute(insert.returning(*inspect(model).primary_key)).first() is not None

    def upsert(self, model: type[SQLModel]) -> Any:
        return postgresql.insert(model)

    def append_only_triggers(self, table: str) -> list[str]:
        function = f"{table}_append_only"
        return [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{append_only_refusal(table)}: % refused', TG_OP; END $$",
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]

    def drop_append_only_triggers(self, table: str) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ]

    def classify(self, error: DBAPIError) -> DbFailure | None:
        return _FAILURES.get(getattr(error.orig, "sqlstate", None))

"""One transaction per action; a lost database race is refused like a lost optimistic lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from review.refusals import lost_race
from storage.db import transaction
from storage.dialect import DbFailure, dialect_for

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

# Database failures that mean another transaction got there first.
_CONFLICTS = frozenset({DbFailure.BUSY, DbFailure.SERIALIZATION})


@contextmanager
def action(ctx: "AppContext") -> Iterator[Session]:
    """Guard, write, audit and outbox in one transaction; any error rolls all of it back."""
    try:
        with transaction(ctx.engine) as session:
            yield session
    except OperationalError as exc:
        if dialect_for(ctx.engine).classify(exc) in _CONFLICTS:
            raise lost_race() from None
        raise


@contextmanager
def reading(ctx: "AppContext") -> Iterator[Session]:
    with transaction(ctx.engine, readonly=True) as session:
        yield session

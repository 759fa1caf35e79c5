"""One transaction per action, with domain refusals turned into service errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from review.case import InvalidInput, Refused
from sanshen.service.errors import CONFLICT_MESSAGE, BadInput, RefusedError, ServiceError
from storage.db import transaction
from storage.dialect import DbFailure, dialect_for

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

# Refusals that name something that does not exist: bad input, not a rule.
_BAD_INPUT_CODES = frozenset({"unknown_stage", "unknown_finding"})
# Database failures that mean another transaction got there first.
_CONFLICTS = frozenset({DbFailure.BUSY, DbFailure.SERIALIZATION})


def service_error(refused: Refused) -> ServiceError:
    if isinstance(refused, InvalidInput) or refused.code in _BAD_INPUT_CODES:
        return BadInput(refused.code, refused.message)
    return RefusedError.from_refused(refused)


@contextmanager
def action(ctx: "AppContext") -> Iterator[Session]:
    """Guard, write, audit and outbox in one transaction; any error rolls all of it back."""
    try:
        with transaction(ctx.engine) as session:
            yield session
    except Refused as refused:
        raise service_error(refused) from None
    except OperationalError as exc:
        if dialect_for(ctx.engine).classify(exc) in _CONFLICTS:
            raise RefusedError("conflict", CONFLICT_MESSAGE) from None
        raise


@contextmanager
def reading(ctx: "AppContext") -> Iterator[Session]:
    with transaction(ctx.engine, readonly=True) as session:
        yield session

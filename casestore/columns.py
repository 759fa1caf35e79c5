"""The column registry in the database, read for the rules: each column's update rule and the
latest publication still live in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from lexicon.vocabulary import DraftStatus
from review.freshness import ColumnRule, FreshnessPolicy, FreshnessReport, assess
from storage.models import Draft, SiteColumn


def all_columns(session: Session) -> list[SiteColumn]:
    return list(session.scalars(select(SiteColumn).order_by(SiteColumn.id)))


def column_named(session: Session, name: str) -> SiteColumn | None:
    return session.scalar(select(SiteColumn).where(SiteColumn.name == name))


def column_rules(session: Session) -> list[ColumnRule]:
    columns = all_columns(session)
    names = {c.id: c.name for c in columns}
    return [ColumnRule(name=c.name, kind=c.kind, update_days=c.update_days,
                       parent=names.get(c.parent_id) if c.parent_id is not None else None, active=c.active)
            for c in columns]


def last_live_publications(session: Session) -> dict[str, datetime]:
    """Column name → the first publication time of its newest page still on the site.

    A page counts from when it first went out (a correction does not renew it); a withdrawn or
    expired page no longer counts."""
    rows = session.execute(
        select(Draft.column, func.max(Draft.published_at))
        .where(Draft.published_at.is_not(None), Draft.status != DraftStatus.WITHDRAWN)
        .group_by(Draft.column)
    ).all()
    return {column: at for column, at in rows if at is not None}


def freshness_report(session: Session, *, now: datetime, policy: FreshnessPolicy) -> FreshnessReport:
    return assess(column_rules(session), last_live_publications(session), now=now, policy=policy)

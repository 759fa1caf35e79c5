"""Columns as data (``sitecolumn``: the 主动公开目录 with each column's update rule), seeded with
the usual columns of a government site; every free-text ``draft.column`` already on record becomes
a registered column too. Drafts carry an optional scheduled publication time and expiry
(``draft.publish_at``, ``draft.expires_at``).

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# name, slug, kind, update rule in days (《政府网站与政务新媒体检查指标》: home page and 动态/要闻
# 2 weeks, 通知公告/政策文件 6 months, 人事/规划 12 months); admins change them afterwards.
DEFAULT_COLUMNS = (
    ("首页", "home", "home", 14),
    ("要闻", "yaowen", "news", 14),
    ("工作动态", "gzdt", "news", 14),
    ("通知公告", "tzgg", "notice", 180),
    ("政策文件", "zcwj", "policy", 180),
    ("政策解读", "zcjd", "policy", 180),
    ("人事信息", "rsxx", "personnel", 365),
    ("规划计划", "ghjh", "plan", 365),
)
MIGRATED_KIND = "other"
MIGRATED_DAYS = 180


def migrated_slug(name: str) -> str:
    return "c-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def upgrade() -> None:
    table = op.create_table(
        "sitecolumn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("update_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("alert_level", sa.String(length=16), nullable=False),
        sa.Column("alerted_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["sitecolumn.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.add_column("draft", sa.Column("publish_at", UtcDateTime(), nullable=True))
    op.add_column("draft", sa.Column("expires_at", UtcDateTime(), nullable=True))
    rows = [dict(name=n, slug=s, kind=k, update_days=d, active=True, alert_level="green")
            for n, s, k, d in DEFAULT_COLUMNS]
    known = {r["name"] for r in rows}
    used = op.get_bind().execute(sa.text('SELECT DISTINCT "column" FROM draft')).scalars().all()
    rows += [dict(name=name, slug=migrated_slug(name), kind=MIGRATED_KIND, update_days=MIGRATED_DAYS,
                  active=True, alert_level="green")
             for name in sorted(n for n in used if n and n not in known)]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("publish_at")
    op.drop_table("sitecolumn")

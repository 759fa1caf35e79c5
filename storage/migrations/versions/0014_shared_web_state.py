"""State every web process shares: the sliding window of the REST check's rate limit (``ratehit``)
and the automated pass's latency histogram (``checktiming``), both in-process before.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratehit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_ratehit_window", "ratehit", ["bucket", "key", "at"], unique=False)
    op.create_table(
        "checktiming",
        sa.Column("bucket", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("checktiming")
    op.drop_index("ix_ratehit_window", table_name="ratehit")
    op.drop_table("ratehit")

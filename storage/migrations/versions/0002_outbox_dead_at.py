"""Outbox dead letters: ``dead_at`` marks an item the dispatcher gave up on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("dead_at", UtcDateTime(), nullable=True))
    op.create_index("ix_outbox_dead_at", "outbox", ["dead_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_dead_at", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("dead_at")

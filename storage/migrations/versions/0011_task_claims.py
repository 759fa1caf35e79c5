"""Claims of open stage tasks (``taskclaim``): who is working on a task, so that colleagues'
"next item" skips it.

Revision ID: 0011
Revises: 0004
Create Date: 2026-11-29 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taskclaim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["stagetask.id"]),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_index("ix_taskclaim_draft_id", "taskclaim", ["draft_id"], unique=False)
    op.create_index("ix_taskclaim_user_id", "taskclaim", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_taskclaim_user_id", table_name="taskclaim")
    op.drop_index("ix_taskclaim_draft_id", table_name="taskclaim")
    op.drop_table("taskclaim")

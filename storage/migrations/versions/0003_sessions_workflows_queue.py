"""Revocable sessions (``user.session_epoch``), the workflow versions drafts pin
(``workflowversion``), and the queue's indexes: ``draft(status, urgent)``, and the draft's
``urgent`` copied onto its stage tasks with ``stagetask(status, urgent, due_at)``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "workflowversion",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("toml", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_index("ix_draft_status_urgent", "draft", ["status", "urgent"], unique=False)
    with op.batch_alter_table("stagetask") as batch:
        batch.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE stagetask SET urgent = (SELECT draft.urgent FROM draft WHERE draft.id = stagetask.draft_id)")
    op.create_index("ix_stagetask_urgent_open", "stagetask", ["status", "urgent", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stagetask_urgent_open", table_name="stagetask")
    with op.batch_alter_table("stagetask") as batch:
        batch.drop_column("urgent")
    op.drop_index("ix_draft_status_urgent", table_name="draft")
    op.drop_table("workflowversion")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("session_epoch")

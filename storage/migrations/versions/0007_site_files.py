"""The files of the published site as sanshen wrote them (``sitefile``): path, kind, draft, SHA-256,
size and, for pages and indexes, the bytes; the integrity monitor compares the site with it.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sitefile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )
    op.create_index("ix_sitefile_draft_id", "sitefile", ["draft_id"])
    # covers the integrity monitor's scan, so it never reads the stored bytes
    op.create_index("ix_sitefile_check", "sitefile", ["path", "sha256", "kind", "draft_id"])


def downgrade() -> None:
    op.drop_index("ix_sitefile_check", table_name="sitefile")
    op.drop_index("ix_sitefile_draft_id", table_name="sitefile")
    op.drop_table("sitefile")

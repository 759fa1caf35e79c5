"""The site-wide sweeps: link sweeps (``linksweep``, the latest verdict per link and page in
``pagelink``) and re-checks of the published pages (``sitesweep``, the pages with errors in
``sitesweeppage``).

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-29 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "linksweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period"),
    )
    op.create_table(
        "pagelink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sweep_id", sa.Integer(), sa.ForeignKey("linksweep.id"), nullable=False),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pagelink_sweep_id", "pagelink", ["sweep_id"])
    op.create_index("ix_pagelink_draft_id", "pagelink", ["draft_id"])
    op.create_table(
        "sitesweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=128), nullable=True),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("lexicon_version", sa.String(length=64), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("pages_with_errors", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sitesweeppage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sweep_id", sa.Integer(), sa.ForeignKey("sitesweep.id"), nullable=False),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sitesweeppage_sweep_id", "sitesweeppage", ["sweep_id"])


def downgrade() -> None:
    op.drop_index("ix_sitesweeppage_sweep_id", table_name="sitesweeppage")
    op.drop_table("sitesweeppage")
    op.drop_table("sitesweep")
    op.drop_index("ix_pagelink_draft_id", table_name="pagelink")
    op.drop_index("ix_pagelink_sweep_id", table_name="pagelink")
    op.drop_table("pagelink")
    op.drop_table("linksweep")

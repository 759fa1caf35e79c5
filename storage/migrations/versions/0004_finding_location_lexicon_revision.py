"""Where each finding stands (``finding.part``, ``attachment``, ``page``, ``sheet``: the findings on
record were all found in the body), and the counter of lexicon changes that tells every process
its checker is out of date (``lexiconrevision``, one row).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("finding", sa.Column("part", sa.String(length=16), nullable=False, server_default="body"))
    op.add_column("finding", sa.Column("attachment", sa.String(length=255), nullable=True))
    op.add_column("finding", sa.Column("page", sa.Integer(), nullable=True))
    op.add_column("finding", sa.Column("sheet", sa.String(length=255), nullable=True))
    counter = op.create_table(
        "lexiconrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(counter, [{"id": 1, "number": 0}])


def downgrade() -> None:
    op.drop_table("lexiconrevision")
    with op.batch_alter_table("finding") as batch:
        for column in ("sheet", "page", "attachment", "part"):
            batch.drop_column(column)

"""Outbox priority: publication and withdrawal are claimed before notifications, link checks and the
rest (``outbox.priority``, lower first; ``ix_outbox_claim`` serves the claim query).

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-29 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# storage/outbox.py PRIORITY as of this migration (rows of other kinds keep the default)
_PRIORITY = {"publish": 0, "withdraw": 0, "expire": 0, "check": 1, "route": 2}
_DEFAULT = 5


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default=str(_DEFAULT)))
    outbox = sa.table("outbox", sa.column("kind", sa.String()), sa.column("priority", sa.Integer()))
    for kind, priority in _PRIORITY.items():
        op.execute(outbox.update().where(outbox.c.kind == kind).values(priority=priority))
    op.create_index("ix_outbox_claim", "outbox", ["done_at", "priority", "available_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_claim", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")

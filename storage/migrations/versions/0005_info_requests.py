"""依申请公开: the requests (``inforequest``) and their trail (``inforequeststep``), what admins enter
for the yearly report (``annualreportinput``), and the legal ground of a draft's 不予公开
(``draft.disclosure_ground``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("draft", sa.Column("disclosure_ground", sa.String(length=32), nullable=True))
    op.create_table(
        "inforequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("applicant_kind", sa.String(length=16), nullable=False),
        sa.Column("organisation_kind", sa.String(length=16), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=64), nullable=True),
        sa.Column("applicant_contact", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("office", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("clock_start", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("correction_since", UtcDateTime(), nullable=True),
        sa.Column("extension_reason", sa.String(), nullable=True),
        sa.Column("extension_requested_by", sa.String(length=64), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_approved_by", sa.String(length=64), nullable=True),
        sa.Column("reply_kind", sa.String(length=16), nullable=True),
        sa.Column("reply_ground", sa.String(length=32), nullable=True),
        sa.Column("reply_explanation", sa.String(), nullable=True),
        sa.Column("reply_draft_id", sa.Integer(), nullable=True),
        sa.Column("converted_draft_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("sent_hash", sa.String(length=64), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("archived_at", UtcDateTime(), nullable=True),
        sa.Column("archive_digest", sa.String(length=64), nullable=True),
        sa.Column("warned_at", UtcDateTime(), nullable=True),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reply_draft_id"], ["draft.id"]),
        sa.ForeignKeyConstraint(["converted_draft_id"], ["draft.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inforequest_received_on", "inforequest", ["received_on"])
    op.create_index("ix_inforequest_status", "inforequest", ["status"])
    op.create_index("ix_inforequest_status_due", "inforequest", ["status", "due_on"])
    op.create_table(
        "inforequeststep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["inforequest.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inforequeststep_request_id", "inforequeststep", ["request_id"])
    op.create_table(
        "annualreportinput",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("annualreportinput")
    op.drop_index("ix_inforequeststep_request_id", table_name="inforequeststep")
    op.drop_table("inforequeststep")
    for name in ("ix_inforequest_status_due", "ix_inforequest_status", "ix_inforequest_received_on"):
        op.drop_index(name, table_name="inforequest")
    op.drop_table("inforequest")
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("disclosure_ground")

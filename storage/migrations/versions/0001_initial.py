"""Initial schema: every table of storage/models.py and the append-only audit triggers (DDL from storage.dialect).

Revision ID: 0001
Revises:
Create Date: 2026-11-24 01:31:20.448095
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.dialect import dialect_for
from storage.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    op.create_index('ix_auditevent_action', 'auditevent', ['action'], unique=False)
    op.create_index('ix_auditevent_actor', 'auditevent', ['actor'], unique=False)
    op.create_index('ix_auditevent_draft_id', 'auditevent', ['draft_id'], unique=False)
    op.create_table('lexiconentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.Column('correct', sa.String(length=200), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_lexiconentry_term', 'lexiconentry', ['term'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('available_at', UtcDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(), nullable=True),
    sa.Column('claimed_until', UtcDateTime(), nullable=True),
    sa.Column('done_at', UtcDateTime(), nullable=True),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_outbox_ready', 'outbox', ['done_at', 'available_at'], unique=False)
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('display', sa.String(length=64), nullable=False),
    sa.Column('dept', sa.String(length=128), nullable=False),
    sa.Column('roles', sa.String(length=256), nullable=False),
    sa.Column('email', sa.String(length=256), nullable=True),
    sa.Column('password_hash', sa.String(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', UtcDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_user_name', 'user', ['name'], unique=True)
    op.create_table('apitoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('revoked_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_apitoken_user_id', 'apitoken', ['user_id'], unique=False)
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('column', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('disclosure', sa.String(length=16), nullable=True),
    sa.Column('disclosure_reason', sa.String(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=128), nullable=False),
    sa.Column('interprets_id', sa.Integer(), nullable=True),
    sa.Column('workflow_name', sa.String(length=64), nullable=False),
    sa.Column('workflow_version', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_revision', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', UtcDateTime(), nullable=False),
    sa.Column('deadline_at', UtcDateTime(), nullable=True),
    sa.Column('published_at', UtcDateTime(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['interprets_id'], ['draft.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    op.create_index('ix_draft_author_id', 'draft', ['author_id'], unique=False)
    op.create_index('ix_draft_column', 'draft', ['column'], unique=False)
    op.create_index('ix_draft_status', 'draft', ['status'], unique=False)
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message', sa.String(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('read_at', UtcDateTime(), nullable=True),
    sa.Column('emailed_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_notification_user_id', 'notification', ['user_id'], unique=False)
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('path', sa.String(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.Column('published_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_publication_draft_id', 'publication', ['draft_id'], unique=False)
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('draft_id', 'number')
    )
    op.create_index('ix_revision_content_hash', 'revision', ['content_hash'], unique=False)
    op.create_index('ix_revision_draft_id', 'revision', ['draft_id'], unique=False)
    op.create_table('signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.String(), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('voided_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_signoff_draft_id', 'signoff', ['draft_id'], unique=False)
    op.create_index('ix_signoff_user_id', 'signoff', ['user_id'], unique=False)
    op.create_table('stagetask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('roles', sa.String(length=256), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', UtcDateTime(), nullable=False),
    sa.Column('due_at', UtcDateTime(), nullable=True),
    sa.Column('closed_at', UtcDateTime(), nullable=True),
    sa.Column('escalated_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_stagetask_draft_id', 'stagetask', ['draft_id'], unique=False)
    op.create_index('ix_stagetask_open', 'stagetask', ['status', 'due_at'], unique=False)
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_attachment_revision_id', 'attachment', ['revision_id'], unique=False)
    op.create_table('checkreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('lexicon_version', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_checkreport_revision_id', 'checkreport', ['revision_id'], unique=False)
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('suggestion', sa.String(), nullable=True),
    sa.Column('message', sa.String(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['checkreport.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_finding_category', 'finding', ['category'], unique=False)
    op.create_index('ix_finding_draft_id', 'finding', ['draft_id'], unique=False)
    op.create_index('ix_finding_report_id', 'finding', ['report_id'], unique=False)
    op.create_table('waiver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('finding_id')
    )
    op.create_index('ix_waiver_draft_id', 'waiver', ['draft_id'], unique=False)
    for statement in dialect_for(op.get_bind()).append_only_triggers('auditevent'):
        op.execute(statement)


def downgrade() -> None:
    for statement in dialect_for(op.get_bind()).drop_append_only_triggers('auditevent'):
        op.execute(statement)
    op.drop_index('ix_waiver_draft_id', table_name='waiver')
    op.drop_table('waiver')
    op.drop_index('ix_finding_report_id', table_name='finding')
    op.drop_index('ix_finding_draft_id', table_name='finding')
    op.drop_index('ix_finding_category', table_name='finding')
    op.drop_table('finding')
    op.drop_index('ix_checkreport_revision_id', table_name='checkreport')
    op.drop_table('checkreport')
    op.drop_index('ix_attachment_revision_id', table_name='attachment')
    op.drop_table('attachment')
    op.drop_index('ix_stagetask_open', table_name='stagetask')
    op.drop_index('ix_stagetask_draft_id', table_name='stagetask')
    op.drop_table('stagetask')
    op.drop_index('ix_signoff_user_id', table_name='signoff')
    op.drop_index('ix_signoff_draft_id', table_name='signoff')
    op.drop_table('signoff')
    op.drop_index('ix_revision_draft_id', table_name='revision')
    op.drop_index('ix_revision_content_hash', table_name='revision')
    op.drop_table('revision')
    op.drop_index('ix_publication_draft_id', table_name='publication')
    op.drop_table('publication')
    op.drop_index('ix_notification_user_id', table_name='notification')
    op.drop_table('notification')
    op.drop_index('ix_draft_status', table_name='draft')
    op.drop_index('ix_draft_column', table_name='draft')
    op.drop_index('ix_draft_author_id', table_name='draft')
    op.drop_table('draft')
    op.drop_index('ix_apitoken_user_id', table_name='apitoken')
    op.drop_table('apitoken')
    op.drop_index('ix_user_name', table_name='user')
    op.drop_table('user')
    op.drop_index('ix_outbox_ready', table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('ix_lexiconentry_term', table_name='lexiconentry')
    op.drop_table('lexiconentry')
    op.drop_index('ix_auditevent_draft_id', table_name='auditevent')
    op.drop_index('ix_auditevent_actor', table_name='auditevent')
    op.drop_index('ix_auditevent_action', table_name='auditevent')
    op.drop_table('auditevent')

"""Migration 0003 on a database that already holds drafts: stage tasks get their draft's urgency."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from storage.db import alembic_config, make_engine, upgrade

pytestmark = pytest.mark.db


def test_0003_copies_each_draft_s_urgency_onto_its_stage_tasks(db_url):
    engine = make_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO \"user\" (id, name, display, dept, roles, failed_logins, active, created_at)"
                              " VALUES (1, 'bian', '', '', 'editor', 0, true, '2026-11-24 00:00:00')"))
            for draft_id, urgent in ((1, True), (2, False)):
                conn.execute(text(
                    "INSERT INTO draft (id, title, \"column\", kind, urgent, author_id, department, workflow_name,"
                    " workflow_version, status, current_revision, lock_version, submitted_at)"
                    " VALUES (:id, 't', '', 'news', :urgent, 1, '', 'w', 'v', 'in_review', 1, 0, '2026-11-24 00:00:00')"),
                    {"id": draft_id, "urgent": urgent})
                conn.execute(text(
                    "INSERT INTO stagetask (draft_id, revision, stage, roles, status, opened_at)"
                    " VALUES (:id, 1, '一校', 'proofreader', 'open', '2026-11-24 00:00:00')"), {"id": draft_id})
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT draft_id, urgent FROM stagetask ORDER BY draft_id")).all()
            epochs = conn.execute(text("SELECT session_epoch FROM \"user\"")).scalars().all()
        assert [(d, bool(u)) for d, u in rows] == [(1, True), (2, False)]
        assert epochs == [0]
    finally:
        engine.dispose()

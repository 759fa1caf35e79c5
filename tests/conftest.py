"""Shared fixtures: here the session-wide ones and ``db_url``; the plugins named in ``pytest_plugins``
provide the rest (``clock``, ``ctx``, ``team``; ``app``; ``cli``; ``engine``, ``server``).

Prefect settings must be in the environment before prefect is imported anywhere,
so they are set at the top of this file. Tests that touch the database take the
``db_url`` fixture: SQLite in a temporary directory by default, or a fresh
PostgreSQL database when ``SANSHEN_TEST_PG`` is set (the second pass of
scripts/test.sh).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sanshen-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# No test, and no worker a test starts, probes links unless it turns the checker on itself.
os.environ.setdefault("SANSHEN_LINK_CHECK", "off")

import pytest  # noqa: E402

pytest_plugins = ["tests.team", "tests.web_support", "tests.cli_support", "tests.flows_support", "tests.foia_support",
                  "tests.s3_support", "tests.prefect_server"]


@pytest.fixture(scope="session")
def prefect_harness():
    """One embedded Prefect API for the whole session, heartbeats off."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        # Generous start-up time: under pytest-xdist two harnesses start at once on a 2-core machine.
        with prefect_test_harness(server_startup_timeout=180):
            yield


@pytest.fixture(scope="session")
def default_checker():
    """The automated pass with the default lexicon and typo model, built once per test session."""
    from sanshen.checker import load_default_checker

    return load_default_checker()


@pytest.fixture
def db_url(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


@contextmanager
def fresh_database(tmp_path):
    """The URL of an empty database: SQLite in ``tmp_path``, or a new PostgreSQL database (dropped
    afterwards) when ``SANSHEN_TEST_PG`` is set."""
    pg = os.environ.get("SANSHEN_TEST_PG")
    if not pg:
        yield f"sqlite:///{tmp_path / 'sanshen.db'}"
        return
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = pg.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

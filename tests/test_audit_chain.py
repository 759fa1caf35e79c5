"""The hash chain: appends, verification, tampering behind the program's back, exports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.audit import append_event, export_events, iter_records, verify_chain
from storage.chain import GENESIS, event_hash, verify_export
from storage.db import transaction
from storage.models import AuditEvent
from tests.flows_support import write_behind_the_program

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def _fill(engine, n: int = 5) -> None:
    with transaction(engine) as s:
        for i in range(n):
            append_event(s, action="stage.signed", actor=f"审核人{i}", draft_id=i or None,
                         payload={"stage": "初审", "i": i, "标题": "关于“三审三校”的通知"},
                         at=NOW + timedelta(seconds=i))


def _verify(engine):
    with transaction(engine, readonly=True) as s:
        return verify_chain(s)


@pytest.mark.db
def test_chain_links_each_event_to_the_previous_one(engine):
    _fill(engine, 3)
    with transaction(engine, readonly=True) as s:
        events = s.execute(sa.select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    first = events[0]
    assert first.hash == event_hash(seq=1, at="2026-11-24T01:00:00.000000+00:00", actor="审核人0",
                                    action="stage.signed", draft_id=None, payload=first.payload,
                                    prev_hash=GENESIS)
    assert _verify(engine).ok and _verify(engine).checked == 3


@pytest.mark.db
def test_records_are_read_in_batches_each_from_where_the_last_ended(engine):
    _fill(engine, 7)
    with transaction(engine) as s:  # an event whose seq sorts before the first is read too
        s.execute(sa.insert(AuditEvent).values(seq=0, at=NOW, actor="x", action="forged", payload={},
                                               prev_hash=GENESIS, hash="0" * 64))
    with transaction(engine, readonly=True) as s:
        for size in (1, 2, 3, 8, 9):
            assert [r.seq for r in iter_records(s, batch_size=size)] == list(range(8))
        odd = [r.seq for r in iter_records(s, [AuditEvent.seq % 2 == 1], batch_size=2)]
    assert odd == [1, 3, 5, 7]


@pytest.mark.db
def test_empty_chain_verifies(engine):
    report = _verify(engine)
    assert report.ok and report.checked == 0 and report.first_broken_seq is None


@pytest.mark.db
def test_payload_values_are_normalised_to_json(engine):
    with transaction(engine) as s:
        event = append_event(s, action="x", actor="", draft_id=None,
                             payload={"at": NOW, "roles": frozenset({"b", "a"}), "t": (1, 2)}, at=NOW)
    assert event.payload == {"at": "2026-11-24T01:00:00.000000+00:00", "roles": ["a", "b"], "t": [1, 2]}
    assert event.actor is None
    assert _verify(engine).ok
    with pytest.raises(TypeError):
        with transaction(engine) as s:
            append_event(s, action="x", actor=None, draft_id=None, payload={"o": object()}, at=NOW)


@pytest.mark.db
def test_numbers_round_trip_exactly(engine):
    with transaction(engine) as s:
        append_event(s, action="x", actor=None, draft_id=None,
                     payload={"big": 2**70, "neg": -(2**63) - 1, "max": 2**64 - 1, "f": 1e308, "tiny": 5e-324,
                              "digits": "1234567890123456789012"}, at=NOW)
    assert _verify(engine).ok


@pytest.mark.db
def test_edited_payload_is_named_as_broken_content(engine):
    _fill(engine)
    write_behind_the_program(engine, """UPDATE auditevent SET payload = '{"stage": "终审"}' WHERE seq = 3""")
    report = _verify(engine)
    assert not report.ok
    assert report.first_broken_seq == 3 and report.checked == 2
    assert "内容" in report.reason and "第 3 条" in report.reason


@pytest.mark.db
def test_rehashed_edit_is_named_as_broken_link(engine):
    """An attacker who recomputes the edited row's hash still breaks the next link."""
    _fill(engine)
    with transaction(engine, readonly=True) as s:
        e2 = s.execute(sa.select(AuditEvent).where(AuditEvent.seq == 2)).scalar_one()
    forged = event_hash(seq=2, at="2026-11-24T01:00:01.000000+00:00", actor="mallory",
                        action=e2.action, draft_id=e2.draft_id, payload=e2.payload,
                        prev_hash=e2.prev_hash)
    write_behind_the_program(engine, f"UPDATE auditevent SET actor = 'mallory', hash = '{forged}' WHERE seq = 2")
    report = _verify(engine)
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert "链接" in report.reason


@pytest.mark.db
def test_deleted_event_is_named(engine):
    _fill(engine)
    write_behind_the_program(engine, "DELETE FROM auditevent WHERE seq = 4")
    report = _verify(engine)
    assert (report.ok, report.first_broken_seq) == (False, 4)
    assert "缺少第 4 条" in report.reason


@pytest.mark.db
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_can_be_reverified_by_a_third_party(engine, fmt, tmp_path):
    _fill(engine)
    out = io.StringIO()
    with transaction(engine, readonly=True) as s:
        assert export_events(s, fmt, out) == 5
    text = out.getvalue()
    assert verify_export(io.StringIO(text), fmt).ok

    path = tmp_path / f"audit.{fmt}"
    path.write_text(text, encoding="utf-8")
    chain_py = Path(__file__).resolve().parents[1] / "storage" / "chain.py"
    # the standalone script, run outside the project (standard library only)
    done = subprocess.run([sys.executable, "-I", str(chain_py), str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "5" in done.stdout

    tampered = text.replace("审核人3", "审核人9")
    path.write_text(tampered, encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(chain_py), str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1 and "第 4 条" in done.stderr


@pytest.mark.db
def test_jsonl_export_carries_the_hashes(engine):
    _fill(engine, 2)
    out = io.StringIO()
    with transaction(engine, readonly=True) as s:
        export_events(s, "jsonl", out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["prev_hash"] == GENESIS and rows[1]["prev_hash"] == rows[0]["hash"]
    assert rows[0]["payload"]["标题"] == "关于“三审三校”的通知"

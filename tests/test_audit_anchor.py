"""Signed checkpoints anchor the audit chain's head outside the database: a hostile database admin
who drops the triggers and cuts off, or rewrites and re-hashes, the last events is caught by
`audit verify` and by the stand-alone verifier of an export; a forged checkpoint is caught too."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from casestore.apply import apply_events
from casestore.load import load_case
from flows.publish import Publisher, publish, withdraw
from flows.site import MANIFEST, StaticSite
from flows.webhook import WebhookConfig
from review import transitions
from review.workflow import default_workflow
from sanshen.service import audit
from storage.audit import append_event, export_events, verify_chain
from storage.chain import (
    ANCHORED,
    FORGED,
    GENESIS,
    REWRITTEN,
    TRUNCATED,
    UNANCHORED,
    Checkpoint,
    checkpoint_signed_by,
    ed25519_verify,
    event_hash,
    format_at,
    judge_anchor,
    parse_public_key,
)
from storage.checkpoint import Anchor, AuditKey, CheckpointLog, verify_signature
from storage.db import transaction
from storage.models import AuditEvent, Draft
from tests.cast import SIGNERS, actor
from tests.flows_support import sign_everything, submit_draft, write_behind_the_program

CHAIN_PY = Path(__file__).resolve().parents[1] / "storage" / "chain.py"
T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
WF = default_workflow()


def _stand_alone(path: Path, *args: str) -> subprocess.CompletedProcess:
    """storage/chain.py as an inspector runs it: alone, outside the project."""
    return subprocess.run([sys.executable, "-I", str(CHAIN_PY), str(path), *args], capture_output=True, text=True,
                          cwd=path.parent, timeout=120)


# --- the pure parts: signatures and the judgement -------------------------------------------


def test_the_standard_library_verifier_agrees_with_cryptography(tmp_path):
    key, other = AuditKey.load_or_create(tmp_path / "a.pem"), AuditKey.load_or_create(tmp_path / "b.pem")
    for n in range(4):
        cp = key.sign(seq=n * 7, digest=f"{n:064x}", at=T0 + timedelta(minutes=n))
        sig = bytes.fromhex(cp.signature)
        flipped = sig[:5] + bytes([sig[5] ^ 1]) + sig[6:]
        high_s = sig[:32] + (int.from_bytes(sig[32:], "little") + 2 ** 252 + 27742317777372353535851937790883648493
                             ).to_bytes(32, "little")
        cases = [(key.public, cp.message(), sig, True), (key.public, cp.message() + b" ", sig, False),
                 (key.public, cp.message(), flipped, False), (other.public, cp.message(), sig, False),
                 (key.public, cp.message(), high_s, False), (b"\xff" * 32, cp.message(), sig, False)]
        for public, message, signature, expected in cases:
            assert ed25519_verify(public, message, signature) is expected
            assert verify_signature(public, message, signature) is expected
    assert parse_public_key(key.public_pem()) == parse_public_key(key.public.hex()) == key.public


def test_the_key_is_made_once_private_and_kept(tmp_path):
    path = tmp_path / "keys" / "audit-ed25519.pem"
    first = AuditKey.load_or_create(path)
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert AuditKey.load_or_create(path).public == first.public
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def _chain(n: int) -> dict[int, str]:
    hashes, prev = {}, GENESIS
    for seq in range(1, n + 1):
        prev = hashes[seq] = event_hash(seq=seq, at=format_at(T0), actor=None, action="x", draft_id=None,
                                        payload={}, prev_hash=prev)
    return hashes


def test_judging_a_chain_against_its_checkpoints(tmp_path):
    key, other = AuditKey.load_or_create(tmp_path / "a.pem"), AuditKey.load_or_create(tmp_path / "b.pem")
    hashes = _chain(10)
    at8 = key.sign(seq=8, digest=hashes[8], at=T0)

    def judge(cps, head=10, public=key.public, chain=hashes):
        return judge_anchor(cps, head_seq=head, hash_at=chain.get, public_key=public)

    assert judge([]).status == UNANCHORED and judge([]).ok
    ok = judge([key.sign(seq=3, digest=hashes[3], at=T0), at8])
    assert (ok.ok, ok.status, ok.checkpoint.seq, ok.after) == (True, ANCHORED, 8, 2)
    assert ok.message == f"最近检查点 #8（时间 {at8.at}）：链在此之前完整，之后 2 条事件亦完整"
    cut = judge([at8], head=6)
    assert (cut.ok, cut.status) == (False, TRUNCATED) and "末尾被截去" in cut.message and "只剩 6 条" in cut.message
    rewritten = judge([at8], chain={**hashes, 8: "f" * 64})
    assert (rewritten.ok, rewritten.status) == (False, REWRITTEN) and "第 8 条" in rewritten.message
    by_other = judge([at8, other.sign(seq=10, digest=hashes[10], at=T0)])
    assert (by_other.ok, by_other.status) == (False, FORGED) and "另一把密钥" in by_other.message
    edited = judge([replace(at8, seq=9, hash=hashes[9])])
    assert (edited.ok, edited.status) == (False, FORGED) and "签名无效" in edited.message
    empty = key.sign(seq=0, digest=GENESIS, at=T0)
    assert judge([empty], head=0, chain={}).ok
    assert checkpoint_signed_by(at8, key.public) and not checkpoint_signed_by(at8, other.public)


# --- the database, with a hostile admin ------------------------------------------------------


def _events(ctx, n: int) -> None:
    with transaction(ctx.engine) as s:
        for i in range(n):
            append_event(s, action="stage.signed", actor=f"审核人{i}", draft_id=None,
                         payload={"stage": "初审", "i": i}, at=ctx.clock())


def _head(ctx) -> int:
    with transaction(ctx.engine, readonly=True) as s:
        return s.scalar(sa.select(sa.func.max(AuditEvent.seq)))


def _rewrite_from(engine, first: int) -> None:
    """Rewrite events ``first``… and recompute every hash after them: each link holds again."""
    with transaction(engine, readonly=True) as s:
        rows = s.scalars(sa.select(AuditEvent).where(AuditEvent.seq >= first - 1).order_by(AuditEvent.seq)).all()
    prev, statements = rows[0].hash if first > 1 else GENESIS, []
    for e in rows[1:] if first > 1 else rows:
        actor = "mallory" if e.seq == first else e.actor
        digest = event_hash(seq=e.seq, at=format_at(e.at), actor=actor, action=e.action, draft_id=e.draft_id,
                            payload=e.payload, prev_hash=prev)
        statements.append(f"UPDATE auditevent SET actor = '{actor}', prev_hash = '{prev}', hash = '{digest}' "
                          f"WHERE seq = {e.seq}")
        prev = digest
    write_behind_the_program(engine, *statements)


@pytest.mark.db
def test_normal_operation_is_anchored(team):
    team.walk(team.submit().id, through="一校")
    assert audit.verify(team.ctx).anchor == UNANCHORED and audit.verify(team.ctx).ok
    cp = audit.checkpoint_now(team.ctx)
    _events(team.ctx, 3)
    report = audit.verify(team.ctx)
    assert (report.ok, report.anchor, report.checkpoint_seq, report.after_checkpoint) == (True, ANCHORED, cp.seq, 3)
    assert report.checkpoint_at == cp.at and report.first_broken_seq is None
    assert f"最近检查点 #{cp.seq}（时间 " in report.summary and "之后 3 条事件亦完整" in report.summary


@pytest.mark.db
def test_a_truncated_tail_is_named(team):
    team.walk(team.submit().id, through="一校")
    cp = audit.checkpoint_now(team.ctx)
    write_behind_the_program(team.ctx.engine, f"DELETE FROM auditevent WHERE seq > {cp.seq - 3}")
    with transaction(team.ctx.engine, readonly=True) as s:
        assert verify_chain(s).ok  # the chain alone cannot tell
    report = audit.verify(team.ctx)
    assert (report.ok, report.anchor, report.first_broken_seq) == (False, TRUNCATED, cp.seq - 2)
    assert "末尾被截去" in report.reason and f"检查点 #{cp.seq}" in report.reason
    # new events appended after the cut do not hide it while they stay below N
    _events(team.ctx, 1)
    assert audit.verify(team.ctx).anchor == TRUNCATED


@pytest.mark.db
def test_a_rewritten_and_rehashed_tail_is_named(team):
    team.walk(team.submit().id, through="一校")
    cp = audit.checkpoint_now(team.ctx)
    _events(team.ctx, 2)
    _rewrite_from(team.ctx.engine, cp.seq - 1)
    with transaction(team.ctx.engine, readonly=True) as s:
        assert verify_chain(s).ok  # every link re-hashed
    report = audit.verify(team.ctx)
    assert (report.ok, report.anchor, report.first_broken_seq) == (False, REWRITTEN, cp.seq)
    assert "被改写" in report.reason


@pytest.mark.db
def test_a_forged_or_edited_checkpoint_is_named(team, tmp_path):
    team.walk(team.submit().id, through="一校")
    audit.checkpoint_now(team.ctx)
    log = CheckpointLog(team.ctx.settings.home / "audit-checkpoints.jsonl")
    saved = log.path.read_bytes()
    with transaction(team.ctx.engine, readonly=True) as s:
        seq, digest = s.execute(sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())).first()
    log.append(AuditKey.load_or_create(tmp_path / "mallory.pem").sign(seq=seq, digest=digest, at=team.clock()))
    report = audit.verify(team.ctx)
    assert (report.ok, report.anchor) == (False, FORGED) and "另一把密钥" in report.reason
    log.path.write_bytes(saved)
    real = log.last()
    log.append(replace(real, at=format_at(team.clock() + timedelta(days=1))))
    assert audit.verify(team.ctx).anchor == FORGED and "签名无效" in audit.verify(team.ctx).reason
    log.path.write_bytes(saved + b"not json\n")
    assert audit.verify(team.ctx).anchor == FORGED and "无法读取" in audit.verify(team.ctx).reason
    log.path.write_bytes(saved)
    os.remove(team.ctx.settings.audit_key_path)  # checkpoints but no key to check them
    assert not audit.verify(team.ctx).ok and "不存在" in audit.verify(team.ctx).reason


# --- the command line and the exports --------------------------------------------------------


@pytest.mark.db
def test_cli_verify_exports_and_the_stand_alone_verifier(cli, tmp_path):
    did = cli.submit()["id"]
    for who in ("jiao1", "shen1"):
        cli("sign", str(did), who=who)
    before = cli("audit", "verify").stdout
    assert "尚无检查点" in before
    key = cli.json("audit", "key")
    assert len(key["public_key"]) == 64 and key["key_file"].endswith("keys/audit-ed25519.pem")
    (tmp_path / "pub.hex").write_text(key["public_key"], encoding="ascii")
    (tmp_path / "pub.pem").write_text(key["public_key_pem"], encoding="ascii")
    cp = cli.json("audit", "checkpoint")
    cli("sign", str(did), who="jiao2")
    out = cli("audit", "verify").stdout
    assert f"最近检查点 #{cp['seq']}（时间 " in out and "之后" in out and "条事件亦完整" in out

    for fmt in ("jsonl", "csv"):
        text = cli("audit", "export", "--format", fmt).stdout
        path = tmp_path / f"audit.{fmt}"
        path.write_text(text, encoding="utf-8")
        for public in ("pub.hex", "pub.pem", key["public_key"]):
            done = _stand_alone(path, "--key", str(tmp_path / public) if public.startswith("pub.") else public)
            assert done.returncode == 0, done.stderr
            assert f"最近检查点 #{cp['seq']}" in done.stdout and "未核对" not in done.stdout
        lines = text.splitlines(keepends=True)
        # cut off the events from N-1 on: the carried checkpoint names the truncation
        events_kept = cp["seq"] - 2
        header = 2 if fmt == "csv" else 1  # (CSV header and) the checkpoint line
        path.write_text("".join(lines[:header + events_kept]), encoding="utf-8")
        done = _stand_alone(path, "--key", key["public_key"])
        assert done.returncode == 1 and "末尾被截去" in done.stderr, done.stderr
        done = _stand_alone(path)  # without the key too: the cut is named, the signature unchecked
        assert done.returncode == 1 and "末尾被截去" in done.stderr
        # dropping the checkpoint line as well: with the key, an export without one fails
        path.write_text("".join(lines[:header - 1] + lines[header:header + events_kept]), encoding="utf-8")
        done = _stand_alone(path, "--key", key["public_key"])
        assert done.returncode == 1 and "不带检查点" in done.stderr
        # a checkpoint signed by another key
        path.write_text(text, encoding="utf-8")
        mallory = AuditKey.load_or_create(tmp_path / "mallory.pem")
        done = _stand_alone(path, "--key", mallory.public.hex())
        assert done.returncode == 1 and "另一把密钥" in done.stderr


@pytest.mark.db
def test_cli_verify_fails_on_a_cut_database_with_exit_code_1(cli):
    did = cli.submit()["id"]
    cli("sign", str(did), who="jiao1")
    cp = cli.json("audit", "checkpoint")
    from storage.db import make_engine

    engine = make_engine(cli.db_url)
    try:
        write_behind_the_program(engine, f"DELETE FROM auditevent WHERE seq >= {cp['seq']}")
    finally:
        engine.dispose()
    result = cli("audit", "verify", code=1)
    assert "审计链末尾被截去" in result.stderr and f"检查点 #{cp['seq']}" in result.stderr
    assert cli.json("audit", "verify", code=1)["anchor"] == "truncated"


# --- publication carries checkpoints outside the database ------------------------------------


@pytest.mark.db
def test_each_publication_puts_a_checkpoint_in_the_manifest_and_the_webhook(engine, tmp_path, server):
    anchor = Anchor.at(tmp_path)
    p = Publisher(engine=engine, site=StaticSite(tmp_path / "site"), workflow=WF, anchor=anchor,
                  webhook=WebhookConfig(url=server.url + "/hook", secret="k"))
    draft_id, digest = submit_draft(engine, WF, T0)
    sign_everything(engine, WF, draft_id, T0)
    with transaction(engine, readonly=True) as s:
        head_before = s.scalar(sa.select(sa.func.max(AuditEvent.seq)))
    publish(p, draft_id=draft_id, content_hash=digest, now=T0 + timedelta(hours=1))
    public = anchor.key().public
    manifest = json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))
    in_site = Checkpoint.from_json(manifest["audit_checkpoint"])
    assert in_site.seq == head_before and checkpoint_signed_by(in_site, public)  # committed events only
    assert StaticSite(tmp_path / "site").manifest().keys() == {draft_id}
    (got,) = server.received
    in_hook = Checkpoint.from_json(got.json()["audit_checkpoint"])
    assert in_hook.seq > in_site.seq and checkpoint_signed_by(in_hook, public)  # the publication's events too
    assert anchor.log.read() == [in_site, in_hook]

    # the manifest's copy is checked by the stand-alone verifier against an export made before it
    buf = io.StringIO()
    with transaction(engine, readonly=True) as s:
        export_events(s, "jsonl", buf)
    export = tmp_path / "old.jsonl"
    export.write_text("".join(line + "\n" for line in buf.getvalue().splitlines()
                              if json.loads(line)["seq"] < in_site.seq), encoding="utf-8")
    done = _stand_alone(export, "--key", public.hex(), "--checkpoint", str(tmp_path / "site" / MANIFEST))
    assert done.returncode == 1 and "末尾被截去" in done.stderr

    # a withdrawal rewrites the manifest with a newer checkpoint
    with transaction(engine) as s:
        events = transitions.withdraw(WF, load_case(s, draft_id), actor("ling"), reason="信息有误",
                                      now=T0 + timedelta(hours=2))
        apply_events(s, s.get(Draft, draft_id), events, now=T0 + timedelta(hours=2), workflow=WF)
    withdraw(p, draft_id=draft_id, now=T0 + timedelta(hours=2))
    after = Checkpoint.from_json(json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))
                                 ["audit_checkpoint"])
    assert after.seq > in_hook.seq and checkpoint_signed_by(after, public)
    assert [r.json()["audit_checkpoint"]["seq"] > after.seq - 1 for r in server.received[1:]] == [True]


@pytest.mark.db
def test_the_worker_checkpoints_on_its_interval_and_integrity_stays_clean(cli):
    did = cli.submit()["id"]
    for stage, who in SIGNERS:
        cli("sign", str(did), "--stage", stage, who=who)
    cli.drain()
    manifest = cli.manifest()
    assert str(did) in manifest and "audit_checkpoint" in manifest
    assert cli("monitor", "integrity").exit_code == 0  # the checkpoint is not a page
    log = CheckpointLog(cli.home / "audit-checkpoints.jsonl")
    cli.drain()  # the head moved since the manifest's checkpoint (the publication's own events): one more
    count = len(log.read())
    assert log.last().seq == cli.json("audit", "verify")["checkpoint_seq"] == cli.json("audit", "verify")["checked"]
    cli.drain()  # the head has not moved: the scheduled checkpoint writes nothing
    assert len(log.read()) == count
    cli("audit", "checkpoint")
    assert len(log.read()) == count + 1
    assert cli.json("audit", "verify")["anchor"] == ANCHORED


# --- the web page, its CSV export and the REST API -------------------------------------------


@pytest.mark.db
def test_web_and_rest_verify_and_the_web_csv_carry_the_checkpoint(app, team, tmp_path):
    from tests.web_support import csrf_of, signed_in

    team.walk(team.submit().id, through="一校")
    cp = audit.checkpoint_now(team.ctx)
    guan = signed_in(app, "guan")
    page = guan.get("/admin/audit")
    shown = guan.post("/admin/audit/verify", data={"csrf_token": csrf_of(page.text)})
    assert shown.status_code == 200 and f"最近检查点 #{cp.seq}" in shown.text
    export = guan.get("/admin/audit/export.csv")
    path = tmp_path / "audit.csv"
    path.write_bytes(export.content)  # with its BOM, for spreadsheets
    done = _stand_alone(path, "--key", audit.key(team.ctx).public_key)
    assert done.returncode == 0 and f"最近检查点 #{cp.seq}" in done.stdout, done.stderr

    write_behind_the_program(team.ctx.engine, f"DELETE FROM auditevent WHERE seq >= {cp.seq}")
    shown = guan.post("/admin/audit/verify", data={"csrf_token": csrf_of(guan.get("/admin/audit").text)})
    assert "审计链末尾被截去" in shown.text
    rest = guan.get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {team.tokens['guan']}"})
    assert rest.status_code == 409 and rest.json()["anchor"] == TRUNCATED and not rest.json()["ok"]

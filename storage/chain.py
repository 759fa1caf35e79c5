"""The audit chain's hashing rule, and a re-verifier for exported trails.

This module uses only the Python standard library so that a third party can copy
this one file and check an export (``sanshen audit export``) without sanshen:

    python chain.py audit.jsonl        # or audit.csv
    python -m storage.chain audit.jsonl

The rule. Every event has ``seq`` (1, 2, 3, … without gaps), ``at`` (ISO 8601 UTC
with microseconds, e.g. ``2026-11-24T01:30:00.000000+00:00``), ``actor`` (string or
null), ``action``, ``draft_id`` (integer or null), ``payload`` (a JSON object),
``prev_hash`` and ``hash``:

    canonical = JSON of {"seq","at","actor","action","draft_id","payload","prev_hash"}
                with keys sorted at every level, separators "," and ":" (no spaces),
                non-ASCII characters written as themselves, encoded as UTF-8
    hash      = lowercase hex SHA-256 of canonical
    prev_hash = the previous event's hash; for seq 1 it is 64 zeros ("0" * 64)

In the CSV export ``payload`` is a column holding the payload's canonical JSON and an
empty ``actor`` / ``draft_id`` cell means null. The file is UTF-8; a byte order mark at
its start (the web page's CSV has one, for spreadsheet programs) is skipped. Exit
status 0: the chain holds; 1: it names the first broken event.

A selection (an export of the events a filter picked, e.g. one draft's) has a ninth CSV
column, or JSON key, ``selection`` naming the filter. Its events are not contiguous, so
the verifier checks what a selection can prove: every event's hash matches its content,
seq numbers only increase, and where two selected events are neighbours in the chain
(seq n and n+1) the later one's prev_hash is the earlier one's hash. What a selection
cannot prove is that nothing outside it (or between two non-neighbours) was removed:
for that, verify a full export or run ``sanshen audit verify`` on the database; each
selected event's hash can then be looked up in the full chain.

Checkpoints. A hash chain proves the order of what is there, not that nothing was cut off
its end. sanshen therefore signs checkpoints with an Ed25519 key kept outside the database
(``sanshen audit key`` prints its public key): ``seq`` (the last event's number N), ``hash``
(its chain hash), ``at`` (when it was signed), ``key_id`` (the first 16 hex digits of the
SHA-256 of the raw 32-byte public key) and ``signature`` (hex), the Ed25519 signature of

    canonical JSON of {"type": "sanshen.audit.checkpoint", "seq", "hash", "at", "key_id"}

A full export carries the latest checkpoint as its first line (JSONL: an object with the
single key ``checkpoint``; CSV: the first row after the header, ``seq`` = ``checkpoint``
and the checkpoint's canonical JSON in the ``payload`` column). The verifier then also
checks that the export reaches event N and that event N's hash is the signed one: an
export cut short, or one whose last events were rewritten, fails. With ``--key`` (the
public key as 64 hex digits, or a file holding them or a PEM public key) it checks the
signature too, and an export without a checkpoint fails; ``--checkpoint FILE`` adds a
checkpoint obtained elsewhere (the site's ``manifest.json``, a webhook delivery, the
checkpoint log ``audit-checkpoints.jsonl`` or one checkpoint as JSON), so an export older
than that checkpoint, or cut before it, fails as well. Events after the latest checkpoint
are covered by the chain alone.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TextIO

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "draft_id", "payload", "prev_hash", "hash")


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def format_at(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *, seq: int, at: str, actor: str | None, action: str, draft_id: int | None,
    payload: dict, prev_hash: str,
) -> str:
    body = canonical_json({
        "seq": seq, "at": at, "actor": actor, "action": action,
        "draft_id": draft_id, "payload": payload, "prev_hash": prev_hash,
    })
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ChainRecord:
    seq: int
    at: str
    actor: str | None
    action: str
    draft_id: int | None
    payload: dict
    prev_hash: str
    hash: str


def record_hash(r: ChainRecord) -> str:
    return event_hash(seq=r.seq, at=r.at, actor=r.actor, action=r.action, draft_id=r.draft_id,
                      payload=r.payload, prev_hash=r.prev_hash)


def verify_records(records: Iterable[ChainRecord],
                   hasher: Callable[[ChainRecord], str] = record_hash) -> ChainReport:
    """Walk records in seq order; name the first whose link or content is broken.

    ``hasher`` may be a faster encoder of the same rule; a record it does not match is
    checked again with :func:`record_hash` before it is called broken."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for r in records:
        if r.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"链接断开：缺少第 {expected_seq} 条事件（下一条是第 {r.seq} 条）")
        if r.prev_hash != prev:
            return ChainReport(False, checked, r.seq,
                               f"链接断开：第 {r.seq} 条事件的 prev_hash 与第 {r.seq - 1} 条事件的哈希不符")
        if hasher(r) != r.hash and (hasher is record_hash or record_hash(r) != r.hash):
            return ChainReport(False, checked, r.seq,
                               f"内容被改动：第 {r.seq} 条事件的内容与其哈希不符")
        checked += 1
        prev = r.hash
        expected_seq += 1
    return ChainReport(True, checked, None, None)


@dataclass(frozen=True)
class SelectionReport:
    ok: bool
    checked: int
    linked: int  # selected events whose predecessor in the chain is selected too (link checked)
    gaps: int  # places where events the filter left out stand between two selected ones
    first_broken_seq: int | None
    reason: str | None


def verify_selection(records: Iterable[ChainRecord]) -> SelectionReport:
    """Check a filtered export: each event's own hash, increasing seq, and the links between
    selected neighbours (see the module's docstring for what this cannot prove)."""
    checked = linked = gaps = 0
    prev: ChainRecord | None = None
    for r in records:
        if prev is not None and r.seq <= prev.seq:
            return SelectionReport(False, checked, linked, gaps, r.seq,
                                   f"顺序错误：第 {r.seq} 条事件排在第 {prev.seq} 条之后")
        if record_hash(r) != r.hash:
            return SelectionReport(False, checked, linked, gaps, r.seq,
                                   f"内容被改动：第 {r.seq} 条事件的内容与其哈希不符")
        if r.seq == 1 and r.prev_hash != GENESIS:
            return SelectionReport(False, checked, linked, gaps, r.seq, "链接断开：第 1 条事件的 prev_hash 不是起点")
        if prev is not None and r.seq == prev.seq + 1:
            if r.prev_hash != prev.hash:
                return SelectionReport(False, checked, linked, gaps, r.seq,
                                       f"链接断开：第 {r.seq} 条事件的 prev_hash 与第 {prev.seq} 条事件的哈希不符")
            linked += 1
        elif prev is not None:
            gaps += 1
        checked += 1
        prev = r
    return SelectionReport(True, checked, linked, gaps, None, None)


# --- checkpoints: the chain's head, signed with a key kept outside the database ------------

CHECKPOINT_KEY = "checkpoint"  # the export line (JSONL key, CSV seq cell) that carries one
MANIFEST_KEY = "audit_checkpoint"  # where the site's manifest.json and the webhook document carry one
CHECKPOINT_TYPE = "sanshen.audit.checkpoint"
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")  # DER SubjectPublicKeyInfo of an Ed25519 key


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # N: the number of the last event it covers (0: an empty chain)
    hash: str  # the chain hash of event N (GENESIS for an empty chain)
    at: str  # when it was signed, ISO 8601 UTC
    key_id: str
    signature: str  # hex

    def message(self) -> bytes:
        """The bytes signed."""
        return checkpoint_message(self.seq, self.hash, self.at, self.key_id)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: object) -> Checkpoint:
        if not isinstance(raw, dict):
            raise ValueError("检查点不是 JSON 对象")
        try:
            seq, digest, at, key_id, sig = (raw[k] for k in ("seq", "hash", "at", "key_id", "signature"))
        except KeyError as exc:
            raise ValueError(f"检查点缺少字段 {exc}") from None
        if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
                and all(isinstance(v, str) for v in (digest, at, key_id, sig))):
            raise ValueError("检查点的字段类型不对")
        return cls(seq, digest, at, key_id, sig)


def checkpoint_message(seq: int, digest: str, at: str, key_id: str) -> bytes:
    return canonical_json({"type": CHECKPOINT_TYPE, "seq": seq, "hash": digest, "at": at,
                           "key_id": key_id}).encode("utf-8")


def key_id_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def parse_public_key(text: str) -> bytes:
    """A raw Ed25519 public key from 64 hex digits or a PEM "PUBLIC KEY" block."""
    text = text.strip()
    if "-----BEGIN PUBLIC KEY-----" in text:
        body = text.split("-----BEGIN PUBLIC KEY-----", 1)[1].split("-----END PUBLIC KEY-----", 1)[0]
        der = base64.b64decode("".join(body.split()))
        if len(der) != 44 or not der.startswith(_SPKI_PREFIX):
            raise ValueError("不是 Ed25519 公钥")
        return der[len(_SPKI_PREFIX):]
    raw = bytes.fromhex(text)
    if len(raw) != 32:
        raise ValueError("Ed25519 公钥应为 64 位十六进制数")
    return raw


# Ed25519 verification (RFC 8032, section 5.1.7), standard library only: slow (milliseconds per
# signature) but enough for the few checkpoints an inspector checks. sanshen itself signs and
# verifies with the `cryptography` package; tests check both agree.
_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a: tuple, b: tuple) -> tuple:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    cc, dd = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _mul(k: int, point: tuple) -> tuple:
    out = (0, 1, 1, 0)
    while k:
        if k & 1:
            out = _add(out, point)
        point = _add(point, point)
        k >>= 1
    return out


def _same(a: tuple, b: tuple) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decode_point(data: bytes) -> tuple | None:
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        if sign:
            return None
        return 0, y, 1, 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x & 1 != sign:
        x = _P - x
    return x, y, 1, x * y % _P


_BASE = _decode_point((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _decode_point(public_key), _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _same(_mul(s, _BASE), _add(r, _mul(h, a)))


def checkpoint_signed_by(cp: Checkpoint, public_key: bytes,
                         verify: Callable[[bytes, bytes, bytes], bool] = ed25519_verify) -> bool:
    try:
        signature = bytes.fromhex(cp.signature)
    except ValueError:
        return False
    return cp.key_id == key_id_of(public_key) and verify(public_key, cp.message(), signature)


@dataclass(frozen=True)
class AnchorReport:
    """How the chain stands against its checkpoints."""

    ok: bool
    status: str  # ANCHORED, UNANCHORED, TRUNCATED, REWRITTEN, FORGED
    checkpoint: Checkpoint | None  # the latest one (highest N)
    head_seq: int  # the chain's last event
    after: int  # events after the checkpoint
    message: str


ANCHORED, UNANCHORED, TRUNCATED, REWRITTEN, FORGED = "anchored", "unanchored", "truncated", "rewritten", "forged"


def judge_anchor(checkpoints: Iterable[Checkpoint], *, head_seq: int, hash_at: Callable[[int], str | None],
                 public_key: bytes | None,
                 verify: Callable[[bytes, bytes, bytes], bool] = ed25519_verify,
                 show_time: Callable[[str], str] = lambda at: at) -> AnchorReport:
    """Judge a chain (assumed to verify link by link) whose last event is ``head_seq`` against
    ``checkpoints``: each must be signed by ``public_key`` (unchecked when None); the latest one's
    N must not be past the head, and event N's hash must be the signed one."""
    latest: Checkpoint | None = None
    for cp in checkpoints:
        if public_key is not None and not checkpoint_signed_by(cp, public_key, verify):
            other = cp.key_id != key_id_of(public_key)
            why = (f"由另一把密钥（key id {cp.key_id}）签名，不是本系统的审计密钥（key id {key_id_of(public_key)}）"
                   if other else "签名无效")
            return AnchorReport(False, FORGED, cp, head_seq, 0,
                                f"检查点 #{cp.seq}（时间 {show_time(cp.at)}）{why}：检查点可能是伪造的")
        if latest is None or (cp.seq, cp.at) > (latest.seq, latest.at):
            latest = cp
    if latest is None:
        return AnchorReport(True, UNANCHORED, None, head_seq, head_seq,
                            "尚无检查点：哈希链只能证明现有记录的顺序与内容，不能证明末尾未被截去")
    when = f"检查点 #{latest.seq}（时间 {show_time(latest.at)}）"
    if head_seq < latest.seq:
        return AnchorReport(False, TRUNCATED, latest, head_seq, 0,
                            f"审计链末尾被截去：{when}时链已有 {latest.seq} 条事件，现在只剩 {head_seq} 条")
    actual = hash_at(latest.seq) if latest.seq else GENESIS
    if actual != latest.hash:
        return AnchorReport(False, REWRITTEN, latest, head_seq, 0,
                            f"审计链被改写：第 {latest.seq} 条事件的哈希与{when}签名的哈希不符")
    after = head_seq - latest.seq
    return AnchorReport(True, ANCHORED, latest, head_seq, after,
                        f"最近{when}：链在此之前完整，之后 {after} 条事件亦完整")


class _Watch:
    """Passes records through, remembering the last seq and the hashes at the seqs wanted."""

    def __init__(self, records: Iterable[ChainRecord], wanted: set[int]) -> None:
        self.records, self.wanted = records, wanted
        self.head = 0
        self.hashes: dict[int, str] = {}

    def __iter__(self) -> Iterator[ChainRecord]:
        for r in self.records:
            self.head = r.seq
            if r.seq in self.wanted:
                self.hashes[r.seq] = r.hash
            yield r


def read_checkpoints(path: str) -> list[Checkpoint]:
    """Checkpoints from a file: manifest.json, a webhook document, one checkpoint as JSON, or the
    checkpoint log (JSON Lines)."""
    with open(path, encoding="utf-8-sig") as fp:
        text = fp.read()
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
    found = []
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get(MANIFEST_KEY), dict):
            doc = doc[MANIFEST_KEY]
        elif isinstance(doc, dict) and isinstance(doc.get(CHECKPOINT_KEY), dict):
            doc = doc[CHECKPOINT_KEY]
        found.append(Checkpoint.from_json(doc))
    return found


def read_jsonl(lines: Iterable[str], checkpoints: list[Checkpoint] | None = None) -> Iterator[ChainRecord]:
    """The events of a JSONL export; a checkpoint line goes to ``checkpoints`` (if given)."""
    for line in lines:
        if line.strip():
            d = json.loads(line)
            if CHECKPOINT_KEY in d:
                if checkpoints is not None:
                    checkpoints.append(Checkpoint.from_json(d[CHECKPOINT_KEY]))
                continue
            yield ChainRecord(**{k: d[k] for k in FIELDS})


def read_csv(fp: TextIO, checkpoints: list[Checkpoint] | None = None) -> Iterator[ChainRecord]:
    """The events of a CSV export; a checkpoint row goes to ``checkpoints`` (if given)."""
    for row in csv.DictReader(fp):
        if row["seq"] == CHECKPOINT_KEY:
            if checkpoints is not None:
                checkpoints.append(Checkpoint.from_json(json.loads(row["payload"])))
            continue
        yield ChainRecord(
            seq=int(row["seq"]), at=row["at"], actor=row["actor"] or None, action=row["action"],
            draft_id=int(row["draft_id"]) if row["draft_id"] else None,
            payload=json.loads(row["payload"]), prev_hash=row["prev_hash"], hash=row["hash"],
        )


def verify_export(fp: TextIO, fmt: str) -> ChainReport:
    """Re-verify an export read from ``fp``; ``fmt`` is "jsonl" or "csv"."""
    if fmt == "jsonl":
        return verify_records(read_jsonl(fp))
    if fmt == "csv":
        return verify_records(read_csv(fp))
    raise ValueError(f"unknown export format: {fmt}")


def selection_of(path: str, fmt: str) -> str | None:
    """The filter a selection was exported with (None: a full export)."""
    with open(path, encoding="utf-8-sig", newline="") as fp:
        if fmt == "csv":
            first = next(csv.DictReader(fp), None)
        else:
            line = next((x for x in fp if x.strip()), None)
            first = json.loads(line) if line else None
    return (first or {}).get("selection") or None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors in Chinese, exit status 2
        print(f"用法有误（{message}）\n用法：python chain.py 导出文件.jsonl|导出文件.csv [--key 公钥] "
              "[--checkpoint 文件]", file=sys.stderr)
        raise SystemExit(2)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(
        prog="python chain.py", description="独立复核 sanshen 审计导出文件（仅用 Python 标准库）",
        epilog="退出码：0 审计链完整；1 发现问题；2 用法或文件有误")
    parser.add_argument("path", metavar="导出文件", help="sanshen audit export 导出的 .jsonl 或 .csv")
    parser.add_argument("--key", metavar="公钥", help="审计密钥的公钥：64 位十六进制数，或存有它（或 PEM 公钥）的文件；"
                        "给出时核对检查点签名，且导出文件必须带检查点")
    parser.add_argument("--checkpoint", metavar="文件", action="append", default=[],
                        help="另行取得的检查点：网站的 manifest.json、Webhook 推送内容、检查点日志或单个检查点 JSON（可多次）")
    return parser.parse_args(argv)


def _public_key(value: str) -> bytes:
    try:
        with open(value, encoding="utf-8") as fp:
            value = fp.read()
    except OSError:
        pass
    return parse_public_key(value)


def main(argv: list[str]) -> int:
    try:
        args = _arguments(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    path = args.path
    fmt = "csv" if path.lower().endswith(".csv") else "jsonl"
    try:
        key = _public_key(args.key) if args.key else None
        given = [cp for name in args.checkpoint for cp in read_checkpoints(name)]
        selection = selection_of(path, fmt)
    except (OSError, ValueError) as exc:
        print(f"无法读取：{exc}", file=sys.stderr)
        return 2
    if selection is not None:
        with open(path, encoding="utf-8-sig", newline="") as fp:
            part = verify_selection(read_csv(fp) if fmt == "csv" else read_jsonl(fp))
        if not part.ok:
            print(f"选段校验失败：{part.reason}", file=sys.stderr)
            return 1
        print(f"选段完整（筛选条件：{selection}）：{part.checked} 条事件的哈希均与内容相符，"
              f"{part.linked} 处前后相连的链接已核对，{part.gaps} 处有未选入的事件相隔。"
              "选段不能证明筛选之外的事件未被删改，请以全量导出或 sanshen audit verify 为准。")
        return 0
    carried: list[Checkpoint] = []
    with open(path, encoding="utf-8-sig", newline="") as fp:
        lines = read_csv(fp, carried) if fmt == "csv" else read_jsonl(fp, carried)
        try:
            # the carried checkpoint is the first line: read it before the walk, which watches its seq
            first = next(lines, None)
            records = _chained(first, lines) if first is not None else iter(())
            watch = _Watch(records, {cp.seq for cp in (*carried, *given)})
            report = verify_records(watch)
        except (ValueError, KeyError, TypeError) as exc:
            print(f"无法读取：{exc}", file=sys.stderr)
            return 2
    if not report.ok:
        print(f"审计链断裂：{report.reason}", file=sys.stderr)
        return 1
    if key is not None and not carried and not given:
        print("导出文件不带检查点：不能证明末尾未被截去（用 sanshen audit export 重新导出全量记录）", file=sys.stderr)
        return 1
    anchor = judge_anchor((*carried, *given), head_seq=watch.head, hash_at=watch.hashes.get, public_key=key)
    if not anchor.ok:
        print(f"检查点核对失败：{anchor.message}", file=sys.stderr)
        return 1
    print(f"审计链完整：共校验 {report.checked} 条事件")
    print(anchor.message if key is not None or anchor.checkpoint is None
          else f"{anchor.message}（未给出公钥，未核对检查点签名；用 --key 指定 sanshen audit key 打印的公钥）")
    return 0


def _chained(first: ChainRecord, rest: Iterator[ChainRecord]) -> Iterator[ChainRecord]:
    yield first
    yield from rest


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

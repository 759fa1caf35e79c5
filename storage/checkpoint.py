"""Signed checkpoints of the audit chain's head, kept outside the database (docs/architecture.md §6).

The checkpoint's form, its signed message and the rule that judges a chain against checkpoints
live in :mod:`storage.chain` (standard library only, so an inspector can check them alone). This
module signs and verifies with the ``cryptography`` package and does the file I/O: the private key
(a PEM file, created 0600 on first use) and the append-only checkpoint log (JSON Lines).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlmodel import Session

from storage.chain import GENESIS, Checkpoint, checkpoint_message, format_at, key_id_of
from storage.models import AuditEvent

__all__ = ["AuditKey", "CheckpointLog", "Anchor", "chain_head", "verify_signature"]

KEY_FILE = Path("keys") / "audit-ed25519.pem"  # under the data directory, by default
LOG_FILE = "audit-checkpoints.jsonl"  # in the data directory
_TAIL_BYTES = 4096


class KeyMissing(RuntimeError):
    """The audit key file is not there (verification never creates one)."""


@dataclass(frozen=True)
class AuditKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return key_id_of(self.public)

    def public_pem(self) -> str:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def sign(self, *, seq: int, digest: str, at: datetime) -> Checkpoint:
        at_text = format_at(at)
        signature = self.private.sign(checkpoint_message(seq, digest, at_text, self.key_id))
        return Checkpoint(seq=seq, hash=digest, at=at_text, key_id=self.key_id, signature=signature.hex())

    @classmethod
    def load(cls, path: Path) -> AuditKey:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyMissing(f"审计密钥文件 {path} 不存在") from None
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} 不是 Ed25519 私钥")
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> AuditKey:
        """The key at ``path``; on first use a new one, written 0600 (folder 0700) and linked into
        place atomically, so two processes starting at once end up with the same key."""
        if path.exists():
            return cls.load(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temp.unlink()
        return cls.load(path)


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 verification by ``cryptography`` (same answers as storage.chain.ed25519_verify, faster)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class CheckpointLog:
    """The append-only file of every checkpoint written on this machine (one JSON object a line)."""

    path: Path

    def append(self, cp: Checkpoint) -> None:
        line = (json.dumps(cp.to_json(), sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(fd, line)  # one write of one short line: appends of several processes do not interleave
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Checkpoint]:
        """Every checkpoint in the log; a line that is not one raises ValueError (the log was edited)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append(Checkpoint.from_json(json.loads(line)))
                except ValueError as exc:
                    raise ValueError(f"检查点日志 {self.path} 第 {n} 行无法读取：{exc}") from None
        return out

    def recent(self, n: int) -> list[Checkpoint]:
        """The last ``n`` checkpoints, read from the end of the file (the log grows for years; the
        latest ones decide a verification). A line that is not one raises ValueError."""
        try:
            fp = self.path.open("rb")
        except FileNotFoundError:
            return []
        with fp:
            end = fp.seek(0, os.SEEK_END)
            start, data = end, b""
            while start > 0 and data.count(b"\n") <= n:
                start = max(start - 64 * 1024, 0)
                fp.seek(start)
                data = fp.read(end - start)
        lines = [x for x in data.splitlines() if x.strip()]
        if start > 0:
            lines = lines[1:]  # the first may be a line's tail
        out = []
        for line in lines[-n:]:
            try:
                out.append(Checkpoint.from_json(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"检查点日志 {self.path} 中有一行无法读取：{exc}") from None
        return out

    def last(self) -> Checkpoint | None:
        """The last line's checkpoint (read from the end of the file), None when there is none."""
        try:
            with self.path.open("rb") as fp:
                fp.seek(0, os.SEEK_END)
                fp.seek(max(fp.tell() - _TAIL_BYTES, 0))
                lines = [x for x in fp.read().splitlines() if x.strip()]
        except FileNotFoundError:
            return None
        try:
            return Checkpoint.from_json(json.loads(lines[-1])) if lines else None
        except ValueError:
            return None


def chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the last committed event this session sees ((0, GENESIS) when empty)."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def hash_at(session: Session, seq: int) -> str | None:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


@dataclass(frozen=True)
class Anchor:
    """Where this installation's checkpoints are signed and kept: the key file and the log."""

    key_file: Path
    log: CheckpointLog

    @classmethod
    def at(cls, home: Path, key_file: Path | None = None) -> Anchor:
        return cls(key_file or home / KEY_FILE, CheckpointLog(home / LOG_FILE))

    def key(self) -> AuditKey:
        return AuditKey.load_or_create(self.key_file)

    def checkpoint(self, session: Session, now: datetime, *, if_moved: bool = False) -> Checkpoint | None:
        """Sign the head ``session`` sees and append it to the log. With ``if_moved``, nothing when
        the log's last checkpoint already names this head (None)."""
        seq, digest = chain_head(session)
        if if_moved:
            last = self.log.last()
            if last is not None and (last.seq, last.hash) == (seq, digest):
                return None
        cp = self.key().sign(seq=seq, digest=digest, at=now)
        self.log.append(cp)
        return cp

"""Signed session cookies and CSRF tokens, with the standard library only.

A session is a small JSON object signed with HMAC-SHA256. It always carries a
random CSRF token (also before sign-in, so the sign-in form is protected too);
after sign-in it names the user, the time of sign-in and the user's session epoch
(a session whose epoch is behind the user's was revoked).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

SESSION_COOKIE = "sanshen_session"
SESSION_MAX_AGE = 12 * 3600  # seconds


@dataclass(frozen=True)
class Session:
    csrf: str
    user: str | None = None
    issued_at: int = 0
    epoch: int = 0

    @classmethod
    def anonymous(cls) -> "Session":
        return cls(csrf=secrets.token_urlsafe(32))

    def signed_in(self, user: str, *, at: int, epoch: int) -> "Session":
        # A fresh CSRF token on sign-in: a token seen before sign-in is worthless after it.
        return replace(self, user=user, issued_at=at, epoch=epoch, csrf=secrets.token_urlsafe(32))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Turns a Session into a cookie value and back, refusing anything not signed by us."""

    def __init__(self, secret: bytes, *, max_age: int = SESSION_MAX_AGE) -> None:
        self._secret = secret
        self.max_age = max_age

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode("ascii"), hashlib.sha256).digest())

    def encode(self, session: Session) -> str:
        body = _b64(json.dumps(
            {"c": session.csrf, "u": session.user, "t": session.issued_at, "e": session.epoch},
            separators=(",", ":"),
        ).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def decode(self, value: str | None, *, now: int) -> Session | None:
        if not value or "." not in value:
            return None
        body, mac = value.rsplit(".", 1)
        try:
            if not hmac.compare_digest(mac, self._mac(body)):
                return None
            data = json.loads(_unb64(body))
            session = Session(csrf=str(data["c"]), user=data.get("u"), issued_at=int(data.get("t") or 0),
                              epoch=int(data.get("e") or 0))
        except (ValueError, KeyError, TypeError, UnicodeError):
            return None
        if session.user is not None and now - session.issued_at > self.max_age:
            return Session.anonymous()
        return session


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))


def load_or_create_secret(home: Path, configured: str | None = None) -> bytes:
    """The signing key: the configured one (SANSHEN_SECRET_KEY) if any, else a random key kept in the data directory."""
    if configured:
        return configured.encode("utf-8")
    path = home / "secret_key"
    if path.exists():
        return path.read_bytes().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key

"""Fixtures ``engine`` (a migrated engine on the test database) and ``server`` (a real HTTP server on
127.0.0.1), and rows written below the service: the cast, drafts, sign-offs, a tampered audit trail."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlmodel import Session

from review import revision
from storage.db import make_engine, upgrade
from storage.dialect import dialect_for
from storage.models import Draft, Revision, User
from tests.cast import PEOPLE, actor, signers


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class LocalServer:
    """Answers: /ok 200; /missing 404; /nohead 405 to HEAD, 200 to GET; /redirect?to=URL 302 to URL;
    /flaky 500 for the first ``fail_first`` POSTs then 200; /hook 200 and records every POST;
    /reject 400. ``seen`` lists every request as (method, path)."""

    fail_first: int = 0
    received: list[Received] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "LocalServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, location: str | None = None) -> None:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _get_or_head(self, answers: dict[str, int]) -> None:
                owner.seen.append((self.command, self.path))
                url = urlsplit(self.path)
                if url.path == "/redirect":
                    self._answer(302, parse_qs(url.query)["to"][0])
                    return
                self._answer(answers.get(self.path, 404))

            def do_HEAD(self) -> None:
                self._get_or_head({"/ok": 200, "/missing": 404, "/nohead": 405})

            def do_GET(self) -> None:
                self._get_or_head({"/ok": 200, "/missing": 404, "/nohead": 200})

            def do_POST(self) -> None:
                owner.seen.append((self.command, self.path))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/reject":
                    self._answer(400)
                    return
                if self.path == "/flaky" and owner.fail_first > 0:
                    owner.fail_first -= 1
                    self._answer(500)
                    return
                owner.received.append(Received(self.path, dict(self.headers), body))
                self._answer(200)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def add_user(s: Session, name: str, roles: str, now: datetime) -> User:
    user = User(name=name, display=name, roles=roles, created_at=now)
    s.add(user)
    s.flush()
    return user


def add_draft(s: Session, author: User, *, title: str, body: str, now: datetime, column: str = "要闻",
              status: str = "in_review", content_hash: str | None = None) -> tuple[Draft, Revision]:
    draft = Draft(title=title, column=column, kind="news", disclosure="主动公开", author_id=author.id,
                  workflow_name="三审三校", workflow_version="test", status=status, submitted_at=now)
    s.add(draft)
    s.flush()
    rev = Revision(draft_id=draft.id, number=1, title=title, body=body, meta={},
                   content_hash=content_hash or revision.content_hash(title, body, [], {}),
                   author_id=author.id, created_at=now)
    s.add(rev)
    s.flush()
    return draft, rev


def add_staff(s: Session, now: datetime) -> dict[str, User]:
    """The whole cast as user rows."""
    return {name: add_user(s, name, ",".join(roles), now) for name, roles in PEOPLE.items()}


def submit_draft(engine, wf, now: datetime, *, title: str = "关于开展冬季安全检查的通知",
                 body: str = "各单位：\n请于本月底前完成自查。", column: str = "通知公告") -> tuple[int, str]:
    """A draft that entered review through the real transitions; returns (id, content hash)."""
    from casestore.apply import apply_events
    from casestore.load import load_case
    from review import transitions
    from review.revision import content_hash, publish_meta
    from storage.db import transaction

    meta = publish_meta(column=column, kind="news", disclosure="主动公开", interprets=None)
    digest = content_hash(title, body, [], meta)
    with transaction(engine) as s:
        author = s.scalar(select(User).where(User.name == "bian"))
        if author is None:
            author = add_staff(s, now)["bian"]
        draft, rev = add_draft(s, author, title=title, body=body, now=now, column=column, content_hash=digest)
        rev.meta = meta
        s.flush()
        apply_events(s, draft, transitions.start(wf, load_case(s, draft.id), now=now), now=now, workflow=wf)
        return draft.id, digest


def sign_everything(engine, wf, draft_id: int, now: datetime) -> None:
    """Sign every stage in order, each by the cast member the workflow picks (the draft ends approved)."""
    from casestore.apply import apply_events
    from casestore.load import load_case
    from review import transitions
    from storage.db import transaction

    for stage, who in signers(wf):
        with transaction(engine) as s:
            case = load_case(s, draft_id)
            events = transitions.sign(wf, case, actor(who), stage=stage, expect_hash=case.content_hash,
                                      comment="同意", now=now)
            apply_events(s, s.get(Draft, draft_id), events, now=now, workflow=wf)


@pytest.fixture
def engine(db_url):
    """A migrated engine on the test database (SQLite, or PostgreSQL in the second pass)."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def write_behind_the_program(engine, *statements: str) -> None:
    """Write as an attacker would: straight through the driver, the audit triggers dropped first."""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        for statement in (*dialect_for(engine).drop_append_only_triggers("auditevent"), *statements):
            cursor.execute(statement)
        conn.commit()
    finally:
        conn.close()


def tamper_audit_row(engine, *, seq: int) -> None:
    """Edit one audit row behind the program's back."""
    write_behind_the_program(engine, f"UPDATE auditevent SET actor = 'mallory' WHERE seq = {int(seq)}")


@pytest.fixture
def server():
    srv = LocalServer().start()
    yield srv
    srv.stop()

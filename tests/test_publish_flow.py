"""The publish and withdraw flows: the gate re-checked on the bytes, the channels, idempotency."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casestore.apply import apply_events
from casestore.load import load_case
from flows.publish import Outcome, Publisher, publish, withdraw
from flows.site import MANIFEST, StaticSite, item_path
from flows.site_store import LocalStore
from flows.webhook import SIGNATURE_HEADER, WebhookConfig, verify_signature
from review import transitions
from review.workflow import default_workflow
from storage.audit import verify_chain
from storage.db import transaction
from storage.models import AuditEvent, Draft, Notification, Publication, Revision, SiteFile
from tests.cast import actor
from tests.flows_support import sign_everything, submit_draft

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
WF = default_workflow()
pytestmark = pytest.mark.db


def _publisher(engine, tmp_path, webhook=None, **kw) -> Publisher:
    return Publisher(engine=engine, site=StaticSite(tmp_path / "site"), workflow=WF, webhook=webhook, **kw)


def _approved(engine, **kw) -> tuple[int, str]:
    draft_id, digest = submit_draft(engine, WF, NOW, **kw)
    sign_everything(engine, WF, draft_id, NOW)
    return draft_id, digest


def _actions(engine, draft_id) -> list[str]:
    with transaction(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == draft_id)
                              .order_by(AuditEvent.seq)))


def _manifest(tmp_path) -> dict:
    return json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))


def test_an_approved_draft_is_published_with_its_signed_hash(engine, tmp_path):
    draft_id, digest = _approved(engine, body="各单位：\n<b>请</b>按时完成自查。")
    p = _publisher(engine, tmp_path)
    assert publish(p, draft_id=draft_id, content_hash=digest, now=LATER) is Outcome.PUBLISHED
    manifest = _manifest(tmp_path)
    assert manifest[str(draft_id)]["content_hash"] == digest
    page = (tmp_path / "site" / item_path(draft_id)).read_text(encoding="utf-8")
    assert "&lt;b&gt;请&lt;/b&gt;" in page
    with transaction(engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        assert (draft.status, draft.published_at) == ("published", LATER)
        published = s.scalar(select(AuditEvent).where(AuditEvent.action == "draft.published"))
        assert published.payload["content_hash"] == digest
        note = s.scalar(select(Notification).where(Notification.kind == "draft_published"))
        assert note.user_id == draft.author_id
        assert verify_chain(s).ok


def test_publishing_twice_publishes_once(engine, tmp_path):
    draft_id, digest = _approved(engine)
    p = _publisher(engine, tmp_path)
    publish(p, draft_id=draft_id, content_hash=digest, now=LATER)
    page = tmp_path / "site" / item_path(draft_id)
    stamp = page.stat().st_mtime_ns
    assert publish(p, draft_id=draft_id, content_hash=digest, now=LATER + timedelta(hours=1)) is Outcome.ALREADY
    assert page.stat().st_mtime_ns == stamp
    assert _actions(engine, draft_id).count("draft.published") == 1


def test_a_crash_after_the_page_is_written_publishes_once_on_retry(engine, tmp_path):
    draft_id, digest = _approved(engine)

    def crash() -> None:
        raise KeyboardInterrupt("killed after writing the page")

    with pytest.raises(KeyboardInterrupt):
        publish(_publisher(engine, tmp_path, after_site_write=crash), draft_id=draft_id, content_hash=digest,
                now=LATER)
    first = _manifest(tmp_path)[str(draft_id)]
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, draft_id).status == "approved"
    assert publish(_publisher(engine, tmp_path), draft_id=draft_id, content_hash=digest,
                   now=LATER + timedelta(minutes=5)) is Outcome.PUBLISHED
    assert _manifest(tmp_path)[str(draft_id)] == first
    assert _actions(engine, draft_id).count("draft.published") == 1


@pytest.mark.parametrize("sign", [False, True])
def test_the_gate_refuses_what_is_not_fully_signed_or_stale(engine, tmp_path, sign):
    draft_id, digest = submit_draft(engine, WF, NOW)
    stale = digest if not sign else "f" * 64
    if sign:
        sign_everything(engine, WF, draft_id, NOW)
    assert publish(_publisher(engine, tmp_path), draft_id=draft_id, content_hash=stale, now=LATER) is Outcome.REFUSED
    assert not (tmp_path / "site" / item_path(draft_id)).exists()
    with transaction(engine, readonly=True) as s:
        refused = s.scalar(select(AuditEvent).where(AuditEvent.action == "publish.refused"))
        assert refused.payload["reasons"]
        assert s.get(Draft, draft_id).status != "published"


def test_stored_bytes_that_no_longer_match_the_hash_are_refused(engine, tmp_path):
    draft_id, digest = _approved(engine)
    with transaction(engine) as s:
        s.execute(update(Revision).where(Revision.draft_id == draft_id).values(body="被篡改的正文"))
    assert publish(_publisher(engine, tmp_path), draft_id=draft_id, content_hash=digest, now=LATER) is Outcome.REFUSED
    assert not (tmp_path / "site" / item_path(draft_id)).exists()
    with transaction(engine, readonly=True) as s:
        refused = s.scalar(select(AuditEvent).where(AuditEvent.action == "publish.refused"))
    assert "不符" in refused.payload["reasons"][0]


def test_webhook_receives_one_signed_publication_even_after_a_failed_try(engine, tmp_path, server):
    draft_id, digest = _approved(engine)
    down = WebhookConfig(url=server.url + "/reject", secret="s3cret", attempts=1)
    with pytest.raises(Exception, match="HTTP 400"):
        publish(_publisher(engine, tmp_path, webhook=down), draft_id=draft_id, content_hash=digest, now=LATER)
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, draft_id).status == "published"  # the site went out; the webhook is pending
        hook = s.scalar(select(Publication).where(Publication.channel == "webhook"))
        assert (hook.status, hook.attempts) == ("failed", 1)
    up = WebhookConfig(url=server.url + "/hook", secret="s3cret")
    for _ in range(2):
        assert publish(_publisher(engine, tmp_path, webhook=up), draft_id=draft_id, content_hash=digest,
                       now=LATER) is Outcome.ALREADY
    (got,) = server.received
    assert verify_signature(got.body, "s3cret", got.headers[SIGNATURE_HEADER])
    doc = got.json()
    assert (doc["draft_id"], doc["content_hash"], doc["event"]) == (draft_id, digest, "draft.published")
    assert _actions(engine, draft_id).count("draft.published") == 1
    assert _actions(engine, draft_id).count("webhook.delivered") == 1


def test_a_run_that_looked_before_the_acknowledgement_was_recorded_does_not_deliver_again(engine, tmp_path, server):
    from flows.publish import _deliver_webhook, _prepare

    draft_id, digest = _approved(engine)
    p = _publisher(engine, tmp_path, webhook=WebhookConfig(url=server.url + "/hook", secret="k"))
    stale = _prepare(p, draft_id, digest, LATER)  # a second worker's view, taken before the first delivered
    assert stale.webhook_pending
    assert publish(p, draft_id=draft_id, content_hash=digest, now=LATER) is Outcome.PUBLISHED
    _deliver_webhook(p, stale.item, LATER)  # the second worker goes on with what it saw
    assert len(server.received) == 1
    assert _actions(engine, draft_id).count("webhook.delivered") == 1


def test_withdraw_removes_the_page_and_is_audited(engine, tmp_path, server):
    draft_id, digest = _approved(engine)
    hook = WebhookConfig(url=server.url + "/hook", secret="k")
    p = _publisher(engine, tmp_path, webhook=hook)
    publish(p, draft_id=draft_id, content_hash=digest, now=LATER)
    assert withdraw(p, draft_id=draft_id, now=LATER) is Outcome.NOTHING  # not withdrawn yet
    with transaction(engine) as s:
        events = transitions.withdraw(WF, load_case(s, draft_id), actor("ling"),
                                      reason="信息有误", now=LATER)
        apply_events(s, s.get(Draft, draft_id), events, now=LATER, workflow=WF)
    assert withdraw(p, draft_id=draft_id, now=LATER) is Outcome.WITHDRAWN
    assert withdraw(p, draft_id=draft_id, now=LATER) is Outcome.WITHDRAWN
    assert not (tmp_path / "site" / item_path(draft_id)).exists()
    assert str(draft_id) not in _manifest(tmp_path)
    assert _actions(engine, draft_id).count("site.withdrawn") == 1
    # the receiver acknowledged the withdrawal once: the second run does not send it again
    assert [r.json()["event"] for r in server.received] == ["draft.published", "draft.withdrawn"]
    assert _actions(engine, draft_id).count("webhook.delivered") == 2


def test_an_interrupted_publication_records_the_time_the_manifest_shows(engine, tmp_path):
    """Killed after the site was written and before it was recorded: the run that finishes it later
    records the time already on the site, so manifest.json, the page and the database agree."""
    draft_id, digest = _approved(engine)

    def killed() -> None:
        raise KeyboardInterrupt  # stands for the process dying between writing and recording

    with pytest.raises(KeyboardInterrupt):
        publish(_publisher(engine, tmp_path, after_site_write=killed), draft_id=draft_id, content_hash=digest,
                now=LATER)
    written = _manifest(tmp_path)[str(draft_id)]["published_at"]
    assert datetime.fromisoformat(written.replace("Z", "+00:00")) == LATER
    retried = LATER + timedelta(minutes=7)
    assert publish(_publisher(engine, tmp_path), draft_id=draft_id, content_hash=digest,
                   now=retried) is Outcome.PUBLISHED
    with transaction(engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        pub = s.scalar(select(Publication).where(Publication.draft_id == draft_id, Publication.channel == "site"))
        assert draft.status == "published" and draft.published_at == LATER == pub.published_at
    shown = _manifest(tmp_path)[str(draft_id)]["published_at"]
    assert datetime.fromisoformat(shown.replace("Z", "+00:00")) == LATER


class _StoreThatWaits(LocalStore):
    """A folder store that runs ``during`` (once) while the site's first file is being written."""

    def __init__(self, root, during) -> None:
        super().__init__(root)
        self._during = during

    def write(self, rel: str, data: bytes) -> None:
        during, self._during = self._during, None
        if during is not None:
            during()
        super().write(rel, data)


def test_sign_offs_commit_while_a_publication_writes_the_site(engine, tmp_path):
    """Rendering and writing the site runs outside the database's write lock (only the recording of
    the files is a write transaction): a sign-off made while the page is being written commits at
    once, on SQLite too, where that lock is the database's only one."""
    published_id, digest = _approved(engine)
    other_id, _ = submit_draft(engine, WF, NOW)
    store = _StoreThatWaits(tmp_path / "site", lambda: sign_everything(engine, WF, other_id, LATER))
    p = Publisher(engine=engine, site=StaticSite(store), workflow=WF)
    assert publish(p, draft_id=published_id, content_hash=digest, now=LATER) is Outcome.PUBLISHED
    with transaction(engine, readonly=True) as s:
        assert s.get(Draft, other_id).status == "approved"
        assert s.get(Draft, published_id).status == "published"
        recorded = {f.path for f in s.scalars(select(SiteFile))}
    assert item_path(published_id) in recorded
    assert json.loads((tmp_path / "site" / MANIFEST).read_text("utf-8"))[str(published_id)]["content_hash"] == digest

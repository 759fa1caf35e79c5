"""Asynchronous link liveness: extraction, probing a real local server, stored findings, and the
guard that keeps the checker away from private, loopback and other internal addresses."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from flows.dispatcher import Dispatcher, DispatcherConfig
from flows.links import LinkPolicy, Verdict, check_revision_links, extract_links, is_public, probe
from review.check import load_default_checker
from review.checks import link
from review.workflow import default_workflow
from sanshen.commands.worker import dispatcher_config
from sanshen.settings import Settings
from storage.db import transaction
from storage.models import AuditEvent, CheckReport, FindingRow, Outbox
from storage.outbox import enqueue, pending_count
from tests.flows_support import LocalServer, add_draft, add_user, engine, server  # noqa: F401 (fixtures)

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LOCAL = LinkPolicy(allow_private=True, timeout=2)  # the tests' own server is on 127.0.0.1
GUARDED = LinkPolicy(timeout=2)


class Recorder:
    """A transport that never touches the network: records each request and answers from ``answers``."""

    def __init__(self, answers: dict[str, httpx.Response] | None = None) -> None:
        self.answers = answers or {}
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url}")
        return self.answers.get(str(request.url), httpx.Response(200))

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def test_extract_links_stops_at_chinese_text_and_punctuation():
    text = "详见http://www.gov.cn/zhengce/a.html。另见（https://example.org/x?y=1），以及 ftp://no"
    spans = extract_links(text)
    assert [s.url for s in spans] == ["http://www.gov.cn/zhengce/a.html", "https://example.org/x?y=1"]
    for s in spans:
        assert text[s.start:s.end] == s.text == s.url


def test_the_links_probed_are_the_automated_pass_links_that_are_not_malformed():
    text = "见 www.gov.cn/abc ，http:/bad ，htp://x.cn ，https://example.org/a 和 ftp://files.example.org/f"
    malformed = {text[f.start:f.end] for f in link.check(text) if f.rule == link.RULE_MALFORMED}
    assert malformed == {"http:/bad", "htp://x.cn"}
    spans = extract_links(text)
    assert [(s.text, s.url) for s in spans] == [("www.gov.cn/abc", "http://www.gov.cn/abc"),
                                                ("https://example.org/a", "https://example.org/a")]
    assert {(s.start, s.end) for s in spans} <= set(link.url_spans(text))


def test_probe_uses_head_then_get(server):
    with httpx.Client(timeout=2) as client:
        assert probe(client, server.url + "/ok", LOCAL).state == "alive"
        assert probe(client, server.url + "/nohead", LOCAL).state == "alive"
        assert probe(client, server.url + "/missing", LOCAL) == Verdict("dead", "HTTP 404")
    assert server.seen[:3] == [("HEAD", "/ok"), ("HEAD", "/nohead"), ("GET", "/nohead")]


def test_probe_reports_unreachable_hosts(server):
    url = server.url
    server.stop()
    with httpx.Client(timeout=2) as client:
        verdict = probe(client, url + "/ok", LOCAL)
    assert verdict.state == "dead" and "无法连接" in verdict.reason
    server.start()


@pytest.mark.parametrize("ip, public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True),
    ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False), ("127.0.0.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("224.0.0.1", False), ("240.0.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd00::1", False), ("ff02::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
])
def test_only_public_addresses_count_as_public(ip, public):
    assert is_public(ipaddress.ip_address(ip)) is public


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/",
    "http://[::1]/", "http://0.0.0.0/", "https://intranet.example.gov.cn/",
])
def test_internal_targets_are_not_checked_and_never_contacted(url):
    internal = {"intranet.example.gov.cn": [ipaddress.ip_address("192.168.10.5")]}
    recorder = Recorder()
    with recorder.client() as client:
        verdict = probe(client, url, GUARDED, resolve=lambda host, port: internal[host])
    assert verdict.state == "skipped" and "内网" in verdict.reason
    assert recorder.requests == []


def test_a_host_with_one_internal_address_among_public_ones_is_refused():
    recorder = Recorder()
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.1.2.3")]
    with recorder.client() as client:
        assert probe(client, "http://mixed.example.org/", GUARDED, resolve=lambda h, p: addresses).state == "skipped"
    assert recorder.requests == []


def test_public_targets_are_probed():
    recorder = Recorder()
    with recorder.client() as client:
        assert probe(client, "http://93.184.216.34/page", GUARDED).state == "alive"
    assert recorder.requests == ["HEAD http://93.184.216.34/page"]


def test_a_redirect_to_an_internal_address_is_refused_at_that_hop():
    recorder = Recorder({
        "http://93.184.216.34/go": httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"}),
    })
    with recorder.client() as client:
        verdict = probe(client, "http://93.184.216.34/go", GUARDED)
    assert verdict.state == "skipped"
    assert recorder.requests == ["HEAD http://93.184.216.34/go"]


def test_redirects_are_followed_at_most_max_redirects_times():
    loop = {f"http://93.184.216.34/{n}": httpx.Response(302, headers={"Location": f"/{n + 1}"}) for n in range(10)}
    recorder = Recorder(loop)
    with recorder.client() as client:
        verdict = probe(client, "http://93.184.216.34/0", LinkPolicy(max_redirects=3))
    assert verdict == Verdict("dead", "重定向超过 3 次")
    assert len(recorder.requests) == 4 * 2  # HEAD then GET, each: the first request and three hops


def test_a_loopback_redirect_to_another_loopback_port_is_refused_unless_private_is_allowed(server):
    other = LocalServer().start()
    try:
        start = f"{server.url.replace('127.0.0.1', 'localhost')}/redirect?to={other.url}/ok"
        # "localhost" is declared public here so that the first hop passes the guard and the
        # redirect hop (a literal 127.0.0.1 on another port) is the one being judged.
        pretend_public = {"localhost": [ipaddress.ip_address("93.184.216.34")]}
        with httpx.Client(timeout=2) as client:
            refused = probe(client, start, GUARDED, resolve=lambda host, port: pretend_public[host])
            assert refused.state == "skipped"
            assert [m for m, _ in server.seen] == ["HEAD"] and other.seen == []
            assert probe(client, start, LOCAL).state == "alive"
        assert other.seen == [("HEAD", "/ok")]
    finally:
        other.stop()


def _draft(engine, body: str) -> int:
    with transaction(engine) as s:
        author = add_user(s, "editor", "editor", NOW)
        draft, _ = add_draft(s, author, title="链接测试", body=body, now=NOW)
        return draft.id


@pytest.mark.db
def test_dead_links_become_link_warnings_and_rerun_supersedes(engine, server):
    body = f"正常链接 {server.url}/ok 。失效链接 {server.url}/missing 。"
    draft_id = _draft(engine, body)
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW, policy=LOCAL) == 1
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW, policy=LOCAL) == 1
    with transaction(engine, readonly=True) as s:
        rows = s.scalars(select(FindingRow).where(FindingRow.draft_id == draft_id)).all()
        reports = s.scalars(select(CheckReport)).all()
        audit = s.scalars(select(AuditEvent.action)).all()
    live = [r for r in rows if not r.superseded]
    assert len(live) == 1 and len(rows) == 1  # the identical finding kept its row
    (f,) = live
    assert (f.category, f.severity, f.rule) == ("link", "warning", "link.dead")
    assert body[f.start:f.end] == f.text == f"{server.url}/missing"
    assert "HTTP 404" in f.message
    assert [r.source for r in reports] == ["links", "links"]
    assert audit == ["check.links", "check.links"]


@pytest.mark.db
def test_link_count_is_limited(engine, server):
    draft_id = _draft(engine, " ".join(f"{server.url}/missing?n={i}" for i in range(5)))
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW,
                                policy=LinkPolicy(allow_private=True, max_links=3, timeout=2)) == 3


@pytest.mark.db
def test_guarded_check_of_a_loopback_link_records_it_as_not_checked(engine, server):
    draft_id = _draft(engine, f"失效链接 {server.url}/missing 。")
    assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW, policy=GUARDED) == 0
    assert server.seen == []
    with transaction(engine, readonly=True) as s:
        (event,) = s.scalars(select(AuditEvent)).all()
        assert s.scalars(select(FindingRow)).all() == []
    assert event.payload["dead"] == [] and event.payload["not_checked"] == [f"{server.url}/missing"]


@pytest.mark.db
def test_a_disabled_checker_does_no_io_at_all(engine):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request may be made: {request.url}")

    draft_id = _draft(engine, "链接 https://www.gov.cn/ 与 http://10.0.0.1/")
    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        assert check_revision_links(engine, draft_id=draft_id, revision=1, now=NOW,
                                    policy=LinkPolicy(enabled=False), client=client) == 0
    with transaction(engine, readonly=True) as s:
        assert s.scalars(select(CheckReport)).all() == [] and s.scalars(select(AuditEvent)).all() == []


@pytest.mark.db
def test_links_items_complete_without_probing_when_the_checker_is_off(engine, server, tmp_path):
    draft_id = _draft(engine, f"链接 {server.url}/missing")
    with transaction(engine) as s:
        enqueue(s, kind="links", key=f"links:{draft_id}:1", payload={"draft_id": draft_id, "revision": 1}, now=NOW)
    config = dispatcher_config(Settings.from_env({"SANSHEN_HOME": str(tmp_path), "SANSHEN_LINK_CHECK": "off"}))
    d = Dispatcher(engine=engine, workflow=default_workflow(), site_dir=tmp_path / "site",
                   checker_factory=load_default_checker, use_prefect=False, config=config, worker="test")
    assert d.run_once(NOW) == 1
    assert pending_count(engine) == 0 and server.seen == []
    with transaction(engine, readonly=True) as s:
        assert s.scalars(select(Outbox.done_at)).one() == NOW
        assert s.scalars(select(CheckReport)).all() == []


def test_settings_turn_the_checker_and_private_targets_on_and_off(tmp_path):
    home = {"SANSHEN_HOME": str(tmp_path)}
    assert dispatcher_config(Settings.from_env(home)).link_policy == LinkPolicy()
    policy = dispatcher_config(Settings.from_env({**home, "SANSHEN_LINK_CHECK": "OFF",
                                                  "SANSHEN_LINK_CHECK_PRIVATE": "1"})).link_policy
    assert (policy.enabled, policy.allow_private) == (False, True)
    assert DispatcherConfig().link_policy.enabled and not DispatcherConfig().link_policy.allow_private
    with pytest.raises(ValueError, match="SANSHEN_LINK_CHECK"):
        Settings.from_env({**home, "SANSHEN_LINK_CHECK": "maybe"})

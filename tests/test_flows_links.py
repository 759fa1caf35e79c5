"""Asynchronous link liveness: extraction, probing a real local server, stored findings, and the
guard that keeps the checker away from private, loopback and other internal addresses."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from checking.checks import link
from flows.dispatcher import Dispatcher, DispatcherConfig
from flows.links import (
    LinkPolicy,
    Verdict,
    check_revision_links,
    extract_links,
    is_public,
    pinned_request,
    probe,
)
from review.refusals import InvalidInput
from review.workflow import default_workflow
from sanshen.checker import load_default_checker
from sanshen.commands.worker import dispatcher_config
from sanshen.settings import Settings
from storage.clock import ManualClock
from storage.db import transaction
from storage.models import AuditEvent, CheckReport, FindingRow, Outbox
from storage.outbox import enqueue, pending_count
from tests.flows_support import LocalServer, add_draft, add_user

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LOCAL = LinkPolicy(allow_private=True, timeout=2)  # the tests' own server is on 127.0.0.1
GUARDED = LinkPolicy(timeout=2)


class Recorder:
    """A transport that never touches the network: records each request and answers from ``answers``."""

    def __init__(self, answers: dict[str, httpx.Response] | None = None) -> None:
        self.answers = answers or {}
        self.requests: list[str] = []
        self.hosts: list[str] = []  # the Host header of each request

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url}")
        self.hosts.append(request.headers["Host"])
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


def test_a_redirect_from_a_public_host_to_the_loopback_server_is_refused_unless_private_is_allowed(server):
    other = LocalServer().start()
    try:
        public = {"public.example.org": [ipaddress.ip_address("93.184.216.34")]}
        recorder = Recorder({"http://93.184.216.34/go": httpx.Response(302, headers={"Location": f"{other.url}/ok"})})
        with recorder.client() as client:  # the public hop is answered without any network
            refused = probe(client, "http://public.example.org/go", GUARDED, resolve=lambda host, port: public[host])
        assert refused.state == "skipped" and recorder.requests == ["HEAD http://93.184.216.34/go"]
        assert other.seen == []
        start = f"{server.url.replace('127.0.0.1', 'localhost')}/redirect?to={other.url}/ok"
        loopback = {"localhost": [ipaddress.ip_address("127.0.0.1")]}
        with httpx.Client(timeout=2) as client:
            assert probe(client, start, LOCAL, resolve=lambda host, port: loopback[host]).state == "alive"
        assert [m for m, _ in server.seen] == ["HEAD"] and other.seen == [("HEAD", "/ok")]
    finally:
        other.stop()


class Rebinding:
    """A hostile DNS: the first answer for a host is ``first``, every later one ``later``."""

    def __init__(self, first: str, later: str) -> None:
        self.first, self.later = ipaddress.ip_address(first), ipaddress.ip_address(later)
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list:
        self.calls.append((host, port))
        return [self.first if len(self.calls) == 1 else self.later]


class Connections(httpx.HTTPTransport):
    """The real transport, noting the host each connection is opened to (what the URL names)."""

    def __init__(self) -> None:
        super().__init__()
        self.hosts: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return super().handle_request(request)


def test_the_request_goes_to_the_checked_address_whatever_a_second_lookup_would_say(server):
    port = server.url.rsplit(":", 1)[1]
    dns = Rebinding("127.0.0.1", "10.0.0.1")  # a second lookup would point somewhere else
    transport = Connections()
    with httpx.Client(transport=transport, timeout=2) as client:
        assert probe(client, f"http://localhost:{port}/ok", LOCAL, resolve=dns).state == "alive"
    assert dns.calls == [("localhost", int(port))]
    assert transport.hosts == ["127.0.0.1"]  # an address: nothing left for httpx to resolve
    assert server.seen == [("HEAD", "/ok")]


def test_the_server_is_asked_for_the_host_by_name():
    recorder = Recorder()
    with recorder.client() as client:
        verdict = probe(client, "http://localhost:8080/ok", LOCAL,
                        resolve=lambda host, port: [ipaddress.ip_address("127.0.0.1")])
    assert verdict.state == "alive"
    assert recorder.requests == ["HEAD http://127.0.0.1:8080/ok"] and recorder.hosts == ["localhost:8080"]


def test_every_redirect_hop_is_resolved_and_checked_again():
    dns = Rebinding("93.184.216.34", "10.0.0.1")
    recorder = Recorder({"http://93.184.216.34/go": httpx.Response(302, headers={"Location": "/next"})})
    with recorder.client() as client:
        verdict = probe(client, "http://rebind.example.org/go", GUARDED, resolve=dns)
    assert verdict.state == "skipped"  # the same host, answered differently the second time, is refused
    assert dns.calls == [("rebind.example.org", 80)] * 2
    assert recorder.requests == ["HEAD http://93.184.216.34/go"] and recorder.hosts == ["rebind.example.org"]


def test_a_redirect_to_another_host_is_sent_to_that_hosts_own_checked_address():
    addresses = {"a.example.org": "93.184.216.34", "b.example.org": "93.184.216.35"}
    moved = httpx.Response(301, headers={"Location": "http://b.example.org/x"})
    recorder = Recorder({"http://93.184.216.34/go": moved})
    with recorder.client() as client:
        verdict = probe(client, "http://a.example.org/go", GUARDED,
                        resolve=lambda host, port: [ipaddress.ip_address(addresses[host])])
    assert verdict.state == "alive"
    assert recorder.requests == ["HEAD http://93.184.216.34/go", "HEAD http://93.184.216.35/x"]
    assert recorder.hosts == ["a.example.org", "b.example.org"]


def test_a_pinned_https_request_names_the_host_for_tls_and_closes_its_connection():
    with httpx.Client() as client:
        request = pinned_request(client, "HEAD", httpx.URL("https://www.example.org:8443/a?b=1"),
                                 ipaddress.ip_address("2001:db8::1"))
    assert str(request.url) == "https://[2001:db8::1]:8443/a?b=1"
    assert request.headers["Host"] == "www.example.org:8443" and request.headers["Connection"] == "close"
    assert request.extensions["sni_hostname"] == "www.example.org"


def test_an_invalid_link_is_dead_without_a_lookup_or_a_request():
    def no_lookup(host: str, port: int) -> list:
        raise AssertionError(f"no lookup may be made: {host}")

    recorder = Recorder()
    with recorder.client() as client:
        assert probe(client, "http://a\x00b.org/", GUARDED, resolve=no_lookup) == Verdict("dead", "链接地址无效")
    assert recorder.requests == []


def _draft(engine, body: str) -> int:
    with transaction(engine) as s:
        author = add_user(s, "bian", "editor", NOW)
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
                   checker_factory=load_default_checker, use_prefect=False, config=config, worker="test",
                   clock=ManualClock(NOW))
    assert d.run_once() == 1
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
    with pytest.raises(InvalidInput, match="SANSHEN_LINK_CHECK"):
        Settings.from_env({**home, "SANSHEN_LINK_CHECK": "maybe"})

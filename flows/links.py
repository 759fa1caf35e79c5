"""Asynchronous link liveness: dead http(s) links of a revision become ``link`` warnings.

Each check writes a CheckReport with source "links" for the revision; findings of earlier
"links" reports that are gone are superseded, so re-running is harmless.

The checker never reaches an address it should not: before every request (the first and
each redirect hop, followed by hand) the host is resolved and the request is refused when
any of its addresses is private, loopback, link-local, multicast, reserved or unspecified,
unless the policy allows private targets. The request then goes to the address that was
checked, never to a second lookup's answer (DNS rebinding). A refused link is "not checked",
never "dead".
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import Engine, select

from checking.checks.link import UrlSpan, find_urls
from checking.findings import Category, Finding, Severity
from checking.located import BODY, Located
from flows.findings import replace_findings
from storage.audit import append_event
from storage.db import transaction
from storage.models import Revision

SOURCE = "links"
RULE = "link.dead"

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[IpAddress]]


@dataclass(frozen=True)
class LinkPolicy:
    enabled: bool = True  # False: no link is probed at all (SANSHEN_LINK_CHECK=off)
    allow_private: bool = False  # probe private/loopback targets too (SANSHEN_LINK_CHECK_PRIVATE=1)
    timeout: float = 5.0
    max_links: int = 50  # distinct links probed per revision
    max_redirects: int = 5
    parallel: int = 8
    lexicon_version: str = "links-1"


@dataclass(frozen=True)
class Verdict:
    state: str  # "alive", "dead" or "skipped" (not checked: the guard refused it)
    reason: str = ""


ALIVE = Verdict("alive")


def extract_links(text: str) -> list[UrlSpan]:
    """The well-formed http(s) links of ``text``, found as the automated pass's link check finds them."""
    return [u for u in find_urls(text) if u.problem is None and u.url.lower().startswith(("http://", "https://"))]


def resolve_host(host: str, port: int) -> list[IpAddress]:
    """Every address the DNS gives for ``host``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def is_public(ip: IpAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def checked_address(url: httpx.URL, policy: LinkPolicy, resolve: Resolver) -> IpAddress | Verdict:
    """The address ``url`` may be requested at (its host resolved once, every answer checked),
    or why it must not be requested (a skipped or dead verdict)."""
    if url.scheme not in ("http", "https") or not url.host:
        return Verdict("skipped", "不检查非 http(s) 链接")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(url.host)]  # an IP literal stands for itself, without a lookup
    except ValueError:
        addresses = None
    try:
        addresses = addresses or list(resolve(url.host, port))
    except (OSError, UnicodeError):
        return Verdict("dead", "域名无法解析")
    if not addresses:
        return Verdict("dead", "域名无法解析")
    if not policy.allow_private and not all(is_public(ip) for ip in addresses):
        return Verdict("skipped", f"内网或保留地址（{url.host}），未检查")
    return addresses[0]


def pinned_request(client: httpx.Client, method: str, url: httpx.URL, address: IpAddress) -> httpx.Request:
    """``method url`` sent to ``address`` itself, so that no second lookup can lead elsewhere: the
    URL names the address, the Host header and the TLS server name (SNI, and the name the
    certificate is checked against) name the host, and the connection is closed afterwards so
    that it never serves another host at the same address."""
    request = client.build_request(method, url.copy_with(host=str(address)),
                                   headers={"Host": url.netloc.decode("ascii"), "Connection": "close"})
    if url.scheme == "https":
        request.extensions["sni_hostname"] = url.raw_host.decode("ascii")
    return request


def _status(client: httpx.Client, method: str, url: str, policy: LinkPolicy,
            resolve: Resolver) -> int | Verdict:
    """The final status of ``method url``, following redirects by hand and guarding every hop."""
    target = httpx.URL(url)
    for _ in range(policy.max_redirects + 1):
        address = checked_address(target, policy, resolve)
        if isinstance(address, Verdict):
            return address
        response = client.send(pinned_request(client, method, target, address), stream=True, follow_redirects=False)
        response.close()
        if not response.is_redirect:
            return response.status_code
        target = target.join(response.headers["Location"])  # relative to the host, not to the address
    return Verdict("dead", f"重定向超过 {policy.max_redirects} 次")


def probe(client: httpx.Client, url: str, policy: LinkPolicy = LinkPolicy(),
          resolve: Resolver = resolve_host) -> Verdict:
    """Whether the link answers: HEAD first, then GET if HEAD is refused."""
    try:
        for method in ("HEAD", "GET"):
            result = _status(client, method, url, policy, resolve)
            if isinstance(result, int) and result < 400:
                return ALIVE
            verdict = result if isinstance(result, Verdict) else Verdict("dead", f"HTTP {result}")
            if verdict.state == "skipped":
                return verdict
        return verdict
    except httpx.InvalidURL:
        return Verdict("dead", "链接地址无效")
    except httpx.TimeoutException:
        return Verdict("dead", "超时")
    except httpx.HTTPError as exc:
        return Verdict("dead", f"无法连接（{type(exc).__name__}）")


def link_verdicts(text: str, client: httpx.Client, policy: LinkPolicy,
                  resolve: Resolver = resolve_host) -> dict[str, Verdict]:
    """The verdict on each of the first ``max_links`` distinct links of ``text``, probed in parallel."""
    urls = list(dict.fromkeys(span.url for span in extract_links(text)))[: policy.max_links]
    with ThreadPoolExecutor(max_workers=policy.parallel) as pool:
        return dict(zip(urls, pool.map(lambda url: probe(client, url, policy, resolve), urls)))


def dead_link_findings(text: str, verdicts: dict[str, Verdict]) -> list[Finding]:
    """``link`` warnings for every occurrence of a dead link."""
    return [
        Finding(rule=RULE, category=Category.LINK, severity=Severity.WARNING, start=span.start, end=span.end,
                text=span.text, suggestion=None, message=f"链接无法访问（{verdicts[span.url].reason}），请核实或删除")
        for span in extract_links(text)
        if span.url in verdicts and verdicts[span.url].state == "dead"
    ]


def check_revision_links(engine: Engine, *, draft_id: int, revision: int, now: datetime,
                         policy: LinkPolicy = LinkPolicy(), client: httpx.Client | None = None,
                         resolve: Resolver = resolve_host) -> int:
    """Check the revision's links and store the findings; returns the number of dead links.
    With the policy disabled nothing is read, probed or written."""
    if not policy.enabled:
        return 0
    with transaction(engine, readonly=True) as s:
        rev = s.scalar(select(Revision).where(Revision.draft_id == draft_id, Revision.number == revision))
        if rev is None:
            return 0
        body, revision_id = rev.body, rev.id
    if not extract_links(body):
        return 0
    own = client is None
    client = client or httpx.Client(timeout=policy.timeout, headers={"User-Agent": "sanshen-linkcheck/1"})
    try:
        verdicts = link_verdicts(body, client, policy, resolve)  # no transaction held while on the network
    finally:
        if own:
            client.close()
    findings = dead_link_findings(body, verdicts)
    with transaction(engine) as s:
        replace_findings(s, draft_id=draft_id, revision=revision, revision_id=revision_id,
                         findings=[Located(BODY, f) for f in findings], sources=(SOURCE,), source=SOURCE, lexicon_version=policy.lexicon_version, now=now)
        append_event(s, action="check.links", actor="system", draft_id=draft_id,
                     payload={"revision": revision, "links": len(verdicts),
                              "dead": [f.text for f in findings],
                              "not_checked": [url for url, v in verdicts.items() if v.state == "skipped"]},
                     at=now)
    return len(findings)

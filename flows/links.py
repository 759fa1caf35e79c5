"""Asynchronous link liveness: dead http(s) links of a revision become ``link`` warnings.

Each check writes a CheckReport with source "links" for the revision; findings of earlier
"links" reports that are gone are superseded, so re-running is harmless.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import Engine, select

from flows.findings import replace_findings

from review.findings import Category, Finding, Severity
from storage.audit import append_event
from storage.db import transaction
from storage.models import Revision

# Stops at whitespace, CJK text, full-width punctuation and quotes/brackets around a link.
_URL = re.compile(r"https?://[^\s<>\"'（）()\[\]{}，。；：！？、“”‘’《》\u3000-\u303f\u4e00-\u9fff]+")
_TRAILING = ".,;:!?"
SOURCE = "links"
RULE = "link.dead"


@dataclass(frozen=True)
class LinkPolicy:
    timeout: float = 5.0
    max_links: int = 50  # distinct links probed per revision
    parallel: int = 8
    lexicon_version: str = "links-1"


@dataclass(frozen=True)
class LinkSpan:
    start: int
    end: int
    url: str


def extract_links(text: str) -> list[LinkSpan]:
    spans = []
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        spans.append(LinkSpan(m.start(), m.start() + len(url), url))
    return spans


def probe(client: httpx.Client, url: str) -> str | None:
    """None if the link answers; otherwise why it is dead (HEAD first, then GET if HEAD is refused)."""
    try:
        response = client.head(url, follow_redirects=True)
        if response.status_code < 400:
            return None
        with client.stream("GET", url, follow_redirects=True) as response:
            if response.status_code < 400:
                return None
            return f"HTTP {response.status_code}"
    except httpx.TimeoutException:
        return "超时"
    except httpx.HTTPError as exc:
        return f"无法连接（{type(exc).__name__}）"


def dead_link_findings(text: str, client: httpx.Client, policy: LinkPolicy) -> list[Finding]:
    """``link`` warnings for the dead links among the first ``max_links`` distinct ones, probed in parallel."""
    spans = extract_links(text)
    urls = list(dict.fromkeys(span.url for span in spans))[: policy.max_links]
    with ThreadPoolExecutor(max_workers=policy.parallel) as pool:
        verdicts = dict(zip(urls, pool.map(lambda url: probe(client, url), urls)))
    return [
        Finding(rule=RULE, category=Category.LINK, severity=Severity.WARNING, start=span.start, end=span.end,
                text=span.url, suggestion=None, message=f"链接无法访问（{verdicts[span.url]}），请核实或删除")
        for span in spans
        if verdicts.get(span.url) is not None
    ]


def check_revision_links(engine: Engine, *, draft_id: int, revision: int, now: datetime,
                         policy: LinkPolicy = LinkPolicy(), client: httpx.Client | None = None) -> int:
    """Check the revision's links and store the findings; returns the number of dead links."""
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
        findings = dead_link_findings(body, client, policy)  # no transaction held while on the network
    finally:
        if own:
            client.close()
    with transaction(engine) as s:
        replace_findings(s, draft_id=draft_id, revision=revision, revision_id=revision_id, findings=findings,
                         sources=(SOURCE,), source=SOURCE, lexicon_version=policy.lexicon_version, now=now)
        append_event(s, action="check.links", actor="system", draft_id=draft_id,
                     payload={"revision": revision, "links": len(extract_links(body)),
                              "dead": [f.text for f in findings]}, at=now)
    return len(findings)

"""The site-wide link sweep: every link of every published page probed again (not only those
of new revisions), dead and moved (redirected) links recorded per page.

It goes through the link checker's guard (flows/links.py): every hop's host is resolved and
checked before it is requested, and the request goes to the checked address. A link is probed
once per sweep however many pages carry it. The results replace the previous sweep's
(``pagelink``); the run itself is a ``linksweep`` row whose unique ``period`` lets several
workers schedule the same period's sweep with only one of them running it. When dead links
exceed the threshold the admins are told.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine, delete, select

from flows.links import LinkPolicy, Resolver, Verdict, checked_address, extract_links, pinned_request, resolve_host
from flows.notify import notify, users_with_roles
from flows.published import PublishedPage, published_pages
from storage.db import transaction
from storage.dialect import dialect_for
from storage.models import LinkSweep, PageLink

ALIVE, DEAD, MOVED, SKIPPED = "alive", "dead", "moved", "skipped"
STATE_LABELS = {ALIVE: "正常", DEAD: "无法访问", MOVED: "已跳转", SKIPPED: "未检查"}


@dataclass(frozen=True)
class LinkResult:
    state: str  # alive / dead / moved / skipped
    reason: str = ""
    final_url: str | None = None  # where a moved link ends up


@dataclass(frozen=True)
class SweepSummary:
    sweep_id: int
    pages: int
    links: int
    dead: int
    moved: int
    skipped: int
    max_dead: int

    @property
    def over_threshold(self) -> bool:
        return self.dead > self.max_dead


def _follow(client: httpx.Client, method: str, url: str, policy: LinkPolicy,
            resolve: Resolver) -> tuple[int | Verdict, str, int | None]:
    """(final status or verdict, final URL, status of the first redirect or None), every hop guarded."""
    target = httpx.URL(url)
    first_redirect = None
    for _ in range(policy.max_redirects + 1):
        address = checked_address(target, policy, resolve)
        if isinstance(address, Verdict):
            return address, str(target), first_redirect
        response = client.send(pinned_request(client, method, target, address), stream=True, follow_redirects=False)
        response.close()
        if not response.is_redirect:
            return response.status_code, str(target), first_redirect
        first_redirect = first_redirect or response.status_code
        target = target.join(response.headers["Location"])
    return Verdict(DEAD, f"重定向超过 {policy.max_redirects} 次"), str(target), first_redirect


def classify(client: httpx.Client, url: str, policy: LinkPolicy, resolve: Resolver = resolve_host) -> LinkResult:
    """Alive, moved (answers after a redirect: the final address kept), dead, or skipped by the guard;
    HEAD first, then GET if HEAD is refused."""
    try:
        for method in ("HEAD", "GET"):
            status, final, redirect = _follow(client, method, url, policy, resolve)
            if isinstance(status, int) and status < 400:
                if redirect is None:
                    return LinkResult(ALIVE)
                kind = "永久" if redirect in (301, 308) else "临时"
                return LinkResult(MOVED, f"{kind}重定向（{redirect}）至 {final}", final)
            verdict = status if isinstance(status, Verdict) else Verdict(DEAD, f"HTTP {status}")
            if verdict.state == SKIPPED:
                return LinkResult(SKIPPED, verdict.reason)
        return LinkResult(DEAD, verdict.reason, final if redirect is not None else None)
    except httpx.InvalidURL:
        return LinkResult(DEAD, "链接地址无效")
    except httpx.TimeoutException:
        return LinkResult(DEAD, "超时")
    except httpx.HTTPError as exc:
        return LinkResult(DEAD, f"无法连接（{type(exc).__name__}）")


def page_links(page: PublishedPage, policy: LinkPolicy) -> list[str]:
    """The first ``max_links`` distinct http(s) links of the page's body."""
    return list(dict.fromkeys(span.url for span in extract_links(page.body)))[: policy.max_links]


def probe_all(urls: Iterable[str], client: httpx.Client, policy: LinkPolicy,
              resolve: Resolver = resolve_host) -> dict[str, LinkResult]:
    unique = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=policy.parallel) as pool:
        return dict(zip(unique, pool.map(lambda url: classify(client, url, policy, resolve), unique)))


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the scheduling period ``now`` falls in (periods counted from the epoch)."""
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    return epoch + every * ((now - epoch) // every)


def scheduled_period(now: datetime, every: timedelta) -> str:
    """The key of the scheduled sweep of the period ``now`` falls in."""
    return f"scheduled:{period_start(now, every).isoformat()}"


def claim_sweep(engine: Engine, period: str, now: datetime) -> int | None:
    """The id of a new sweep row for ``period``, or None when that period's sweep was claimed already."""
    with transaction(engine) as s:
        inserted = dialect_for(engine).insert_unless_exists(
            s, LinkSweep, dict(period=period, started_at=now, pages=0, links=0, dead=0, moved=0, skipped=0),
            unique_on=["period"])
        if not inserted:
            return None
        return s.scalar(select(LinkSweep.id).where(LinkSweep.period == period))


def sweep_links(engine: Engine, *, now: datetime, policy: LinkPolicy = LinkPolicy(), max_dead: int = 0,
                period: str | None = None, client: httpx.Client | None = None,
                resolve: Resolver = resolve_host) -> SweepSummary | None:
    """Probe every link of every published page and record the verdicts; None when link checks are
    off or another process claimed this ``period`` (default: a manual run at ``now``)."""
    if not policy.enabled:
        return None
    sweep_id = claim_sweep(engine, period or f"manual:{now.isoformat()}", now)
    if sweep_id is None:
        return None
    pages = published_pages(engine)
    links = {page.draft_id: page_links(page, policy) for page in pages}
    own = client is None
    client = client or httpx.Client(timeout=policy.timeout, headers={"User-Agent": "sanshen-linksweep/1"})
    try:  # no transaction held while on the network
        results = probe_all((url for urls in links.values() for url in urls), client, policy, resolve)
    finally:
        if own:
            client.close()
    counts = {DEAD: 0, MOVED: 0, SKIPPED: 0}
    with transaction(engine) as s:
        s.execute(delete(PageLink))  # the previous sweep's verdicts (and those of withdrawn pages)
        for page in pages:
            for url in links[page.draft_id]:
                result = results[url]
                counts[result.state] = counts.get(result.state, 0) + 1
                s.add(PageLink(sweep_id=sweep_id, draft_id=page.draft_id, revision=page.revision, url=url,
                               state=result.state, final_url=result.final_url, reason=result.reason,
                               checked_at=now))
        sweep = s.get(LinkSweep, sweep_id)
        sweep.finished_at = now
        sweep.pages, sweep.links = len(pages), len(results)
        sweep.dead, sweep.moved, sweep.skipped = counts[DEAD], counts[MOVED], counts[SKIPPED]
        summary = SweepSummary(sweep_id=sweep_id, pages=len(pages), links=len(results), dead=counts[DEAD],
                               moved=counts[MOVED], skipped=counts[SKIPPED], max_dead=max_dead)
        if summary.over_threshold:
            admins = [u.id for u in users_with_roles(s, ["admin"])]
            notify(s, admins, draft_id=None, kind="links_dead", now=now,
                   message=f"全站链接巡检发现 {summary.dead} 处死链（阈值 {max_dead}），"
                           f"另有 {summary.moved} 处已跳转；请运行 sanshen monitor links 查看")
    return summary

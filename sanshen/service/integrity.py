"""The integrity monitor and restore, as the CLI and the API call them (flows/integrity.py does the work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows import integrity
from review.refusals import InvalidInput, NotPermitted
from sanshen.service.site import site_of
from sanshen.service.views import IntegrityProblemView, IntegrityView, RestoreView, UserView

if TYPE_CHECKING:
    from sanshen.service.context import AppContext


def fetcher(ctx: "AppContext") -> integrity.HttpFetch | None:
    """Reads the public web site when SANSHEN_SITE_URL is set."""
    url = ctx.settings.site_url
    return integrity.http_fetcher(url) if url else None


def view(report: integrity.IntegrityReport) -> IntegrityView:
    return IntegrityView(ok=report.ok, checked=report.checked, over_http=report.over_http, problems=[
        IntegrityProblemView(kind=p.kind, label=p.label, path=p.path, draft_id=p.draft_id,
                             expected_sha256=p.expected, found_sha256=p.found, diff=p.diff)
        for p in report.problems])


def monitor(ctx: "AppContext") -> IntegrityView:
    """Check the published site now; problems alert the admins and are audited (once per set)."""
    return view(integrity.monitor(ctx.engine, site_of(ctx.settings), now=ctx.clock(), fetch=fetcher(ctx)))


def restore(ctx: "AppContext", actor: UserView, target: str) -> RestoreView:
    """Write back the signed version of what ``target`` (draft id, site path or ``all``) names."""
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以恢复已发布的文件")
    target = target.strip()
    if not target:
        raise InvalidInput("bad_target", "请写明要恢复的稿件号、站点路径或 all")
    site = site_of(ctx.settings)
    fetch = fetcher(ctx)
    try:
        report = integrity.check(ctx.engine, site, fetch=fetch)
    finally:
        if fetch is not None:
            fetch.close()
    if not any(integrity.matches(p, target) for p in report.problems):
        raise InvalidInput("nothing_to_restore", f"“{target}”与签发版本一致，无需恢复")
    from sanshen.service.audit import latest_checkpoint

    done = integrity.restore(ctx.engine, site, report, target, actor=actor.name, now=ctx.clock(),
                             checkpoint=latest_checkpoint(ctx))
    return RestoreView(target=target, rewritten=list(done.rewritten), removed=list(done.removed),
                       manifest_fixed=list(done.manifest_fixed))

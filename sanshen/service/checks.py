"""The automated pass of drafts waiting for it (检查中), run in this process.

``sanshen serve`` and ``sanshen worker`` run ``check`` outbox items in their dispatcher. A one-shot
process (the CLI's ``submit`` and ``revise``) has no reason to return before the pass is done: it
claims its own item and runs it here, through the same code as the worker (flows/draftcheck.py),
with the same lease, so a worker never runs it at the same time; if a worker already holds it, the
CLI waits for the draft to leave 检查中.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import TYPE_CHECKING

from flows.dispatcher import DispatcherConfig, backoff
from flows.draftcheck import run_check
from lexicon.vocabulary import DraftStatus
from sanshen.service.draft_pass import TimedPass, current_pass
from storage import outbox
from storage.clock import pause
from storage.db import transaction
from storage.models import Draft

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

LEASE = DispatcherConfig.lease


def this_process() -> str:
    """The worker name of this process (the dispatcher's form: a restarted worker on this host
    releases a killed CLI's claim at once)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_pending(ctx: "AppContext", *, draft_id: int | None = None, revision: int | None = None) -> int:
    """Run the ready ``check`` items (those of one draft revision, or all) here; returns how many ran.
    A failed pass goes back to the outbox with the dispatcher's backoff and is raised."""
    key = f"check:{draft_id}:{revision}" if draft_id is not None else None
    ran = 0
    while True:
        now = ctx.clock()
        items = outbox.claim(ctx.engine, worker=this_process(), now=now, lease=LEASE, limit=1, key=key,
                             kind="check")
        if not items:
            return ran
        item = items[0]
        try:
            run_check(ctx.engine, lambda: _draft_pass(ctx), ctx.workflows,
                      draft_id=int(item.payload["draft_id"]), revision=int(item.payload["revision"]), now=now,
                      link_check=ctx.settings.link_check)
        except Exception as exc:
            outbox.fail(ctx.engine, item.id, error=f"{type(exc).__name__}: {exc}", now=now,
                        retry_at=now + backoff(item.attempts, DispatcherConfig()))
            raise
        outbox.complete(ctx.engine, item.id, now=now)
        ran += 1
        if key is not None:
            return ran


def _draft_pass(ctx: "AppContext") -> TimedPass:
    return TimedPass(current_pass(ctx), ctx.observe_check)


def checking(ctx: "AppContext", draft_id: int) -> bool:
    with transaction(ctx.engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        return draft is not None and draft.status == DraftStatus.CHECKING


def wait_checked(ctx: "AppContext", draft_id: int, revision: int, *, max_seconds: float = 300.0,
                 stop: threading.Event | None = None) -> bool:
    """Run the pass of this revision here, or wait while a worker runs it; False if it is still
    检查中 after ``max_seconds`` (the worker is slow or down: the pass stays queued)."""
    run_pending(ctx, draft_id=draft_id, revision=revision)
    stop = stop or threading.Event()
    waited = 0.0
    step = 0.2
    while checking(ctx, draft_id):
        if waited >= max_seconds or pause(stop, step):
            return False
        waited += step
        run_pending(ctx, draft_id=draft_id, revision=revision)  # its lease ran out: the holder is gone
    return True


def settle(ctx: "AppContext", draft_id: int | None) -> bool:
    """If the draft is 检查中, run (or wait for) its pass; False if it is still checking afterwards."""
    if draft_id is None:
        return True
    with transaction(ctx.engine, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.status != DraftStatus.CHECKING:
            return True
        revision = draft.current_revision
    return wait_checked(ctx, draft_id, revision)

"""The automated pass over a stored revision, as the check and re-check flows ask for it: in this
process (``DraftPass``), or in a process pool (``PooledPass``: ``sanshen serve``)."""

from __future__ import annotations

import functools
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from checking.check import Checker
from checking.context import DraftMeta
from checking.draft import check_draft
from checking.located import DraftReport
from lexicon.loader import load_lexicon
from lexicon.model import LexiconOverride
from sanshen.checker import load_default_checker
from sanshen.service.attachment_text import stored_attachment_text
from storage.models import Attachment

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

T = TypeVar("T")


@dataclass(frozen=True)
class DraftPass:
    checker: Checker
    lexicon_revision: int | None = None  # the count of lexicon changes ``checker`` was built at (None: unknown)

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        texts = [stored_attachment_text(a.filename, a.data) for a in attachments]
        return check_draft(self.checker, title=title, body=body, attachments=texts, meta=meta)


@dataclass(frozen=True)
class LexiconPass:
    """A recipe for the automated pass under the admin's lexicon edits as they were read: it can be
    sent to another process (a Dask worker), which builds the checker once and keeps it."""

    overrides: tuple[LexiconOverride, ...]
    revision: int | None = None  # the count of lexicon changes when the edits were read

    def __call__(self) -> DraftPass:
        return DraftPass(_checker_with(self.overrides), self.revision)


@functools.lru_cache(maxsize=2)
def _checker_with(overrides: tuple[LexiconOverride, ...]) -> Checker:
    # one per worker process and lexicon state: building it takes seconds (typo model, matchers)
    lexicon = load_lexicon().with_overrides(list(overrides))
    base = load_default_checker()
    return base if base.version == lexicon.version else base.with_lexicon(lexicon)


@dataclass(frozen=True)
class TimedPass:
    """A pass whose seconds are told to ``observe`` (the web app's histogram of automated passes)."""

    inner: DraftPass | PooledPass
    observe: Callable[[float], None]

    @property
    def lexicon_revision(self) -> int | None:
        return self.inner.lexicon_revision

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        started = time.perf_counter()
        report = self.inner.check_revision(title, body, attachments, meta=meta)
        self.observe(time.perf_counter() - started)
        return report


@dataclass(frozen=True)
class StoredFile:
    """An attachment's name and bytes, sent to a pool process instead of the database row."""

    filename: str
    data: bytes


def _pass_in_child(recipe: LexiconPass, title: str, body: str, files: tuple[StoredFile, ...],
                   meta: DraftMeta) -> DraftReport:
    return recipe().check_revision(title, body, files, meta=meta)


def _warm(recipe: LexiconPass) -> str:
    return recipe().checker.version


class CheckPool:
    """One process (by default) that runs the automated pass for ``sanshen serve``: the CPU-heavy
    work never holds the web process's GIL. The process builds the checker once per lexicon state
    (``LexiconPass``); it is started with ``forkserver`` (no fork of a threaded server), and a pool
    whose process died is replaced (the item that was running fails and is retried by the outbox)."""

    def __init__(self, processes: int = 1) -> None:
        self._processes = processes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
                self._executor = ProcessPoolExecutor(self._processes, mp_context=multiprocessing.get_context(method))
            return self._executor

    def run(self, fn: Callable[..., T], *args: object) -> T:
        pool = self._pool()
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._executor is pool:
                    self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    def warm(self, recipe: LexiconPass) -> None:
        """Build the checker in the pool's process now, in the background (not at the first submission)."""
        self._pool().submit(_warm, recipe)

    def close(self) -> None:
        """Stop the pool's process at once (a pass in it writes nothing: its item is simply run again)."""
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # shutdown(wait=False) forgets the pool's manager thread, so a later shutdown(wait=True) would
        # not wait for it: joined here, or it may still be closing its pipe while the interpreter exits
        # (concurrent.futures' exit hook then writes to that pipe: "Bad file descriptor" on stderr).
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        if manager is not None:
            manager.join()


@dataclass(frozen=True)
class PooledPass:
    """The automated pass run in a :class:`CheckPool` process under the lexicon edits of ``recipe``."""

    pool: CheckPool
    recipe: LexiconPass

    @property
    def lexicon_revision(self) -> int | None:
        return self.recipe.revision

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        files = tuple(StoredFile(a.filename, a.data) for a in attachments)
        return self.pool.run(_pass_in_child, self.recipe, title, body, files, meta)


def current_pass(ctx: "AppContext") -> DraftPass:
    """The pass under the lexicon as the database has it now (the context's checker, rebuilt if some
    process changed the lexicon since), with the count of lexicon changes it was built at: a re-check
    compares it with the database's before it stores findings (flows/recheck.py)."""
    built = ctx.built_checker()
    return DraftPass(built.checker, built.lexicon_revision)

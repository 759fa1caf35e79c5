"""The site-wide re-check (存量信息排查): the automated pass run again over every published page
(after a lexicon change, or on demand), listing the pages that now have errors, per column.

The pages are read here, cut into chunks and checked in parallel: with Prefect, each chunk is a
task of the ``sanshen-site-sweep`` flow on a Dask cluster through Prefect's task runner
(``prefect-dask``: a LocalCluster of worker processes started for the run, or the scheduler at
``dask_address``); without it, one after another in this process. Chunks carry everything they
need (texts, attachment bytes, metadata) and a picklable recipe that builds the checker once per
worker process, so workers need no database. As each chunk comes back its pages are recorded and
the run's progress (``sitesweep.done`` of ``total``) moves, for the CLI's bar and the web page.
An error that was waived on the published revision (same rule, place and text) is not listed again.
The published pages' own findings are left as they were signed; only the sweep's rows are written.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select

from casestore.load import interpretation_of
from checking.context import DraftMeta
from checking.findings import Severity
from flows.published import published_pages
from flows.recheck import CheckerFactory, draft_meta
from lexicon.vocabulary import DraftKind
from storage.audit import append_event
from storage.db import transaction
from storage.models import Attachment, Draft, FindingRow, SiteSweep, SiteSweepPage, Waiver

log = logging.getLogger("sanshen.flows")
CHUNKS_PER_WORKER = 4  # small enough chunks that the progress moves and the workers stay even
MAX_CHUNK = 50


@dataclass(frozen=True)
class PageText:
    """One published page as the automated pass reads it, sent to a worker."""

    draft_id: int
    revision: int
    column: str
    title: str
    body: str
    attachments: tuple[tuple[str, bytes], ...]  # (file name, bytes)
    meta: DraftMeta


@dataclass(frozen=True)
class PageError:
    rule: str
    category: str
    text: str
    message: str
    part: str
    attachment: str | None
    page: int | None
    sheet: str | None
    label: str


@dataclass(frozen=True)
class PageVerdict:
    draft_id: int
    errors: tuple[PageError, ...]
    lexicon_version: str


@dataclass(frozen=True)
class DaskOptions:
    """Where the chunks run: the scheduler at ``address``, else a LocalCluster of ``workers``
    processes (0: one per CPU) started for the run."""

    address: str | None = None
    workers: int = 0


def check_pages(factory: CheckerFactory, pages: Sequence[PageText]) -> list[PageVerdict]:
    """The automated pass over ``pages`` (run in a worker): each page's error findings."""
    checker = factory()
    verdicts = []
    for page in pages:
        files = [Attachment(revision_id=0, filename=name, sha256="", size=len(data), data=data)
                 for name, data in page.attachments]
        report = checker.check_revision(page.title, page.body, files, meta=page.meta)
        errors = tuple(
            PageError(rule=f.finding.rule, category=str(f.finding.category), text=f.finding.text,
                      message=f.finding.message, part=str(f.location.part), attachment=f.location.attachment,
                      page=f.location.page, sheet=f.location.sheet, label=f.location.label)
            for f in report.findings if f.finding.severity == Severity.ERROR)
        verdicts.append(PageVerdict(page.draft_id, errors, report.lexicon_version))
    return verdicts


def read_pages(engine: Engine, *, column: str | None = None) -> list[PageText]:
    """Every published page (of ``column``) with its attachments and metadata."""
    pages = published_pages(engine, column=column)
    with transaction(engine, readonly=True) as s:
        result = []
        for page in pages:
            draft = s.get(Draft, page.draft_id)
            files = s.scalars(select(Attachment).where(Attachment.revision_id == page.revision_id)
                              .order_by(Attachment.id)).all()
            has_interpretation = draft.kind == DraftKind.POLICY and interpretation_of(s, draft.id) is not None
            result.append(PageText(draft_id=page.draft_id, revision=page.revision, column=page.column,
                                   title=page.title, body=page.body,
                                   attachments=tuple((a.filename, a.data) for a in files),
                                   meta=draft_meta(draft, has_interpretation=has_interpretation)))
        return result


def chunked(pages: Sequence[PageText], workers: int) -> list[list[PageText]]:
    size = max(1, min(MAX_CHUNK, math.ceil(len(pages) / max(1, workers * CHUNKS_PER_WORKER))))
    return [list(pages[i:i + size]) for i in range(0, len(pages), size)]


def _waived(engine: Engine, pages: Sequence[PageText]) -> set[tuple]:
    """(draft, rule, part, attachment, page, sheet, text) of every waived finding of the published revisions."""
    revisions = {(p.draft_id, p.revision) for p in pages}
    with transaction(engine, readonly=True) as s:
        rows = s.scalars(select(FindingRow).join(Waiver, Waiver.finding_id == FindingRow.id)
                         .where(FindingRow.draft_id.in_([d for d, _ in revisions]))).all()
        return {(f.draft_id, f.rule, f.part, f.attachment, f.page, f.sheet, f.text)
                for f in rows if (f.draft_id, f.revision) in revisions}


def start_sweep(engine: Engine, *, now: datetime, column: str | None = None, trigger: str = "manual",
                actor: str | None = None) -> int:
    """A new sweep row (progress 0 of 0 until the pages are counted); its id."""
    with transaction(engine) as s:
        sweep = SiteSweep(column=column, trigger=trigger, actor=actor, started_at=now)
        s.add(sweep)
        s.flush()
        return sweep.id


def restart_sweep(engine: Engine, sweep_id: int) -> None:
    """Clear what an earlier, interrupted try of this sweep recorded (a retried outbox item)."""
    with transaction(engine) as s:
        s.execute(delete(SiteSweepPage).where(SiteSweepPage.sweep_id == sweep_id))
        sweep = s.get(SiteSweep, sweep_id)
        sweep.total = sweep.done = sweep.pages_with_errors = 0
        sweep.error = sweep.finished_at = None


Runner = Callable[[list[list[PageText]], Callable[[list[PageVerdict]], None]], None]


def inline_runner(factory: CheckerFactory) -> Runner:
    """The chunks one after another in this process."""
    def run(chunks: list[list[PageText]], done: Callable[[list[PageVerdict]], None]) -> None:
        for chunk in chunks:
            done(check_pages(factory, chunk))
    return run


def dask_runner(factory: CheckerFactory, options: DaskOptions) -> Runner:
    """The chunks as tasks of a Prefect flow on Dask (call it under the Prefect API's settings)."""
    def run(chunks: list[list[PageText]], done: Callable[[list[PageVerdict]], None]) -> None:
        from prefect_dask import DaskTaskRunner

        from flows.sweep_task import SweepJob, handed_over, site_sweep

        logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger("distributed").level))
        if options.address:
            runner = DaskTaskRunner(address=options.address)
        else:
            runner = DaskTaskRunner(cluster_kwargs={
                "n_workers": options.workers or None, "threads_per_worker": 1, "processes": True,
                "dashboard_address": ":0", "silence_logs": logging.WARNING})
        with handed_over(SweepJob(factory, chunks, done)):
            site_sweep.with_options(task_runner=runner)(pages=sum(len(c) for c in chunks))
    return run


def sweep_site(engine: Engine, run: Runner, *, now: datetime, sweep_id: int | None = None,
               column: str | None = None, trigger: str = "manual", actor: str | None = None, workers: int = 1,
               progress: Callable[[int, int], None] | None = None, clock: Callable[[], datetime] | None = None) -> int:
    """Re-check every published page (of ``column``) with ``run``; returns the sweep's id. ``progress``
    hears (done, total) after each chunk; ``clock`` stamps the end (default: ``now``)."""
    if sweep_id is None:
        sweep_id = start_sweep(engine, now=now, column=column, trigger=trigger, actor=actor)
    else:
        restart_sweep(engine, sweep_id)
    try:
        pages = read_pages(engine, column=column)
        by_id = {p.draft_id: p for p in pages}
        waived = _waived(engine, pages)
        with transaction(engine) as s:
            s.get(SiteSweep, sweep_id).total = len(pages)
        if progress:
            progress(0, len(pages))

        def record(verdicts: list[PageVerdict]) -> None:
            with transaction(engine) as s:
                sweep = s.get(SiteSweep, sweep_id)
                for v in verdicts:
                    page = by_id[v.draft_id]
                    errors = [e for e in v.errors if (v.draft_id, e.rule, e.part, e.attachment, e.page, e.sheet,
                                                      e.text) not in waived]
                    sweep.lexicon_version = v.lexicon_version
                    if errors:
                        sweep.pages_with_errors += 1
                        s.add(SiteSweepPage(sweep_id=sweep_id, draft_id=page.draft_id, revision=page.revision,
                                            column=page.column, title=page.title, errors=len(errors),
                                            findings=[{"rule": e.rule, "category": e.category, "text": e.text,
                                                       "message": e.message, "location": e.label}
                                                      for e in errors]))
                sweep.done += len(verdicts)
                done, total = sweep.done, sweep.total
            if progress:
                progress(done, total)

        if pages:  # no cluster started for nothing
            run(chunked(pages, workers), record)
    except Exception as exc:
        with transaction(engine) as s:
            sweep = s.get(SiteSweep, sweep_id)
            sweep.error, sweep.finished_at = f"{type(exc).__name__}: {exc}"[:1000], (clock or (lambda: now))()
        raise
    with transaction(engine) as s:
        sweep = s.get(SiteSweep, sweep_id)
        sweep.finished_at = (clock or (lambda: now))()
        append_event(s, action="site.swept", actor=actor or "system", draft_id=None,
                     payload={"sweep": sweep_id, "trigger": trigger, "column": column, "pages": sweep.total,
                              "pages_with_errors": sweep.pages_with_errors,
                              "lexicon_version": sweep.lexicon_version}, at=sweep.finished_at)
    return sweep_id


"""The site sweep's Prefect flow and task, in their own module: Prefect is imported only when a
sweep runs on Dask. Prefect sends the flow (to restore the run's context in each worker) and
records its parameters at the API, so the flow takes only a job id; the job itself (the chunks and
the callback that records each chunk's verdicts) stays in this process, handed over in a
context variable. The chunks reach the workers as the tasks' own parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed

from flows.recheck import CheckerFactory
from flows.sitesweep import PageText, PageVerdict, check_pages


@task(name="sanshen-sweep-pages", cache_policy=NO_CACHE, persist_result=False)
def sweep_pages(factory: CheckerFactory, pages: Sequence[PageText]) -> list[PageVerdict]:
    return check_pages(factory, pages)


@dataclass(frozen=True)
class SweepJob:
    factory: CheckerFactory
    chunks: list[list[PageText]]
    done: Callable[[list[PageVerdict]], None]


_job: ContextVar[SweepJob | None] = ContextVar("sanshen_sweep_job", default=None)


@contextmanager
def handed_over(job: SweepJob) -> Iterator[None]:
    token = _job.set(job)
    try:
        yield
    finally:
        _job.reset(token)


def run_site_sweep(pages: int) -> int:
    """Check the job's chunks on the flow's task runner, recording each as it comes back;
    ``pages`` is for the record (Prefect's UI shows it)."""
    job = _job.get()
    if job is None:
        raise RuntimeError("site_sweep runs only through flows.sitesweep.dask_runner")
    futures = [sweep_pages.submit(job.factory, chunk) for chunk in job.chunks]
    for future in as_completed(futures):
        job.done(future.result())
    return pages


# The flow wraps a module-level function under another name, so that a copy of the flow (made by
# ``with_options``) pickles the function by reference and not with the context variable.
site_sweep = flow(name="sanshen-site-sweep", validate_parameters=False, log_prints=False,
                  persist_result=False)(run_site_sweep)

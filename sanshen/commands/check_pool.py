"""`sanshen check --batch --jobs N`: the batch checked by N processes, answers in input order.

Each worker is forked from the command's process after the checker is loaded, so it shares the
loaded lexicon and typo model (copy-on-write) instead of loading them again; every line is
produced by the same function as with one job, so the output is identical."""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from checking.findings import Category

if TYPE_CHECKING:
    from checking.check import Checker
    from sanshen.commands.check import BatchItem

CHUNK = 8  # items sent to a worker at once: fewer round trips, still balanced

# The checker of a forked worker process, set before the fork: the pool's workers inherit it
# (it is never pickled). Only this module's functions read it, and only in the workers.
_INHERITED: list["Checker"] = []


def batch_line(checker: "Checker", item: "BatchItem", only: Collection[Category] | None) -> tuple[str, bool]:
    """The JSON line of one batch item, and whether its report blocks."""
    from sanshen.commands.check import LineIndex, report_json

    report = checker.check(item.text, only=only)
    data = report_json(report, LineIndex(item.text))
    line = {"id": item.id, "findings": data["findings"], "lexicon_version": report.lexicon_version}
    return json.dumps(line, ensure_ascii=False), report.blocking


def _work(args: tuple["BatchItem", tuple[Category, ...] | None]) -> tuple[str, bool]:
    item, only = args
    return batch_line(_INHERITED[0], item, only)


def batch_lines(
    checker: "Checker", items: Sequence["BatchItem"], only: Collection[Category] | None, jobs: int
) -> Iterator[tuple[str, bool]]:
    """The lines of ``items`` in input order, checked by ``jobs`` processes (1: in this one)."""
    wanted = None if only is None else tuple(only)
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield batch_line(checker, item, wanted)
        return
    _INHERITED[:] = [checker]
    # The loaded lexicon and typo model out of the collector's reach before the fork: a worker's
    # collections would otherwise walk them and copy every page they touch (copy-on-write).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context) as pool:
            yield from pool.map(_work, ((item, wanted) for item in items), chunksize=CHUNK)
    finally:
        gc.unfreeze()
        _INHERITED.clear()

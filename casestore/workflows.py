"""The workflow definitions drafts are pinned to (docs/architecture.md §2: each draft runs under the
version it started with).

Every definition a process starts with is stored once in ``workflowversion`` (its TOML
text, keyed by its version: declared version + hash of the text). A draft names its
version; :class:`WorkflowVersions` parses each stored text once per process and hands
out the definition a draft's case is acted on and published under.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from review.workflow import WorkflowDef, load_workflow
from storage.db import transaction
from storage.dialect import DbFailure, dialect_for
from storage.models import Draft, WorkflowVersion

log = logging.getLogger("sanshen.casestore")

Adjust = Callable[[WorkflowDef], WorkflowDef]


def register_workflow(engine: Engine, wf: WorkflowDef, text: str, *, now: datetime) -> bool:
    """Store this definition's text under its version, once; False if it was stored already."""
    try:
        with transaction(engine) as session:
            if session.get(WorkflowVersion, wf.version) is not None:
                return False
            session.add(WorkflowVersion(version=wf.version, name=wf.name, toml=text, created_at=now))
    except IntegrityError as exc:
        if dialect_for(engine).classify(exc) is not DbFailure.UNIQUE_VIOLATION:
            raise
        return False  # another process registered it at the same moment
    return True


_VERSIONS = select(WorkflowVersion.version).order_by(WorkflowVersion.created_at)  # built once


class WorkflowVersions:
    """Parsed definitions by version, each built once; ``current`` is the one new drafts start under.

    ``adjust`` applies the installation's settings (e.g. the urgent end-to-end deadline) to a
    definition read back from the database, as they were applied to ``current``.
    """

    def __init__(self, current: WorkflowDef, *, adjust: Adjust | None = None) -> None:
        self.current = current
        self._adjust = adjust
        self._parsed: dict[str, WorkflowDef] = {current.version: current}
        self._lock = threading.Lock()

    def get(self, session: Session, version: str) -> WorkflowDef:
        """The definition stored under ``version``; the current one if none is (drafts older than
        the version table)."""
        found = self._parsed.get(version)
        if found is not None:
            return found
        row = session.get(WorkflowVersion, version)
        if row is None:
            log.warning("workflow version %s is not stored; using the current %s", version, self.current.version)
            return self.current
        parsed = load_workflow(row.toml, f"workflowversion {version}")
        if self._adjust is not None:
            parsed = self._adjust(parsed)
        with self._lock:
            return self._parsed.setdefault(version, parsed)

    def of(self, session: Session, draft: Draft) -> WorkflowDef:
        """The definition this draft runs under."""
        return self.get(session, draft.workflow_version)

    def in_use(self, session: Session) -> tuple[WorkflowDef, ...]:
        """Every stored definition (and the current one), current first."""
        versions = session.scalars(_VERSIONS).all()
        others = [self.get(session, v) for v in versions if v != self.current.version]
        return (self.current, *others)

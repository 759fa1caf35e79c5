"""Where a draft stands in its workflow, derived from the sign-offs on the current content hash.

Nothing here is stored: a stage is done when it has ``quorum`` distinct signers on the
current hash, and the current step is the first step with a stage that is not done.
"""

from __future__ import annotations

from lexicon.vocabulary import DraftStatus
from review.case import Case
from review.workflow import StageDef, WorkflowDef


def signers_by_stage(case: Case) -> dict[str, frozenset[str]]:
    users: dict[str, set[str]] = {}
    for s in case.current_signoffs():
        users.setdefault(s.stage, set()).add(s.user)
    return {stage: frozenset(names) for stage, names in users.items()}


def stage_done(stage: StageDef, signers: dict[str, frozenset[str]]) -> bool:
    return len(signers.get(stage.name, ())) >= stage.quorum


def current_step(wf: WorkflowDef, case: Case) -> int | None:
    """Index into ``wf.steps()`` of the first step not done on the current hash; None when all are."""
    signers = signers_by_stage(case)
    for i, step in enumerate(wf.steps()):
        if not all(stage_done(s, signers) for s in step):
            return i
    return None


def all_done(wf: WorkflowDef, case: Case) -> bool:
    return current_step(wf, case) is None


def open_stages(wf: WorkflowDef, case: Case) -> list[StageDef]:
    """Stages of the current step still short of quorum on the current hash (none unless in review)."""
    if case.status != DraftStatus.IN_REVIEW:
        return []
    index = current_step(wf, case)
    if index is None:
        return []
    signers = signers_by_stage(case)
    return [s for s in wf.steps()[index] if not stage_done(s, signers)]


def pending_text(wf: WorkflowDef, case: Case) -> str:
    """一校 / 复审、保密审查 / the status: what waits now, for messages."""
    if case.status != DraftStatus.IN_REVIEW:
        return case.status.label
    stages = open_stages(wf, case)
    return "、".join(s.name for s in stages) if stages else "无"

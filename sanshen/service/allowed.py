"""What the acting user may do on a draft now, decided by the review rules themselves: each
transition is tried on the case and its refusal (or not) is the answer. Nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import Field

from review import transitions
from review.case import Actor, Case
from review.refusals import Refused
from review.workflow import WorkflowDef
from sanshen.service.viewmodel import View

# Stands in for the comment or reason a person would type: the rules only ask that there is one.
_SOME_TEXT = "—"


class Allowed(View):
    can_sign: tuple[str, ...] = Field(description="当前用户现在可以签批的环节")
    can_waive: tuple[int, ...] = Field(description="当前用户现在可以豁免的问题编号（当前修订）")
    can_return: bool
    return_to: tuple[str, ...] = Field(description="退回时可以退回到的环节（退回作者之外）")
    can_revise: bool
    can_withdraw: bool


def _permits(attempt: Callable[[], object]) -> bool:
    try:
        attempt()
    except Refused:
        return False
    return True


def allowed_actions(wf: WorkflowDef, case: Case, actor: Actor, *, now: datetime) -> Allowed:
    human = [s.name for s in wf.stages if s.human]
    can_return = _permits(lambda: transitions.return_draft(wf, case, actor, comment=_SOME_TEXT, to_stage=None,
                                                           now=now))
    return Allowed(
        can_sign=tuple(
            s.name for s in transitions.open_stages(wf, case)
            if _permits(lambda s=s: transitions.sign(wf, case, actor, stage=s.name, expect_hash=None,
                                                     comment="", now=now))
        ),
        can_waive=tuple(
            f.id for f in case.findings
            if not f.waived and _permits(lambda f=f: transitions.waive(wf, case, actor, finding_id=f.id,
                                                                       reason=_SOME_TEXT, now=now))
        ),
        can_return=can_return,
        return_to=tuple(
            name for name in human
            if can_return and _permits(lambda name=name: transitions.return_draft(
                wf, case, actor, comment=_SOME_TEXT, to_stage=name, now=now))
        ),
        can_revise=_permits(lambda: transitions.revise(wf, case, actor, revision=case.revision + 1,
                                                       content_hash="", comment=_SOME_TEXT, now=now)),
        can_withdraw=_permits(lambda: transitions.withdraw(wf, case, actor, reason=_SOME_TEXT, now=now)),
    )

"""Who may comment on a passage, suggest an edit (留痕), and accept or reject a suggested edit.

Pure rules over a ``Case``, like ``review.transitions``: they answer with the stage the person
acts for (or None) or raise a refusal with a Chinese message.
"""

from __future__ import annotations

from lexicon.vocabulary import DraftStatus
from review.case import Actor, Case
from review.progress import open_stages
from review.refusals import Conflict, NotPermitted
from review.workflow import WorkflowDef

_LIVE = (DraftStatus.IN_REVIEW, DraftStatus.RETURNED, DraftStatus.APPROVED)


def _acting_stage(wf: WorkflowDef, case: Case, actor: Actor) -> str | None:
    """The open stage this person holds a role of, if any (for the record of who spoke as what)."""
    return next((s.name for s in open_stages(wf, case) if s.roles & actor.roles), None)


def _takes_part(wf: WorkflowDef, actor: Actor) -> bool:
    return any(s.roles & actor.roles for s in wf.stages if s.human)


def may_comment(wf: WorkflowDef, case: Case, actor: Actor) -> str | None:
    """The author, anyone who holds a role of a human stage, and admins comment while the draft is
    not yet published or withdrawn; returns the stage they act for."""
    if case.status not in _LIVE:
        raise Conflict("not_in_review", f"稿件{case.status.label}，不能再添加意见")
    if actor.name != case.author and not _takes_part(wf, actor) and "admin" not in actor.roles:
        raise NotPermitted("forbidden", "只有作者、参与审核的人员和管理员可以对稿件发表意见")
    return _acting_stage(wf, case, actor)


def may_suggest(wf: WorkflowDef, case: Case, actor: Actor) -> str | None:
    """校对 and 审核 people (anyone holding a role of a human stage) suggest edits, not the author
    (who edits directly), while the draft is in review or returned."""
    if case.status not in (DraftStatus.IN_REVIEW, DraftStatus.RETURNED):
        raise Conflict("not_in_review", f"稿件{case.status.label}，不能再提出修改建议")
    if actor.name == case.author:
        raise NotPermitted("author_suggests", "作者可直接修改稿件，无需提出修改建议")
    if not _takes_part(wf, actor):
        raise NotPermitted("forbidden", "只有参与审核的校对、审核人员可以提出修改建议")
    return _acting_stage(wf, case, actor)


def may_decide(wf: WorkflowDef, case: Case, actor: Actor) -> None:
    """The author decides on suggested edits; so does a signer of an open stage the workflow names in
    ``suggestion_deciders``."""
    if case.status not in (DraftStatus.IN_REVIEW, DraftStatus.RETURNED):
        raise Conflict("not_in_review", f"稿件{case.status.label}，不能再采纳或拒绝修改建议")
    if actor.name == case.author:
        return
    deciders = [s for s in open_stages(wf, case) if s.name in wf.suggestion_deciders and s.roles & actor.roles]
    if not deciders:
        allowed = "、".join(f"“{n}”" for n in sorted(wf.suggestion_deciders))
        extra = f"或正在进行的{allowed}环节的签批人" if allowed else ""
        raise NotPermitted("not_author", f"只有作者（{case.author}）{extra}可以采纳或拒绝修改建议")

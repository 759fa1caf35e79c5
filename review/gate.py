"""The publication gate, and the error findings that stand in its way."""

from __future__ import annotations

from checking.categories import CATEGORY_LABELS
from checking.located import BODY
from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from review.case import Case, OpenFinding
from review.progress import signers_by_stage, stage_done
from review.workflow import StageDef, WorkflowDef, quoted_names


def unwaived_errors(case: Case) -> list[OpenFinding]:
    return [f for f in case.findings if f.finding.blocking and not f.waived]


def describe_finding(of: OpenFinding) -> str:
    where = "" if of.location == BODY else f"（{of.location.label}）"
    return f"#{of.id} {CATEGORY_LABELS[of.finding.category]}“{of.finding.text}”{where}"


def waivers_of(wf: WorkflowDef, category: str) -> list[StageDef]:
    """The stages whose signers may waive findings of this category."""
    return [s for s in wf.stages if category in s.waivable]


def publication_blockers(wf: WorkflowDef, case: Case) -> list[str]:
    """Why this draft may not publish now, in Chinese; [] means it may."""
    reasons = []
    if case.status == DraftStatus.WITHDRAWN:
        reasons.append("稿件已撤稿")
    elif case.status == DraftStatus.RETURNED:
        reasons.append("稿件已退回作者修改，等待新版本")
    signers = signers_by_stage(case)
    missing = [s for s in wf.stages if not stage_done(s, signers)]
    if missing:
        counts = "、".join(f"{s.name}（{len(signers.get(s.name, ()))}/{s.quorum}）" for s in missing)
        reasons.append(f"以下环节尚未在当前版本（哈希 {case.content_hash[:8]}…）上签批完成：{counts}")
    errors = unwaived_errors(case)
    if errors:
        listed = "；".join(describe_finding(f) for f in errors)
        reasons.append(f"有 {len(errors)} 个未处理的错误级问题：{listed}。请修改稿件，或由有权的环节说明理由后豁免")
    if not case.disclosure:
        reasons.append("未设置公开属性")
    elif case.disclosure != Disclosure.PUBLIC:
        reasons.append(f"公开属性为“{case.disclosure}”，只有“{Disclosure.PUBLIC}”的稿件可以在网站发布")
    if case.kind == DraftKind.POLICY:
        if case.interpretation is None:
            reasons.append("政策文件须与其政策解读同步审核、同步发布（三同步），尚未关联政策解读稿")
        else:
            interp = case.interpretation
            reasons.extend(f"政策解读（稿件 #{interp.draft_id}）：{r}" for r in publication_blockers(wf, interp))
    return reasons


def last_chance_errors(wf: WorkflowDef, case: Case, stage: StageDef) -> list[str]:
    """Unwaived error findings that no stage after ``stage`` could still waive, each with what to do.

    Completing ``stage`` with one of these outstanding would leave the draft unable to publish
    until a revision, so the sign-off that completes the stage is refused instead.
    """
    signers = signers_by_stage(case)
    here = wf.step_index(stage.name)
    to_come = [
        s
        for i, step in enumerate(wf.steps())
        if i >= here
        for s in step
        if s.name != stage.name and (i > here or not stage_done(s, signers))
    ]
    still_waivable = {c for s in to_come for c in s.waivable}
    problems = []
    for of in unwaived_errors(case):
        category = of.finding.category
        if category in still_waivable:
            continue
        if category in stage.waivable:
            how = "可由本环节说明理由后豁免"
        elif waivers := waivers_of(wf, category):
            how = f"只能由{quoted_names(s.name for s in waivers)}豁免，可退回到该环节"
        else:
            how = "本流程中不能豁免，须修改稿件"
        problems.append(f"{describe_finding(of)}（{how}）")
    return problems

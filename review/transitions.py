"""The guarded transitions of a draft in review.

Each transition is pure: it reads a ``Case``, checks who may act, on which revision and in
which state, and returns the events it causes, or raises a refusal with a message a
person can act on. Nothing is written here; the caller stores the events.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from checking.categories import CATEGORY_LABELS
from disclosure.reply import ReplyRefused, decide_withholding
from lexicon.vocabulary import Disclosure, DraftKind, DraftStatus
from review.case import SYSTEM_USER, Actor, Case, SignOffRecord
from review.change import ChangeKind
from review.deadlines import due_at, overdue_stages
from review.events import (
    CheckCompleted,
    CheckQueued,
    DisclosureChanged,
    DraftApproved,
    DraftReturned,
    DraftWithdrawn,
    Event,
    FindingWaived,
    RevisionCreated,
    SignoffCarried,
    SignoffsVoided,
    StageClosed,
    StageOpened,
    StageSigned,
)
from review.gate import last_chance_errors, publication_blockers, waivers_of
from review.progress import (
    all_done,
    current_step,
    open_stages,
    pending_text,
    signers_by_stage,
    stage_done,
)
from review.refusals import Conflict, InvalidInput, NotPermitted
from review.workflow import StageDef, StageKind, WorkflowDef, quoted_names, role_label

__all__ = [
    "validate_submission", "start", "check_done", "open_stages", "sign", "return_draft", "revise", "waive",
    "withdraw", "publication_blockers", "due_at", "overdue_stages",
]

WITHDRAW_ROLE = "leader"
AUTO_COMMENT = "自动检查完成"
# StageClosed outcomes
DONE, RETURNED_OUTCOME, VOIDED = "done", "returned", "voided"

_MIN_HASH_PREFIX = 8


# --- submission ------------------------------------------------------------------------

def validate_submission(*, kind: str, disclosure: str | None, disclosure_reason: str | None,
                        title: str, body: str, disclosure_ground: str | None = None) -> None:
    """The rules a draft must meet before it enters review (公开属性 is decided at drafting)."""
    if not title.strip():
        raise InvalidInput("empty_title", "标题为空，无法提交")
    if not body.strip():
        raise InvalidInput("empty_body", "正文为空，无法提交")
    if DraftKind.of(kind) is None:
        raise InvalidInput("bad_kind", f"稿件类型“{kind}”无效，可选：{'、'.join(DraftKind)}")
    if not disclosure:
        raise Conflict("missing_disclosure", f"未设置公开属性，稿件不能进入审核：请选择{quoted_names(Disclosure)}之一")
    if Disclosure.of(disclosure) is None:
        raise InvalidInput("bad_disclosure", f"公开属性“{disclosure}”无效，可选：{'、'.join(Disclosure)}")
    if disclosure == Disclosure.WITHHELD and not (disclosure_reason or "").strip():
        raise Conflict("disclosure_reason_required", "公开属性为“不予公开”时必须说明理由（如涉及国家秘密、商业秘密或个人隐私）")
    validate_withholding(disclosure, disclosure_ground, disclosure_reason)


def validate_withholding(disclosure: str | None, ground: str | None, reason: str | None) -> None:
    """不予公开 needs a legal ground from the regulation's list and an explanation that says something;
    any other attribute takes no ground."""
    if disclosure != Disclosure.WITHHELD:
        if ground:
            raise InvalidInput("ground_not_applicable", f"公开属性为“{disclosure}”时不需要不予公开的法定依据")
        return
    try:
        decide_withholding(ground, reason)
    except ReplyRefused as exc:
        kind = Conflict if exc.code == "ground_required" else InvalidInput
        raise kind(exc.code, exc.message) from None


def start(wf: WorkflowDef, case: Case, *, now: datetime) -> list[Event]:
    """After submit or revise: the automated stages are signed by the system, the first human step opens."""
    _require_in_review(case, "开始审核")
    if case.current_signoffs() or case.stage_opened_at:
        raise Conflict("already_started", f"稿件第 {case.revision} 版已进入审核流程")
    events, started = _automated_stages(wf, case, now=now)
    return events + _opened(wf, started, open_stages(wf, started), now)


def check_done(wf: WorkflowDef, case: Case, *, revision: int, lexicon_version: str, findings: int, errors: int,
               now: datetime) -> list[Event]:
    """The automated pass of a revision waiting for it (检查中) is recorded: its review starts (the
    automated stages signed by the system, the first human step opened; a revision carrying kept
    sign-offs resumes where they leave it)."""
    if case.status != DraftStatus.CHECKING or case.revision != revision:
        raise Conflict("not_checking", f"稿件第 {revision} 版不在等待机器预审（稿件{case.status.label}，当前为第 {case.revision} 版）")
    done: list[Event] = [CheckCompleted(revision, case.content_hash, lexicon_version, findings, errors)]
    ready = replace(case, status=DraftStatus.IN_REVIEW)
    if ready.current_signoffs():
        return done + _restart(wf, ready, now=now)
    return done + start(wf, ready, now=now)


def _automated_stages(wf: WorkflowDef, case: Case, *, now: datetime) -> tuple[list[Event], Case]:
    """The automated stages before the first human one, signed by the system; the case after them."""
    events: list[Event] = []
    started = case
    for stage in wf.stages:
        if stage.human:
            break
        events += [
            StageOpened(stage.name, case.revision, (), now),
            StageSigned(stage.name, SYSTEM_USER, case.revision, case.content_hash, AUTO_COMMENT, now),
            StageClosed(stage.name, case.revision, DONE),
        ]
        started = _with_signoff(started, stage.name, SYSTEM_USER, now)
    return events, started


# --- signing ---------------------------------------------------------------------------

def sign(wf: WorkflowDef, case: Case, actor: Actor, *, stage: str | None, expect_hash: str | None,
         comment: str, now: datetime) -> list[Event]:
    """Approve one open stage for the current content hash; the last one approves the draft."""
    _require_in_review(case, "签批")
    if actor.name == case.author:
        raise NotPermitted("author_signs", "作者本人不能签批自己的稿件")
    if expect_hash is not None and not _hash_matches(case.content_hash, expect_hash):
        raise Conflict(
            "stale_hash", f"稿件内容已更新（当前版本哈希 {case.content_hash[:8]}…），请查看最新版本后再签批"
        )
    target = _stage_to_sign(wf, case, actor, stage)
    after = _with_signoff(case, target.name, actor.name, now)
    if len(signers_by_stage(after).get(target.name, ())) >= target.quorum:
        if problems := last_chance_errors(wf, case, target):
            raise Conflict(
                "blocking_findings",
                f"签批“{target.name}”后将没有环节能再处理以下错误级问题，请先处理：{'；'.join(problems)}",
            )
    events: list[Event] = [
        StageSigned(target.name, actor.name, case.revision, case.content_hash, comment, now),
        *_moved(wf, case, after, now, outcome=DONE),
    ]
    if all_done(wf, after):
        events.append(DraftApproved(case.revision, case.content_hash))
    return events


def _stage_to_sign(wf: WorkflowDef, case: Case, actor: Actor, name: str | None) -> StageDef:
    open_now = open_stages(wf, case)
    signers = signers_by_stage(case)
    if name is not None:
        target = wf.stage(name)
        if not target.human:
            raise Conflict("auto_stage", f"“{target.name}”由系统自动完成，不能人工签批")
        if target not in open_now:
            raise _not_open(wf, case, target)
        if problem := _why_not(wf, case, actor, target):
            raise problem
        candidates = [target]
    else:
        candidates = _eligible(wf, case, actor, open_now)
    unsigned = [s for s in candidates if actor.name not in signers.get(s.name, ())]
    if not unsigned:
        stage = candidates[0]
        raise Conflict(
            "already_signed",
            f"您已签批过本版本的“{stage.name}”，该环节还需其他人签批"
            f"（{len(signers.get(stage.name, ()))}/{stage.quorum}）",
        )
    if len(unsigned) > 1:
        raise Conflict(
            "ambiguous_stage", f"您可以签批多个待办环节：{'、'.join(s.name for s in unsigned)}，请指定要签批的环节"
        )
    return unsigned[0]


def _not_open(wf: WorkflowDef, case: Case, stage: StageDef) -> Conflict:
    if stage_done(stage, signers_by_stage(case)):
        return Conflict(
            "stage_done", f"“{stage.name}”已在当前版本上签批完成，当前待办环节为：{pending_text(wf, case)}"
        )
    return Conflict("stage_not_open", f"“{stage.name}”尚未到达，当前待办环节为：{pending_text(wf, case)}")


# --- returning and revising ------------------------------------------------------------

def return_draft(wf: WorkflowDef, case: Case, actor: Actor, *, comment: str, to_stage: str | None,
                 now: datetime) -> list[Event]:
    """Send the draft back to its author (no ``to_stage``) or to an earlier or the current stage."""
    _require_in_review(case, "退回")
    if actor.name == case.author:
        raise NotPermitted("author_signs", "作者本人不能退回自己的稿件；如需修改，请直接提交新版本")
    comment = _required(comment, "退回时必须填写理由，说明需要修改之处")
    from_stage = _eligible(wf, case, actor, open_stages(wf, case))[0]
    if to_stage is None:
        after = replace(case, status=DraftStatus.RETURNED)
        return [
            DraftReturned(actor.name, from_stage.name, None, comment),
            *_moved(wf, case, after, now, outcome=RETURNED_OUTCOME),
        ]
    target = wf.stage(to_stage)
    if not target.human:
        raise Conflict("auto_stage", f"“{target.name}”由系统自动完成，不能退回到该环节；如需重新检查，请退回作者修改")
    there = wf.step_index(target.name)
    if there > current_step(wf, case):
        raise Conflict(
            "return_forward",
            f"只能退回到当前或之前的环节，“{target.name}”尚未到达（当前待办环节为：{pending_text(wf, case)}）",
        )
    later = [s.name for step in wf.steps()[there + 1:] for s in step]
    signed = signers_by_stage(case)
    voided = tuple(n for n in (target.name, *later) if n in signed)
    dropped = tuple(s for s in case.current_signoffs() if s.stage in voided)
    after = replace(
        case,
        signoffs=tuple(s for s in case.signoffs if s not in dropped),
        voided_signoffs=case.voided_signoffs + dropped,
    )
    events: list[Event] = [DraftReturned(actor.name, from_stage.name, target.name, comment)]
    if voided:
        events.append(SignoffsVoided(case.revision, voided))
    return events + _moved(wf, case, after, now, outcome=RETURNED_OUTCOME, reopen=frozenset({target.name}))


def revise(wf: WorkflowDef, case: Case, actor: Actor, *, revision: int, content_hash: str, comment: str,
           now: datetime, change: ChangeKind = ChangeKind.CONTENT, decider: bool = False,
           check_first: bool = False) -> list[Event]:
    """A new revision: every earlier sign-off is voided and review restarts at the first human stage
    not done; the sign-offs of the stages the workflow keeps for this kind of ``change`` (none by
    default) are carried onto the new hash. ``decider``: the actor accepts a suggested edit as a
    stage the workflow lets decide (``review.remarks.may_decide`` said so), not as the author.
    ``check_first``: the revision waits for its automated pass (检查中) and its review starts with
    :func:`check_done`."""
    if case.status == DraftStatus.WITHDRAWN:
        raise Conflict("withdrawn", "稿件已撤稿，不能再修改；如需重新发布，请提交新稿件")
    if actor.name != case.author and not decider:
        raise NotPermitted("not_author", f"只有作者本人（{case.author}）可以修改稿件")
    return _new_revision(wf, case, actor, revision=revision, content_hash=content_hash, comment=comment, now=now,
                         change=change, check_first=check_first)


# Who besides the author may re-decide a draft's 公开属性: admins, and the 信息公开 staff (a request
# can lead to an item being made 主动公开).
DISCLOSURE_ROLES = frozenset({"admin", "foia"})


def redecide_disclosure(wf: WorkflowDef, case: Case, actor: Actor, *, revision: int, content_hash: str,
                        after: str, ground: str | None, explanation: str | None, reason: str,
                        request_id: int | None, now: datetime, check_first: bool = False) -> list[Event]:
    """公开属性 changed with a reason: a new revision carrying it, reviewed from the first human stage
    again, so it is published (if 主动公开) only after every gate is passed anew."""
    if case.status == DraftStatus.WITHDRAWN:
        raise Conflict("withdrawn", "稿件已撤稿，不能再改变公开属性")
    if case.status == DraftStatus.PUBLISHED:
        raise Conflict("published", "稿件已发布（主动公开）；如不应公开，请由领导撤稿")
    if actor.name != case.author and not actor.roles & DISCLOSURE_ROLES:
        raise NotPermitted("forbidden", f"只有作者本人（{case.author}）、信息公开专员或管理员可以改变公开属性")
    if Disclosure.of(after) is None:
        raise InvalidInput("bad_disclosure", f"公开属性“{after}”无效，可选：{'、'.join(Disclosure)}")
    if after == case.disclosure:
        raise Conflict("no_change", f"稿件的公开属性已是“{after}”")
    validate_withholding(after, ground, explanation)
    changed = DisclosureChanged(actor.name, revision, case.disclosure, after, ground, reason, request_id)
    comment = f"公开属性由“{case.disclosure or '未设置'}”改为“{after}”：{reason}"
    return [changed, *_new_revision(wf, case, actor, revision=revision, content_hash=content_hash,
                                    comment=comment, now=now, check_first=check_first)]


def _new_revision(wf: WorkflowDef, case: Case, actor: Actor, *, revision: int, content_hash: str, comment: str,
                  now: datetime, change: ChangeKind = ChangeKind.CONTENT, check_first: bool = False) -> list[Event]:
    if revision != case.revision + 1:
        raise InvalidInput("bad_revision", f"新版本号应为 {case.revision + 1}，而不是 {revision}")
    if content_hash == case.content_hash:
        raise InvalidInput("unchanged", "内容没有变化，未生成新版本")
    if case.live and not comment.strip():
        raise InvalidInput("correction_note", "稿件已在网站发布，修改即为更正：须写更正说明（--comment），"
                                              "更正说明及更正时间将显示在网页上")
    events: list[Event] = [RevisionCreated(revision, content_hash, actor.name, comment)]
    order = {s.name: i for i, s in enumerate(wf.stages)}
    for rev in sorted({s.revision for s in case.signoffs}):
        stages = sorted({s.stage for s in case.signoffs if s.revision == rev}, key=lambda n: order.get(n, len(order)))
        events.append(SignoffsVoided(rev, tuple(stages)))
    events += [StageClosed(s.name, case.revision, VOIDED) for s in open_stages(wf, case)]
    carried = kept_signoffs(wf, case, change)
    events += [SignoffCarried(s.stage, s.user, s.revision, revision, content_hash, str(change), s.at) for s in carried]
    if check_first:
        return events + [CheckQueued(revision, content_hash)]
    fresh = replace(
        case,
        status=DraftStatus.IN_REVIEW,
        revision=revision,
        content_hash=content_hash,
        signoffs=(),
        voided_signoffs=case.voided_signoffs + case.signoffs,
        findings=(),
        stage_opened_at={},
    )
    if not carried:
        return events + start(wf, fresh, now=now)
    fresh = replace(fresh, signoffs=tuple(replace(s, revision=revision, content_hash=content_hash) for s in carried))
    return events + _restart(wf, fresh, now=now)


def kept_signoffs(wf: WorkflowDef, case: Case, change: ChangeKind) -> tuple[SignOffRecord, ...]:
    """The current sign-offs a revision making ``change`` keeps: of the stages the workflow names
    for that kind of change (human stages only; none by default)."""
    keep = wf.kept_by(str(change))
    if not keep:
        return ()
    return tuple(s for s in case.current_signoffs() if s.stage in keep and s.user != SYSTEM_USER)


def voided_by_revision(wf: WorkflowDef, case: Case, change: ChangeKind) -> tuple[SignOffRecord, ...]:
    """The current sign-offs by people that a revision making ``change`` would void (what the author
    is warned about before saving)."""
    kept = set(kept_signoffs(wf, case, change))
    return tuple(s for s in case.current_signoffs() if s not in kept and s.user != SYSTEM_USER)


def _restart(wf: WorkflowDef, case: Case, *, now: datetime) -> list[Event]:
    """Like ``start``, for a revision that carries kept sign-offs: automated stages, then what is open."""
    events, started = _automated_stages(wf, case, now=now)
    if all_done(wf, started):
        return events + [DraftApproved(case.revision, case.content_hash)]
    return events + _opened(wf, started, open_stages(wf, started), now)


# --- waiving and withdrawing -----------------------------------------------------------

def waive(wf: WorkflowDef, case: Case, actor: Actor, *, finding_id: int, reason: str,
          now: datetime) -> list[Event]:
    """Waive one finding of the current revision, by a signer of an open stage allowed to."""
    _require_in_review(case, "豁免问题")
    found = next((f for f in case.findings if f.id == finding_id), None)
    if found is None:
        raise InvalidInput("unknown_finding", f"稿件当前版本没有编号为 {finding_id} 的问题")
    if found.waived:
        raise Conflict("already_waived", f"问题 #{finding_id} 已被豁免")
    if actor.name == case.author:
        raise NotPermitted("author_signs", "作者本人不能豁免自己稿件中的问题；请修改稿件")
    reason = _required(reason, "豁免问题必须说明理由")
    acting = _eligible(wf, case, actor, open_stages(wf, case))
    category = found.finding.category
    allowed = [s for s in acting if category in s.waivable]
    if not allowed:
        label = CATEGORY_LABELS[category]
        waivers = waivers_of(wf, category)
        if not waivers:
            raise NotPermitted("not_waivable", f"“{label}”类问题在本流程中不能豁免，只能修改稿件")
        raise NotPermitted(
            "not_waivable",
            f"“{label}”类问题只能在{quoted_names(s.name for s in waivers)}环节豁免，"
            f"您当前可处理的环节为：{'、'.join(s.name for s in acting)}",
        )
    return [FindingWaived(finding_id, allowed[0].name, actor.name, reason)]


def withdraw(wf: WorkflowDef, case: Case, actor: Actor, *, reason: str, now: datetime) -> list[Event]:
    """撤稿: a draft with a page on the site, by a leader, with a reason. A correction of it still in
    review (or returned, or approved and not yet out) does not keep the live page up: the draft is
    withdrawn as a whole and its open stages are voided."""
    if case.status != DraftStatus.PUBLISHED and not case.live:
        raise Conflict("not_published", f"只有已发布的稿件才能撤稿（本稿件{case.status.label}）")
    if WITHDRAW_ROLE not in actor.roles:
        raise NotPermitted("not_leader", f"撤稿须由{role_label(WITHDRAW_ROLE)}签批")
    events: list[Event] = [DraftWithdrawn(actor.name, _required(reason, "撤稿必须说明理由"))]
    return events + [StageClosed(s.name, case.revision, VOIDED) for s in open_stages(wf, case)]


# --- shared guards and helpers ---------------------------------------------------------

def _require_in_review(case: Case, doing: str) -> None:
    if case.status == DraftStatus.IN_REVIEW:
        return
    if case.status == DraftStatus.CHECKING:
        raise Conflict("checking", f"稿件第 {case.revision} 版正在机器预审（检查中），检查完成后才能{doing}，请稍候刷新")
    if case.status == DraftStatus.RETURNED:
        raise Conflict("not_in_review", f"稿件已退回作者修改，等作者提交新版本后才能{doing}")
    raise Conflict("not_in_review", f"稿件{case.status.label}，不能{doing}")


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Conflict("reason_required", message)
    return text


def _hash_matches(current: str, expected: str) -> bool:
    expected = expected.strip().lower()
    return expected == current or (len(expected) >= _MIN_HASH_PREFIX and current.startswith(expected))


def _why_not(wf: WorkflowDef, case: Case, actor: Actor, stage: StageDef) -> NotPermitted | None:
    """Why this actor may not act for this stage (role, separation of duties), or None."""
    if not actor.roles & stage.roles:
        return NotPermitted(
            "missing_role",
            f"“{stage.name}”须由以下角色签批：{_roles_text(stage.roles)}；您的角色：{_roles_text(actor.roles)}",
        )
    signed = case.stages_signed_by(actor.name)
    order = [s.name for s in wf.stages]
    for group in wf.separated_from(stage.name):
        earlier = sorted((signed & group) - {stage.name}, key=order.index)
        if earlier:
            return NotPermitted(
                "separation",
                f"您已签批本稿件的“{earlier[0]}”，按{_principle(wf, group)}原则不能再签“{stage.name}”",
            )
    return None


def _eligible(wf: WorkflowDef, case: Case, actor: Actor, stages: list[StageDef]) -> list[StageDef]:
    """The stages among ``stages`` this actor may act for; refuses with the reason if there is none."""
    if not stages:
        raise Conflict("nothing_open", "稿件当前没有待办环节")
    eligible = [s for s in stages if _why_not(wf, case, actor, s) is None]
    if eligible:
        return eligible
    with_role = [s for s in stages if actor.roles & s.roles]
    if with_role:
        raise _why_not(wf, case, actor, with_role[0])  # type: ignore[misc]
    needed = frozenset().union(*(s.roles for s in stages))
    raise NotPermitted(
        "missing_role",
        f"当前待办环节为：{pending_text(wf, case)}，须由以下角色处理：{_roles_text(needed)}；"
        f"您的角色：{_roles_text(actor.roles)}",
    )


def _principle(wf: WorkflowDef, group: frozenset[str]) -> str:
    kinds = {wf.stage(name).kind for name in group}
    if kinds <= {StageKind.REVIEW, StageKind.SECRECY}:
        return "三审分离"
    if kinds == {StageKind.PROOFREAD}:
        return "三校分离"
    return "职责分离"


def _roles_text(roles: frozenset[str]) -> str:
    return "、".join(role_label(r) for r in sorted(roles)) or "无"


def _with_signoff(case: Case, stage: str, user: str, at: datetime) -> Case:
    record = SignOffRecord(stage, user, case.revision, case.content_hash, at)
    return replace(case, signoffs=case.signoffs + (record,))


def _opened(wf: WorkflowDef, case: Case, stages: list[StageDef], now: datetime) -> list[Event]:
    return [
        StageOpened(
            s.name, case.revision, tuple(sorted(s.roles)),
            due_at(wf, s, opened_at=now, urgent=case.urgent, deadline_at=case.deadline_at),
        )
        for s in stages
    ]


def _moved(wf: WorkflowDef, before: Case, after: Case, now: datetime, *, outcome: str,
           reopen: frozenset[str] = frozenset()) -> list[Event]:
    """StageClosed for stages no longer open (or reopened), StageOpened for stages newly open."""
    was = open_stages(wf, before)
    now_open = open_stages(wf, after)
    was_names = {s.name for s in was}
    now_names = {s.name for s in now_open}
    closed: list[Event] = [
        StageClosed(s.name, before.revision, outcome) for s in was if s.name not in now_names or s.name in reopen
    ]
    return closed + _opened(wf, after, [s for s in now_open if s.name not in was_names or s.name in reopen], now)

"""The cast as actors, and a desk that folds transition events into the next Case, as storage would."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from checking.findings import Category, Finding, Severity
from lexicon.vocabulary import DraftStatus
from review import events as ev
from review import transitions as t
from review.case import Actor, Case, OpenFinding, SignOffRecord
from review.deadlines import draft_deadline
from review.revision import content_hash
from review.workflow import WorkflowDef, default_workflow
from tests import cast

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def actor(name: str, *roles: str) -> Actor:
    """Someone outside the cast, holding these roles."""
    return Actor(name, frozenset(roles))


EDITOR = cast.actor("bian")
P1, P2, P3 = (cast.actor(f"jiao{i}") for i in (1, 2, 3))
R1, R2 = cast.actor("shen1"), cast.actor("shen2")
SEC = cast.actor("bao")
LEAD = cast.actor("ling")
LEAD2 = actor("ling2", "leader")  # the second signer where a workflow asks two leaders to sign 终审


def body_hash(text: str) -> str:
    """The content hash of a revision with this body and no title, attachments or metadata."""
    return content_hash("", text, (), {})


def finding(category: Category, text: str = "北朝鲜", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        rule=f"{category}.test", category=category, severity=severity, start=0, end=len(text),
        text=text, suggestion=None, message="测试问题",
    )


def fold(case: Case, events: list[ev.Event], at: datetime) -> Case:
    """The Case storage would load after writing these events."""
    opened = dict(case.stage_opened_at)
    for e in events:
        match e:
            case ev.StageOpened():
                opened[e.stage] = at
            case ev.StageClosed():
                opened.pop(e.stage, None)
            case ev.StageSigned():
                record = SignOffRecord(e.stage, e.user, e.revision, e.content_hash, e.at)
                case = replace(case, signoffs=case.signoffs + (record,))
            case ev.SignoffsVoided():
                gone = tuple(s for s in case.signoffs if s.revision <= e.revision and s.stage in e.stages)
                case = replace(
                    case,
                    signoffs=tuple(s for s in case.signoffs if s not in gone),
                    voided_signoffs=case.voided_signoffs + gone,
                )
            case ev.RevisionCreated():
                case = replace(case, revision=e.revision, content_hash=e.content_hash,
                               status=DraftStatus.IN_REVIEW, findings=())
                opened = {}
            case ev.DraftReturned() if e.to_stage is None:
                case = replace(case, status=DraftStatus.RETURNED)
            case ev.FindingWaived():
                case = replace(case, findings=tuple(
                    replace(f, waived=True) if f.id == e.finding_id else f for f in case.findings
                ))
            case ev.DraftApproved():
                case = replace(case, status=DraftStatus.APPROVED)
            case ev.DraftWithdrawn():
                case = replace(case, status=DraftStatus.WITHDRAWN)
    return replace(case, stage_opened_at=opened)


@dataclass
class Desk:
    """One draft moving through a workflow; every action keeps the events it returned."""

    wf: WorkflowDef
    case: Case
    now: datetime
    last: list[ev.Event]

    @classmethod
    def submit(cls, wf: WorkflowDef | None = None, *, kind: str = "news", disclosure: str | None = "主动公开",
               urgent: bool = False, findings: tuple[Finding, ...] = (), draft_id: int = 1,
               text: str = "正文第一版") -> Desk:
        wf = wf or default_workflow()
        case = Case(
            draft_id=draft_id, author=EDITOR.name, kind=kind, disclosure=disclosure, disclosure_reason=None,
            urgent=urgent, status=DraftStatus.IN_REVIEW, revision=1, content_hash=body_hash(text), submitted_at=T0,
            deadline_at=draft_deadline(wf, submitted_at=T0, urgent=urgent), signoffs=(),
            findings=tuple(OpenFinding(i, f, False) for i, f in enumerate(findings, 1)), stage_opened_at={},
        )
        events = t.start(wf, case, now=T0)
        return cls(wf, fold(case, events, T0), T0, events)

    def _apply(self, events: list[ev.Event]) -> list[ev.Event]:
        self.case = fold(self.case, events, self.now)
        self.last = events
        return events

    def tick(self, minutes: float = 5) -> None:
        self.now += timedelta(minutes=minutes)

    def open(self) -> list[str]:
        return [s.name for s in t.open_stages(self.wf, self.case)]

    def sign(self, who: Actor, stage: str | None = None, *, expect_hash: str | None = None) -> list[ev.Event]:
        self.tick()
        return self._apply(t.sign(self.wf, self.case, who, stage=stage, expect_hash=expect_hash,
                                  comment="同意", now=self.now))

    def walk(self, *stages: str) -> None:
        """Sign these stages, each by the cast member the workflow picks."""
        signer = dict(cast.signers(self.wf))
        for stage in stages:
            self.sign(cast.actor(signer[stage]), stage)

    def return_(self, who: Actor, to_stage: str | None = None, comment: str = "请修改") -> list[ev.Event]:
        self.tick()
        return self._apply(t.return_draft(self.wf, self.case, who, comment=comment, to_stage=to_stage, now=self.now))

    def revise(self, text: str, who: Actor = EDITOR, findings: tuple[Finding, ...] = ()) -> list[ev.Event]:
        self.tick()
        events = self._apply(t.revise(self.wf, self.case, who, revision=self.case.revision + 1,
                                      content_hash=body_hash(text), comment="已修改", now=self.now))
        self.case = replace(self.case, findings=tuple(OpenFinding(100 + i, f, False) for i, f in enumerate(findings)))
        return events

    def waive(self, who: Actor, finding_id: int, reason: str = "经核实为引用原文") -> list[ev.Event]:
        self.tick()
        return self._apply(t.waive(self.wf, self.case, who, finding_id=finding_id, reason=reason, now=self.now))

    def withdraw(self, who: Actor, reason: str = "信息有误") -> list[ev.Event]:
        self.tick()
        return self._apply(t.withdraw(self.wf, self.case, who, reason=reason, now=self.now))


def actions(events: list[ev.Event]) -> list[tuple]:
    """A compact view of events for assertions: (action, stage or user, outcome)."""
    out = []
    for e in events:
        match e:
            case ev.StageClosed():
                out.append((e.action, e.stage, e.outcome))
            case ev.StageOpened() | ev.StageSigned():
                out.append((e.action, e.stage))
            case ev.SignoffsVoided():
                out.append((e.action, e.revision, e.stages))
            case _:
                out.append((e.action,))
    return out

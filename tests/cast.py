"""The one cast of the test suite, and who of it signs which stage of a workflow.

Names are the pinyin of the post: 编辑 bian, 校对 jiao, 审核 shen, 保密 bao, 领导 ling, 管理 guan.
"""

from __future__ import annotations

from review.case import Actor
from review.workflow import WorkflowDef, default_workflow

PEOPLE: dict[str, tuple[str, ...]] = {
    "bian": ("editor",),
    "jiao1": ("proofreader",),
    "jiao2": ("proofreader",),
    "jiao3": ("proofreader",),
    "shen1": ("reviewer",),
    "shen2": ("reviewer",),
    "shen3": ("reviewer",),
    "bao": ("secrecy",),
    "ling": ("leader",),
    "guan": ("admin",),
}


def display(name: str) -> str:
    """The display name a member is added with (pages show it)."""
    return name.upper()


def actor(name: str) -> Actor:
    return Actor(name, frozenset(PEOPLE[name]))


def signers(workflow: WorkflowDef) -> tuple[tuple[str, str], ...]:
    """(stage, name) for every sign-off the workflow asks for, in order: each human stage gets as many
    members as its quorum, each holding one of its roles and none having signed a stage the workflow's
    separation rules keep apart from it (no one signs two 审 stages or two 校 passes of one draft)."""
    signed: dict[str, list[str]] = {}
    for stage in workflow.stages:
        if not stage.human:
            continue
        barred = {name for group in workflow.separated_from(stage.name) for other in group
                  for name in signed.get(other, ())}
        free = [name for name, roles in PEOPLE.items() if stage.roles & set(roles) and name not in barred]
        if len(free) < stage.quorum:
            raise ValueError(f"the cast has {len(free)} of the {stage.quorum} people “{stage.name}” needs")
        signed[stage.name] = free[:stage.quorum]
    return tuple((stage, name) for stage, names in signed.items() for name in names)


# The walk through the default workflow: 一校 jiao1, 初审 shen1, 二校 jiao2, 复审 shen2, 保密审查 bao,
# 三校 jiao3, 终审 ling.
SIGNERS = signers(default_workflow())

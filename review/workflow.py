"""Workflow definitions: the stages a draft passes, declared in TOML and validated on load.

A ``WorkflowDef`` is the definition only; the running state of one draft is a
``review.case.Case``. The TOML format is documented at the top of workflows/sanshen.toml.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import NoReturn

from checking.findings import Category
from review.refusals import InvalidInput


class StageKind(StrEnum):
    AUTO = "auto"
    PROOFREAD = "proofread"
    REVIEW = "review"
    SECRECY = "secrecy"


ROLE_LABELS: dict[str, str] = {
    "editor": "编辑",
    "proofreader": "校对",
    "reviewer": "审核人",
    "secrecy": "保密审查员",
    "leader": "领导",
    "admin": "管理员",
    "foia": "信息公开专员",
    "legal": "法律审核员",
}


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return f"{label}（{role}）" if label else role


def quoted_names(names) -> str:
    """“初审”、“复审” — how stage names are listed in messages."""
    return "、".join(f"“{n}”" for n in names)


@dataclass(frozen=True)
class StageDef:
    name: str
    label: str
    kind: StageKind
    roles: frozenset[str]
    quorum: int
    group: str | None  # consecutive stages with the same group run in parallel (复审 ∥ 保密审查)
    deadline: timedelta
    urgent_deadline: timedelta
    waivable: frozenset[str]  # finding categories a signer of this stage may waive
    escalate_to: frozenset[str]  # roles notified when overdue

    @property
    def human(self) -> bool:
        return self.kind is not StageKind.AUTO


@dataclass(frozen=True)
class WorkflowDef:
    name: str
    version: str  # declared version + short hash of the TOML text
    stages: tuple[StageDef, ...]
    separation: tuple[frozenset[str], ...]  # each set: stage names of which one person signs at most one per draft
    urgent_total: timedelta  # end-to-end deadline of an urgent draft
    # change kind (review.change.ChangeKind value) -> stages whose sign-offs a revision of that kind keeps
    keep_signoffs: tuple[tuple[str, frozenset[str]], ...] = ()
    suggestion_deciders: frozenset[str] = frozenset()  # stages whose signers may accept or reject 留痕 edits
    _steps: tuple[tuple[StageDef, ...], ...] = field(init=False, repr=False, compare=False)
    _step_of: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: list[tuple[StageDef, ...]] = []
        for stage in self.stages:
            if steps and stage.group is not None and steps[-1][-1].group == stage.group:
                steps[-1] = (*steps[-1], stage)
            else:
                steps.append((stage,))
        object.__setattr__(self, "_steps", tuple(steps))
        object.__setattr__(self, "_step_of", {s.name: i for i, step in enumerate(steps) for s in step})

    def steps(self) -> tuple[tuple[StageDef, ...], ...]:
        """The stages grouped into steps: one stage, or a parallel group signed in any order."""
        return self._steps

    def stage(self, name: str) -> StageDef:
        index = self._step_of.get(name)
        if index is None:
            known = quoted_names(s.name for s in self.stages if s.human)
            raise InvalidInput("unknown_stage", f"未知的环节：{name}（本流程的人工环节为：{known}）")
        return next(s for s in self._steps[index] if s.name == name)

    def step_index(self, name: str) -> int:
        self.stage(name)
        return self._step_of[name]

    def kept_by(self, change: str) -> frozenset[str]:
        """The stages whose sign-offs a revision making this kind of change keeps (none by default)."""
        return frozenset().union(*(stages for kind, stages in self.keep_signoffs if kind == change))

    def separated_from(self, name: str) -> tuple[frozenset[str], ...]:
        """The separation sets that contain this stage."""
        return tuple(s for s in self.separation if name in s)


class WorkflowError(ValueError):
    """A workflow definition that does not load; the message names the file and the key."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source = source
        self.key = key
        self.message = message
        super().__init__(f"{source}: {key}: {message}" if key else f"{source}: {message}")


_TOP_KEYS = ("name", "version", "urgent_total_hours", "separation", "stage", "keep_signoffs",
             "suggestion_deciders")
_CHANGE_KINDS = ("punctuation",)  # review.change.ChangeKind values a rule may name (content keeps nothing)
_STAGE_KEYS = (
    "name", "label", "kind", "roles", "quorum", "group",
    "deadline_hours", "urgent_deadline_hours", "waivable", "escalate_to",
)
_AUTO_STAGE_KEYS = ("name", "label", "kind")
_ROLE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = " (at end of document)"
_MISSING = object()


class _Reader:
    """Typed access to TOML tables; every failure names the source and the key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str | None, message: str) -> NoReturn:
        raise WorkflowError(self.source, key, message)

    def parse(self, text: str) -> dict:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            detail = str(exc)
            if detail.endswith(_AT_END):
                last = max(len(text.splitlines()), 1)
                self.fail(f"第 {last} 行", f"TOML 语法错误：{detail.removesuffix(_AT_END)}（文件在此结束）")
            where = _TOML_POSITION.search(detail)
            if where is None:
                self.fail(None, f"TOML 语法错误：{detail}")
            self.fail(f"第 {where[1]} 行", f"TOML 语法错误：{detail[: where.start()]}（第 {where[2]} 列）")

    def only_keys(self, table: dict, allowed: tuple[str, ...], path: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"，是否想写 {close[0]}？" if close else f"，可用的键：{'、'.join(allowed)}"
                self.fail(_join(path, key), f"未知的键{hint}")

    def _get(self, table: dict, key: str, path: str, default: object) -> object:
        if key in table:
            return table[key]
        if default is _MISSING:
            self.fail(_join(path, key), "缺少此项")
        return default

    def text(self, table: dict, key: str, path: str, *, default: object = _MISSING, max_len: int = 64) -> str:
        value = self._get(table, key, path, default)
        if value is default and default is not _MISSING:
            return value  # type: ignore[return-value]
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(path, key), "必须是非空字符串")
        if len(value) > max_len:
            self.fail(_join(path, key), f"不能超过 {max_len} 个字符")
        return value.strip()

    def positive_int(self, table: dict, key: str, path: str, *, default: int) -> int:
        value = self._get(table, key, path, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(_join(path, key), f"必须是正整数（现为 {value!r}）")
        return value

    def hours(self, table: dict, key: str, path: str, *, default: float) -> timedelta:
        value = self._get(table, key, path, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.fail(_join(path, key), f"必须是大于 0 的小时数（现为 {value!r}）")
        return timedelta(hours=value)

    def string_list(self, table: dict, key: str, path: str) -> list[tuple[str, str]]:
        """[(element path, value)] of a list of strings; absent means empty."""
        value = self._get(table, key, path, [])
        if not isinstance(value, list):
            self.fail(_join(path, key), "必须是字符串列表")
        items = []
        for i, item in enumerate(value, 1):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{_join(path, key)}[{i}]", "必须是非空字符串")
            items.append((f"{_join(path, key)}[{i}]", item.strip()))
        return items

    def roles(self, table: dict, key: str, path: str, *, required: bool) -> frozenset[str]:
        items = self.string_list(table, key, path)
        if required and not items:
            self.fail(_join(path, key), "不能为空，至少列出一个可签批的角色")
        for item_path, role in items:
            if not _ROLE.match(role):
                self.fail(item_path, f"角色名“{role}”无效：只能用小写字母、数字和下划线，以字母开头")
        return frozenset(role for _, role in items)

    def categories(self, table: dict, key: str, path: str) -> frozenset[str]:
        items = self.string_list(table, key, path)
        known = [str(c) for c in Category]
        for item_path, category in items:
            if category not in known:
                self.fail(item_path, f"未知的问题类别“{category}”，可选：{'、'.join(known)}")
        return frozenset(category for _, category in items)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _stage(r: _Reader, raw: object, path: str) -> StageDef:
    if not isinstance(raw, dict):
        r.fail(path, "必须是表（用 [[stage]] 定义）")
    r.only_keys(raw, _STAGE_KEYS, path)
    kind_text = r.text(raw, "kind", path)
    try:
        kind = StageKind(kind_text)
    except ValueError:
        r.fail(f"{path}.kind", f"未知的环节类型“{kind_text}”，可选：{'、'.join(k.value for k in StageKind)}")
    name = r.text(raw, "name", path, max_len=32)
    label = r.text(raw, "label", path, default=name)
    if kind is StageKind.AUTO:
        for key in raw:
            if key not in _AUTO_STAGE_KEYS:
                r.fail(f"{path}.{key}", "自动环节（kind = \"auto\"）由系统完成，不能设置此项")
        return StageDef(
            name=name, label=label, kind=kind, roles=frozenset(), quorum=1, group=None,
            deadline=timedelta(0), urgent_deadline=timedelta(0), waivable=frozenset(), escalate_to=frozenset(),
        )
    return StageDef(
        name=name,
        label=label,
        kind=kind,
        roles=r.roles(raw, "roles", path, required=True),
        quorum=r.positive_int(raw, "quorum", path, default=1),
        group=r.text(raw, "group", path, default=None),
        deadline=r.hours(raw, "deadline_hours", path, default=24),
        urgent_deadline=r.hours(raw, "urgent_deadline_hours", path, default=1),
        waivable=r.categories(raw, "waivable", path),
        escalate_to=r.roles(raw, "escalate_to", path, required=False),
    )


def _check_order(r: _Reader, stages: tuple[StageDef, ...]) -> None:
    seen: dict[str, int] = {}
    first_human: StageDef | None = None
    group_last: dict[str, int] = {}
    for i, stage in enumerate(stages, 1):
        path = f"stage[{i}]"
        if stage.name in seen:
            r.fail(f"{path}.name", f"环节名称“{stage.name}”与 stage[{seen[stage.name]}] 重复")
        seen[stage.name] = i
        if stage.human and first_human is None:
            first_human = stage
        if not stage.human and first_human is not None:
            r.fail(f"{path}.kind", f"自动环节必须排在所有人工环节之前（前面已有人工环节“{first_human.name}”）")
        if stage.group is not None:
            last = group_last.get(stage.group)
            if last is not None and last != i - 1:
                r.fail(
                    f"{path}.group",
                    f"并行组“{stage.group}”的环节必须相邻（stage[{last}] 与 stage[{i}] 之间隔着其他环节）",
                )
            group_last[stage.group] = i
    if first_human is None:
        r.fail("stage", "至少需要一个人工环节（kind 为 proofread、review 或 secrecy）")


def _separation(r: _Reader, raw: object, stages: tuple[StageDef, ...]) -> tuple[frozenset[str], ...]:
    if not isinstance(raw, list):
        r.fail("separation", "必须是环节名称列表的列表，如 [[\"初审\", \"复审\"]]")
    by_name = {s.name: s for s in stages}
    sets = []
    for i, names in enumerate(raw, 1):
        path = f"separation[{i}]"
        if not isinstance(names, list):
            r.fail(path, "必须是环节名称列表")
        members = set()
        for j, name in enumerate(names, 1):
            stage = by_name.get(name) if isinstance(name, str) else None
            if stage is None:
                r.fail(f"{path}[{j}]", f"未知的环节“{name}”，已定义的环节：{'、'.join(by_name)}")
            if not stage.human:
                r.fail(f"{path}[{j}]", f"“{name}”是自动环节，不参与职责分离")
            members.add(name)
        if len(members) < 2:
            r.fail(path, "至少要列出两个不同的环节")
        sets.append(frozenset(members))
    return tuple(sets)


def _keep_signoffs(r: _Reader, raw: object, stages: tuple[StageDef, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(raw, list):
        r.fail("keep_signoffs", "必须是表的列表，如 [{ change = \"punctuation\", stages = [\"一校\"] }]")
    human = {s.name for s in stages if s.human}
    rules = []
    for i, rule in enumerate(raw, 1):
        path = f"keep_signoffs[{i}]"
        if not isinstance(rule, dict):
            r.fail(path, "必须是表，如 { change = \"punctuation\", stages = [\"一校\"] }")
        r.only_keys(rule, ("change", "stages"), path)
        change = r.text(rule, "change", path)
        if change not in _CHANGE_KINDS:
            r.fail(f"{path}.change", f"未知的修改类型“{change}”，可选：{'、'.join(_CHANGE_KINDS)}")
        names = r.string_list(rule, "stages", path)
        if not names:
            r.fail(f"{path}.stages", "不能为空")
        for item_path, name in names:
            if name not in human:
                r.fail(item_path, f"未知的人工环节“{name}”，已定义的人工环节：{'、'.join(sorted(human))}")
        rules.append((change, frozenset(name for _, name in names)))
    return tuple(rules)


def _deciders(r: _Reader, data: dict, stages: tuple[StageDef, ...]) -> frozenset[str]:
    human = {s.name for s in stages if s.human}
    names = r.string_list(data, "suggestion_deciders", "")
    for item_path, name in names:
        if name not in human:
            r.fail(item_path, f"未知的人工环节“{name}”，已定义的人工环节：{'、'.join(sorted(human))}")
    return frozenset(name for _, name in names)


def load_workflow(text: str, source: str = "<string>") -> WorkflowDef:
    """Parse and validate a workflow definition; raises WorkflowError naming ``source`` and the key."""
    r = _Reader(source)
    data = r.parse(text)
    r.only_keys(data, _TOP_KEYS, "")
    name = r.text(data, "name", "")
    if isinstance(data.get("version"), int) and not isinstance(data["version"], bool):
        data["version"] = str(data["version"])
    version = r.text(data, "version", "", max_len=32)
    urgent_total = r.hours(data, "urgent_total_hours", "", default=5)
    raw_stages = data.get("stage")
    if not isinstance(raw_stages, list) or not raw_stages:
        r.fail("stage", "至少要用 [[stage]] 定义一个环节")
    stages = tuple(_stage(r, raw, f"stage[{i}]") for i, raw in enumerate(raw_stages, 1))
    _check_order(r, stages)
    separation = _separation(r, data.get("separation", []), stages)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return WorkflowDef(
        name=name, version=f"{version}+{digest}", stages=stages, separation=separation, urgent_total=urgent_total,
        keep_signoffs=_keep_signoffs(r, data.get("keep_signoffs", []), stages),
        suggestion_deciders=_deciders(r, data, stages),
    )


@cache
def default_workflow() -> WorkflowDef:
    """The default 三审三校 workflow shipped in review/workflows/sanshen.toml."""
    text = resources.files("review").joinpath("workflows/sanshen.toml").read_text(encoding="utf-8")
    return load_workflow(text, "sanshen.toml")

"""Workflow definitions: the default 三审三校 and the validation of workflow TOML."""

from __future__ import annotations

from datetime import timedelta

import pytest

from review.refusals import InvalidInput
from review.workflow import StageKind, WorkflowError, default_workflow, load_workflow


def test_default_workflow_stages_steps_and_roles():
    wf = default_workflow()
    assert wf.name == "三审三校"
    assert [[s.name for s in step] for step in wf.steps()] == [
        ["机器预审"], ["一校"], ["初审"], ["二校"], ["复审", "保密审查"], ["三校"], ["终审"],
    ]
    roles = {s.name: set(s.roles) for s in wf.stages}
    assert roles == {
        "机器预审": set(), "一校": {"proofreader"}, "初审": {"reviewer"}, "二校": {"proofreader"},
        "复审": {"reviewer"}, "保密审查": {"secrecy"}, "三校": {"proofreader"}, "终审": {"leader"},
    }
    assert wf.stage("机器预审").kind is StageKind.AUTO
    assert wf.stage("保密审查").kind is StageKind.SECRECY
    assert all(s.quorum == 1 for s in wf.stages)
    assert set(wf.separation) == {frozenset({"初审", "复审", "终审", "保密审查"}), frozenset({"一校", "二校", "三校"})}
    assert wf.urgent_total == timedelta(hours=5)


def test_default_workflow_deadlines_fit_the_urgent_budget():
    wf = default_workflow()
    longest_urgent_path = sum(
        (max(s.urgent_deadline for s in step) for step in wf.steps()), timedelta()
    )
    assert longest_urgent_path <= wf.urgent_total
    assert all(s.deadline >= timedelta(hours=24) for s in wf.stages if s.human)


def test_version_pins_the_declared_version_and_the_text():
    wf = default_workflow()
    declared, digest = wf.version.split("+")
    assert declared == "1" and len(digest) == 8
    same = load_workflow(MINIMAL)
    assert load_workflow(MINIMAL).version == same.version
    assert load_workflow(MINIMAL + "\n# edited\n").version != same.version
    assert load_workflow(MINIMAL.replace('version = "7"', "version = 7")).version.startswith("7+")


def test_unknown_stage_lookup_names_the_known_ones():
    with pytest.raises(InvalidInput) as info:
        default_workflow().stage("四审")
    assert info.value.code == "unknown_stage"
    assert "“终审”" in info.value.message


MINIMAL = """
name = "简易流程"
version = "7"

[[stage]]
name = "审核"
kind = "review"
roles = ["reviewer"]
"""


def test_a_minimal_workflow_takes_documented_defaults():
    wf = load_workflow(MINIMAL)
    (stage,) = wf.stages
    assert (stage.label, stage.quorum, stage.group) == ("审核", 1, None)
    assert (stage.deadline, stage.urgent_deadline) == (timedelta(hours=24), timedelta(hours=1))
    assert stage.waivable == frozenset() and stage.escalate_to == frozenset()
    assert wf.separation == ()


DEFAULT_TEXT = """
name = "三审三校"
version = "1"
separation = [["初审", "复审", "终审"], ["一校", "二校"]]

[[stage]]
name = "机器预审"
kind = "auto"

[[stage]]
name = "一校"
kind = "proofread"
roles = ["proofreader"]

[[stage]]
name = "初审"
kind = "review"
roles = ["reviewer"]
quorum = 1

[[stage]]
name = "二校"
kind = "proofread"
roles = ["proofreader"]

[[stage]]
name = "复审"
kind = "review"
roles = ["reviewer"]
group = "并行"

[[stage]]
name = "保密审查"
kind = "secrecy"
roles = ["secrecy"]
group = "并行"
waivable = ["secrecy"]

[[stage]]
name = "终审"
kind = "review"
roles = ["leader"]
"""


def error_of(text: str) -> str:
    with pytest.raises(WorkflowError) as info:
        load_workflow(text, "sanshen.toml")
    return str(info.value)


def test_the_test_text_itself_loads():
    assert len(load_workflow(DEFAULT_TEXT).steps()) == 6


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("quorum = 1", "quorum = 0", "sanshen.toml: stage[3].quorum: 必须是正整数"),
        ("quorum = 1", "quorum = true", "sanshen.toml: stage[3].quorum: 必须是正整数"),
        ("quorum = 1", "qourum = 1", "sanshen.toml: stage[3].qourum: 未知的键，是否想写 quorum？"),
        ('version = "1"', 'version = "1"\nowner = "x"', "sanshen.toml: owner: 未知的键"),
        ('name = "二校"', 'name = "一校"', "sanshen.toml: stage[4].name: 环节名称“一校”与 stage[2] 重复"),
        ('kind = "secrecy"', 'kind = "legal"', "sanshen.toml: stage[6].kind: 未知的环节类型“legal”"),
        ('roles = ["leader"]', "roles = []", "sanshen.toml: stage[7].roles: 不能为空"),
        ('roles = ["leader"]', 'roles = ["Leader!"]', "sanshen.toml: stage[7].roles[1]: 角色名“Leader!”无效"),
        ('waivable = ["secrecy"]', 'waivable = ["politics"]', "sanshen.toml: stage[6].waivable[1]: 未知的问题类别“politics”"),
        ('["一校", "二校"]', '["一校", "四校"]', "sanshen.toml: separation[2][2]: 未知的环节“四校”"),
        ('["一校", "二校"]', '["一校"]', "sanshen.toml: separation[2]: 至少要列出两个不同的环节"),
        ('["一校", "二校"]', '["机器预审", "一校"]', "sanshen.toml: separation[2][1]: “机器预审”是自动环节"),
        ('name = "三审三校"\n', "", "sanshen.toml: name: 缺少此项"),
        ('group = "并行"\nwaivable', 'group = "另一组"\nwaivable', None),
        ('name = "终审"', 'name = ""', "sanshen.toml: stage[7].name: 必须是非空字符串"),
        ('roles = ["proofreader"]\n\n[[stage]]\nname = "初审"', 'roles = ["proofreader"]\ndeadline_hours = -1\n\n[[stage]]\nname = "初审"',
         "sanshen.toml: stage[2].deadline_hours: 必须是大于 0 的小时数"),
    ],
)
def test_validation_errors_name_the_file_and_the_key(old, new, expected):
    assert old in DEFAULT_TEXT
    text = DEFAULT_TEXT.replace(old, new, 1)
    if expected is None:  # a change that is still valid
        assert load_workflow(text, "sanshen.toml")
        return
    assert error_of(text).startswith(expected)


def test_malformed_toml_names_the_line():
    text = DEFAULT_TEXT.replace('kind = "review"\nroles = ["leader"]', 'kind = "review"\nroles = ["leader"')
    message = error_of(text)
    line = text.splitlines().index('roles = ["leader"') + 1
    assert message.startswith(f"sanshen.toml: 第 {line} 行: TOML 语法错误")
    assert error_of("name = \n").startswith("sanshen.toml: 第 1 行: TOML 语法错误")


def test_no_human_stage():
    text = 'name = "x"\nversion = "1"\n[[stage]]\nname = "机器预审"\nkind = "auto"\n'
    assert error_of(text) == "sanshen.toml: stage: 至少需要一个人工环节（kind 为 proofread、review 或 secrecy）"
    assert error_of('name = "x"\nversion = "1"\n').startswith("sanshen.toml: stage: 至少要用 [[stage]] 定义一个环节")


def test_an_auto_stage_after_a_human_one():
    text = DEFAULT_TEXT + '\n[[stage]]\nname = "复检"\nkind = "auto"\n'
    assert error_of(text).startswith("sanshen.toml: stage[8].kind: 自动环节必须排在所有人工环节之前")


def test_an_auto_stage_takes_no_roles():
    text = DEFAULT_TEXT.replace('name = "机器预审"\nkind = "auto"', 'name = "机器预审"\nkind = "auto"\nroles = ["admin"]')
    assert error_of(text).startswith("sanshen.toml: stage[1].roles: 自动环节")


def test_a_parallel_group_must_be_contiguous():
    joined = DEFAULT_TEXT.replace('name = "终审"\nkind = "review"', 'name = "终审"\nkind = "review"\ngroup = "并行"')
    assert [s.name for s in load_workflow(joined).steps()[-1]] == ["复审", "保密审查", "终审"]
    split = DEFAULT_TEXT.replace('name = "一校"\nkind = "proofread"', 'name = "一校"\nkind = "proofread"\ngroup = "并行"')
    assert error_of(split) == (
        "sanshen.toml: stage[5].group: 并行组“并行”的环节必须相邻（stage[2] 与 stage[5] 之间隔着其他环节）"
    )


def test_the_source_defaults_to_a_placeholder():
    with pytest.raises(WorkflowError) as info:
        load_workflow("name = 1\nversion = '1'\n")
    assert str(info.value) == "<string>: name: 必须是非空字符串"
    assert info.value.key == "name" and info.value.source == "<string>"

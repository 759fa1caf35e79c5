"""`sanshen check`: linter output, --json, --only, --batch, exit codes and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanshen.cli import app

DRAFT = "各省(区、市)人民政府：\n认真布署工作，联系人张某，身份证号11010519491231002X。\n"


@pytest.fixture
def runner(monkeypatch, default_checker) -> CliRunner:
    # The command loads the default checker on every call; reuse one built once for the module.
    monkeypatch.setattr("sanshen.checker.load_default_checker", lambda allowed_domains=(): default_checker)
    return CliRunner()


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_linter_output_and_exit_code(runner, draft):
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{draft}:2:3: 错误 [typo/typo.known-pair] «布署» → 建议: 部署 错别字：常见错别字：应为“部署”" in lines
    assert any(line.startswith(f"{draft}:2:") and "«11010519491231002X» → 建议: 110105********002X" in line for line in lines)
    assert any(line.startswith(f"{draft}:1:3: 警告 [punctuation/") for line in lines)


def test_clean_text_exits_zero(runner, tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text("会议强调，要坚持以人民为中心的发展思想。\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_json_report_has_offsets_lines_and_version(runner, draft, default_checker):
    result = runner.invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["lexicon_version"] == default_checker.version and data["blocking"] is True
    for item in data["findings"]:
        assert DRAFT[item["start"] : item["end"]] == item["text"]
        assert {"rule", "category", "severity", "suggestion", "message", "line", "column"} <= item.keys()


def test_only_runs_the_named_categories(runner, draft):
    result = runner.invoke(app, ["check", str(draft), "--json", "--only", "pii"])
    categories = {f["category"] for f in json.loads(result.stdout)["findings"]}
    assert categories == {"pii"}
    result = runner.invoke(app, ["check", str(draft), "--only", "punctuation"])
    assert result.exit_code == 0


def test_unknown_category_is_bad_input(runner, draft):
    result = runner.invoke(app, ["check", str(draft), "--only", "pii,spelling"])
    assert result.exit_code == 2
    assert "未知的检查类别：spelling" in result.stderr


def test_stdin(runner):
    result = runner.invoke(app, ["check", "-"], input="北朝鲜宣布".encode("utf-8"))
    assert result.exit_code == 1
    assert result.stdout.startswith("<标准输入>:1:1: 错误 [banned/banned.term] «北朝鲜» → 建议: 朝鲜")


def test_batch(runner, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "北朝鲜"}\n\n{"id": 7, "text": "一切正常。"}\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--batch", str(path)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert [f["text"] for f in lines[0]["findings"]] == ["北朝鲜"]
    assert lines[1]["findings"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "好"}\n{"id": 2, "text": \n', "第 2 行不是有效的 JSON"),
        ('{"id": 1}\n', "第 1 行应为"),
        ('["id", "text"]\n', "第 1 行应为"),
    ],
)
def test_batch_bad_lines(runner, tmp_path, content, message):
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", "--batch", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_bad_input(runner, tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("北朝鲜".encode("gbk"))
    result = runner.invoke(app, ["check", str(gbk)])
    assert result.exit_code == 2 and "UTF-8" in result.stderr
    result = runner.invoke(app, ["check", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "找不到文件" in result.stderr
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2


def test_real_entry_point(draft):
    """The installed command, end to end, in a fresh process."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sanshen"), "check", str(draft), "--only", "typo"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "«布署» → 建议: 部署" in result.stdout

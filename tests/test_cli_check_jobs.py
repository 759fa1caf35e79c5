"""`sanshen check --batch --jobs N`: N processes, answers in input order, identical to one job."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bench.corpus import clean_sentences
from sanshen.cli import app


@pytest.fixture
def runner(monkeypatch, default_checker) -> CliRunner:
    monkeypatch.setattr("sanshen.checker.load_default_checker", lambda allowed_domains=(): default_checker)
    return CliRunner()


def _batch(tmp_path):
    sentences = list(clean_sentences())[:40]
    planted = ["北朝鲜宣布", "认真布署工作", "身份证号11010519491231002X", "机密★10年", "中华人民共合国"]
    records = [{"id": i, "text": s + (planted[i % 5] if i % 3 == 0 else "")} for i, s in enumerate(sentences)]
    records.append({"id": "last", "text": "一切正常。"})
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path, records


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_jobs_give_the_same_lines_in_the_same_order(runner, tmp_path, jobs):
    path, records = _batch(tmp_path)
    one = runner.invoke(app, ["check", "--batch", str(path)])
    many = runner.invoke(app, ["check", "--batch", str(path), "--jobs", jobs])
    assert one.exit_code == many.exit_code == 1
    assert many.stdout == one.stdout
    lines = [json.loads(line) for line in many.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    assert sum(bool(line["findings"]) for line in lines) >= 10


def test_jobs_exit_zero_when_nothing_blocks(runner, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "一切正常。"}\n{"id": 2, "text": "会议按时召开。"}\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--batch", str(path), "--jobs", "2"])
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 2]


@pytest.mark.parametrize(("args", "message"), [
    (["--jobs", "0"], "--jobs 应为 1 到 64 之间的整数"),
    (["--jobs", "65"], "--jobs 应为 1 到 64 之间的整数"),
])
def test_bad_jobs(runner, tmp_path, args, message):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "好"}\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--batch", str(path), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_jobs_need_a_batch(runner, tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("好。", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--jobs", "2"])
    assert result.exit_code == 2
    assert "--jobs 只能与 --batch 一起使用" in result.stderr

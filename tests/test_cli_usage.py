"""Usage errors of the command line (unknown command or option, missing or bad value) are said in
Chinese, with exit code 2; no database is needed to get one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanshen.cli import app

SANSHEN = str(Path(sys.executable).with_name("sanshen"))
ENGLISH = re.compile(r"Usage|Error|Missing|No such|Invalid|Got unexpected|requires|Try '")


CASES = [
    (["bogus"], "没有命令“bogus”"),
    (["user", "bogus"], "没有命令“bogus”"),
    (["user", "add"], "缺少参数 name"),
    (["user", "add", "li"], "缺少选项 --role"),
    (["user", "add", "li", "--role"], "选项 --role 需要一个值"),
    (["user", "add", "li", "--role", "editor", "extra"], "多余的参数：extra"),
    (["user", "list", "--bogus"], "没有选项 --bogus"),
    (["queue", "--json=1"], "选项 --json 不接受值"),
    (["show", "abc"], "参数 draft 的值无效：须为整数"),
    (["worker", "--lease", "0.5"], "选项 --lease 的值无效：须为不小于 1.0 的数字"),
]


@pytest.mark.parametrize(("args", "said"), CASES, ids=[" ".join(args) for args, _ in CASES])
def test_usage_errors_are_said_in_chinese(tmp_path, monkeypatch, args, said):
    monkeypatch.setenv("SANSHEN_HOME", str(tmp_path))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"错误：{said}" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_the_installed_command_says_them_in_chinese_on_stderr(tmp_path):
    done = subprocess.run([SANSHEN, "user", "add", "li"], capture_output=True, text=True, timeout=60,
                          env={"SANSHEN_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["错误：缺少选项 --role", "用法：sanshen user add [OPTIONS] {name}",
                                        "帮助：sanshen user add --help"]


def test_no_arguments_still_show_the_help():
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2 and "user" in result.output and "错误" not in result.output

"""Settings: each declared once, parsed by kind, refused in Chinese, shown masked, documented in the README."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from review.refusals import InvalidInput
from sanshen.cli import app
from sanshen.settings import Settings, readings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sanshen", "flows", "storage", "casestore", "review", "checking", "lexicon")
# The modules that may read the environment, and why; sanshen's own settings only in the first.
ENV_READERS = {
    "sanshen/settings.py": "every SANSHEN_* setting",
    "flows/prefect_runtime.py": "Prefect's own PREFECT_* configuration",
    "lexicon/typo_cache.py": "XDG_CACHE_HOME, the XDG base directory for caches",
    "storage/migrations/env.py": "SANSHEN_DB for the standalone `alembic` command (sanshen passes its connection)",
}
ENV_ACCESS = re.compile(r"\benviron\b|\bgetenv\b|\benvvar\s*=")


def shown(env: dict[str, str]) -> dict[str, object]:
    return {r.setting.variable: r.shown for r in readings(env)}


def test_each_kind_is_parsed_from_its_variable(tmp_path, monkeypatch):
    tmp_path = tmp_path.resolve()
    monkeypatch.setenv("HOME", str(tmp_path))
    s = Settings.from_env({
        "SANSHEN_HOME": "~/data", "SANSHEN_WORKFLOW": "flow.toml", "SANSHEN_URGENT_HOURS": "2.5",
        "SANSHEN_FAULT_PUBLISH_PAUSE": "0", "SANSHEN_SMTP_PORT": " 2525 ", "SANSHEN_LINK_CHECK": "OFF",
        "SANSHEN_LINK_CHECK_PRIVATE": "1", "SANSHEN_SECURE_COOKIES": "true", "SANSHEN_SMTP_STARTTLS": "yes",
        "SANSHEN_WEBHOOK_URL": "https://hooks.example.gov.cn/in", "SANSHEN_SMTP_HOST": "mail.local",
        "SANSHEN_SECRET_KEY": "k",
    })
    assert s.home == tmp_path / "data" and s.workflow_file == Path("flow.toml").resolve()
    assert s.db_url == f"sqlite:///{tmp_path / 'data' / 'sanshen.db'}"
    assert (s.urgent_deadline_hours, s.fault_publish_pause, s.smtp_port) == (2.5, 0.0, 2525)
    assert (s.link_check, s.link_check_private, s.secure_cookies, s.smtp_starttls) == (False, True, True, True)
    assert (s.webhook_url, s.smtp_host, s.secret_key) == ("https://hooks.example.gov.cn/in", "mail.local", "k")


def test_unset_or_empty_variables_give_the_declared_defaults(tmp_path):
    tmp_path = tmp_path.resolve()
    home = {"SANSHEN_HOME": str(tmp_path)}
    declared = Settings(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'sanshen.db'}")
    assert Settings.from_env(home) == declared
    assert Settings.from_env({**home, "SANSHEN_URGENT_HOURS": "", "SANSHEN_LINK_CHECK": ""}) == declared
    assert (declared.urgent_deadline_hours, declared.link_check, declared.smtp_port) == (5.0, True, 25)
    assert Settings.from_env({}).home == Path("data").resolve()


@pytest.mark.parametrize(("variable", "raw", "expected"), [
    ("SANSHEN_URGENT_HOURS", "abc", "应为正数"),
    ("SANSHEN_URGENT_HOURS", "0", "应为正数"),
    ("SANSHEN_URGENT_HOURS", "nan", "应为正数"),
    ("SANSHEN_FAULT_PUBLISH_PAUSE", "-1", "应为非负数"),
    ("SANSHEN_SMTP_PORT", "70000", "应为 1 到 65535 之间的整数"),
    ("SANSHEN_SMTP_PORT", "smtp", "应为 1 到 65535 之间的整数"),
    ("SANSHEN_LINK_CHECK", "maybe", "应为 1/true/yes/on 或 0/false/no/off"),
    ("SANSHEN_SECURE_COOKIES", "https", "应为 1/true/yes/on 或 0/false/no/off"),
    ("SANSHEN_WEBHOOK_URL", "hooks.example.gov.cn", "应为以 http:// 或 https:// 开头的网址"),
    ("SANSHEN_BASE_URL", "ftp://s.gov.cn", "应为以 http:// 或 https:// 开头的网址"),
])
def test_a_bad_value_is_refused_in_chinese_naming_the_variable(variable, raw, expected):
    with pytest.raises(InvalidInput) as refused:
        Settings.from_env({variable: raw})
    assert refused.value.message == f"环境变量 {variable} {expected}，而不是“{raw}”"


def test_secrets_and_the_database_password_are_masked():
    values = shown({"SANSHEN_TOKEN": "ss_abc", "SANSHEN_SECRET_KEY": "k", "SANSHEN_WEBHOOK_SECRET": "w",
                    "SANSHEN_SMTP_PASSWORD": "p",
                    "SANSHEN_DB": "postgresql+psycopg://app:s3cr%40t@db.local:5432/sanshen"})
    assert [values[v] for v in ("SANSHEN_TOKEN", "SANSHEN_SECRET_KEY", "SANSHEN_WEBHOOK_SECRET",
                                "SANSHEN_SMTP_PASSWORD")] == ["****"] * 4
    assert values["SANSHEN_DB"] == "postgresql+psycopg://app:****@db.local:5432/sanshen"
    for url in ("postgresql://app@db.local/sanshen", "sqlite:////srv/a:b@c.db"):  # no password
        assert shown({"SANSHEN_DB": url})["SANSHEN_DB"] == url
    assert shown({})["SANSHEN_TOKEN"] is None


def test_sanshen_config_json_shows_values_sources_and_help(tmp_path):
    tmp_path = tmp_path.resolve()
    env = {"SANSHEN_HOME": str(tmp_path), "SANSHEN_DB": None, "SANSHEN_TOKEN": "ss_secret",
           "SANSHEN_SMTP_PORT": "2525", "SANSHEN_LINK_CHECK": None, "SANSHEN_SMTP_PASSWORD": "pw"}
    result = CliRunner().invoke(app, ["config", "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert list(rows) == [r.setting.variable for r in readings({})]
    assert rows["SANSHEN_HOME"] == {"name": "SANSHEN_HOME", "value": str(tmp_path), "source": "env",
                                    "help": "数据目录"}
    assert rows["SANSHEN_DB"]["value"] == f"sqlite:///{tmp_path / 'sanshen.db'}"
    assert (rows["SANSHEN_DB"]["source"], rows["SANSHEN_LINK_CHECK"]["value"]) == ("default", True)
    assert (rows["SANSHEN_SMTP_PORT"]["value"], rows["SANSHEN_SMTP_PORT"]["source"]) == (2525, "env")
    assert rows["SANSHEN_TOKEN"]["value"] == rows["SANSHEN_SMTP_PASSWORD"]["value"] == "****"
    assert "ss_secret" not in result.stdout and "pw" not in result.stdout
    assert all(row["help"] for row in rows.values())


def test_sanshen_config_prints_a_line_per_setting_and_refuses_a_bad_value(tmp_path):
    tmp_path = tmp_path.resolve()
    runner = CliRunner()
    result = runner.invoke(app, ["config"], env={"SANSHEN_HOME": str(tmp_path), "SANSHEN_WEBHOOK_URL": None,
                                                 "SANSHEN_SECURE_COOKIES": "1"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert f"SANSHEN_HOME = {tmp_path}（环境变量）" in result.stdout.splitlines()
    assert "SANSHEN_SECURE_COOKIES = 是（环境变量）" in result.stdout.splitlines()
    assert "SANSHEN_WEBHOOK_URL 未设置（不推送）" in result.stdout.splitlines()
    bad = runner.invoke(app, ["config", "--json"], env={"SANSHEN_SMTP_PORT": "25a"}, catch_exceptions=False)
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.strip() == "错误：环境变量 SANSHEN_SMTP_PORT 应为 1 到 65535 之间的整数，而不是“25a”"


def test_the_readme_table_is_exactly_the_declarations():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 配置（环境变量）", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    declared = []
    for r in readings({}):
        s = r.setting
        default = f"`{s.default}`" if s.default is not None else s.unset or "—"
        declared.append(f"| `{s.variable}` | {s.help} | {default} |")
    assert table == declared, "README 的配置表应为：\n" + "\n".join(declared)


def test_no_module_but_settings_reads_sanshen_settings_from_the_environment():
    readers = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES for path in (ROOT / package).rglob("*.py")
        if ENV_ACCESS.search(path.read_text(encoding="utf-8"))
    }
    assert readers == set(ENV_READERS)
    sanshen_readers = {p for p in readers if "SANSHEN_" in (ROOT / p).read_text(encoding="utf-8")}
    assert sanshen_readers == {"sanshen/settings.py", "storage/migrations/env.py"}

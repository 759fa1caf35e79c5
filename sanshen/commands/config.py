"""sanshen config: the effective settings, where each came from, secrets masked."""

from __future__ import annotations

import typer

from sanshen.commands._common import cli_errors, json_option, print_json
from sanshen.settings import Reading, readings

SOURCES = {True: ("env", "环境变量"), False: ("default", "默认")}


def config(as_json: bool = json_option()) -> None:
    """显示生效的配置：每个环境变量的取值（密钥已隐去）、来源与含义。"""
    with cli_errors():
        rows = readings()
    if as_json:
        print_json([{"name": r.setting.variable, "value": r.shown, "source": SOURCES[r.from_env][0],
                     "help": r.setting.help} for r in rows])
        return
    for r in rows:
        typer.echo(_line(r))
        typer.echo(f"    {r.setting.help}")


def _line(reading: Reading) -> str:
    name, shown = reading.setting.variable, reading.shown
    if shown is None:
        return f"{name} 未设置" + (f"（{reading.setting.unset}）" if reading.setting.unset else "")
    if isinstance(shown, bool):
        text = "是" if shown else "否"
    else:
        text = f"{shown:g}" if isinstance(shown, float) else str(shown)
    return f"{name} = {text}（{SOURCES[reading.from_env][1]}）"


def register(app: typer.Typer) -> None:
    app.command("config")(config)

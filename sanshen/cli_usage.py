"""Usage errors of the command line, said in Chinese.

Typer's parser words an unknown command or option, a missing or a bad value in English. The root
command group catches these errors, wherever in the command tree they arise, and says them on
stderr as "错误：…", with the usage line and where the help is, exiting 2 (DESIGN §7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, get_args

import typer
from typer._click.exceptions import (
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperGroup

USAGE_EXIT_CODE = 2

# The errors the parser raises with only a message, by its English wording.
_WORDED = (
    (re.compile(r"No such command '(?P<name>.*)'\."), "没有命令“{name}”"),
    (re.compile(r"Missing command\."), "缺少命令"),
    (re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)"), "多余的参数：{args}"),
    (re.compile(r"Option '(?P<name>.*)' requires (?:an argument|\d+ arguments)\."), "选项 {name} 需要一个值"),
    (re.compile(r"Option '(?P<name>.*)' does not take a value\."), "选项 {name} 不接受值"),
)
_NUMBERS = {int: "整数", float: "数字"}


class ChineseUsageGroup(TyperGroup):
    """The root command group: usage errors of any command below it are said in Chinese."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_in_chinese():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _usage_in_chinese():
            return super().invoke(ctx)


@contextmanager
def _usage_in_chinese() -> Iterator[None]:
    try:
        yield
    except NoArgsIsHelpError:  # no arguments at all: the help is shown
        raise
    except UsageError as error:
        typer.echo(usage_message(error), err=True)
        raise typer.Exit(USAGE_EXIT_CODE) from None


def usage_message(error: UsageError) -> str:
    """The error, then (when its command is known) the usage line and the help option."""
    lines = [f"错误：{_what_was_wrong(error)}"]
    if error.ctx is not None:
        ctx = error.ctx
        lines.append(f"用法：{' '.join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])}")
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"帮助：{ctx.command_path} {ctx.help_option_names[0]}")
    return "\n".join(lines)


def _what_was_wrong(error: UsageError) -> str:
    if isinstance(error, MissingParameter) and error.param is not None:
        return f"缺少{_named(error.param)}"
    if isinstance(error, BadParameter) and error.param is not None:
        return f"{_named(error.param)} 的值无效：{_expected(error.param)}"
    if isinstance(error, NoSuchOption):
        return f"没有选项 {error.option_name}"
    for wording, chinese in _WORDED:
        said = wording.fullmatch(error.message)
        if said:
            return chinese.format(**said.groupdict())
    return f"用法有误（{error.format_message()}）"


def _named(param: Any) -> str:
    if param.param_type_name == "option":
        return f"选项 {'/'.join(param.opts)}"
    return f"参数 {param.name}"


def _expected(param: Any) -> str:
    """What a value of ``param`` must be, from its type and bounds."""
    annotation = param.type_descriptor.annotation
    kind = next((_NUMBERS[t] for t in (annotation, *get_args(annotation)) if t in _NUMBERS), None)
    if kind is None:
        return "请检查其取值"
    low, high = param.min, param.max
    if low is not None and high is not None:
        return f"须为 {low} 到 {high} 之间的{kind}"
    if low is not None:
        return f"须为不小于 {low} 的{kind}"
    if high is not None:
        return f"须为不大于 {high} 的{kind}"
    return f"须为{kind}"

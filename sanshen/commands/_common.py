"""What the CLI commands share: opening the context, the acting user, output and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sanshen.settings import Settings

if TYPE_CHECKING:
    from sanshen.service.context import AppContext
    from sanshen.service.views import UserView

TOKEN_HELP = "API 令牌（也可用环境变量 SANSHEN_TOKEN）"
JSON_HELP = "以 JSON 输出"


def token_option() -> Any:
    return typer.Option(None, "--token", help=TOKEN_HELP)


def json_option() -> Any:
    return typer.Option(False, "--json", help=JSON_HELP)


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Refusals become a Chinese message on stderr and the exit code of their kind."""
    from review.refusals import Refused
    from sanshen.service.errors import answer

    try:
        yield
    except Refused as exc:
        raise fail(exc.message, answer(exc).exit_code) from None


@contextmanager
def app_context(*, upgrade: bool = False) -> Iterator[AppContext]:
    from review.refusals import InvalidInput
    from sanshen.service.context import AppContext

    with cli_errors():
        settings = Settings.from_env()
        if not upgrade and _missing_database_file(settings.db_url):
            raise InvalidInput("no_database", f"数据库尚未初始化（{settings.db_url}），请先运行 sanshen init")
        ctx = AppContext.open(settings, upgrade=upgrade)
        try:
            yield ctx
        finally:
            ctx.close()


def _missing_database_file(url: str) -> bool:
    from storage.dialect import dialect_for

    path = dialect_for(url).database_file(url)
    return path is not None and not path.exists()


def acting_user(ctx: AppContext, token: str | None) -> UserView:
    """The user whose token was given with --token, else in SANSHEN_TOKEN."""
    from sanshen.service.users import authenticate_token

    return authenticate_token(ctx, ctx.settings.token if token is None else token)


def read_bytes_file(path: str) -> bytes:
    """A file's bytes (an attachment); a missing or unreadable file is refused in Chinese."""
    from review.refusals import InvalidInput

    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidInput("missing_file", f"找不到文件：{path}") from None
    except OSError as exc:
        raise InvalidInput("unreadable_file", f"无法读取文件 {path}（{exc.strerror}）") from None


def read_text_file(path: str) -> str:
    """A draft or list file as UTF-8 text ("-" reads stdin); bad input exits 2."""
    from review.refusals import InvalidInput
    from sanshen.service.validate import decode_utf8

    if path == "-":
        data = sys.stdin.buffer.read()
        source = "标准输入"
    else:
        p = Path(path)
        source = f"文件 {path}"
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise InvalidInput("missing_file", f"找不到文件：{path}") from None
        except IsADirectoryError:
            raise InvalidInput("missing_file", f"{path} 是目录，不是文件") from None
        except PermissionError:
            raise InvalidInput("unreadable_file", f"没有权限读取文件：{path}") from None
    return decode_utf8(data, source=source)


def print_json(value: Any) -> None:
    """``value`` as indented JSON; views (and lists of them) in their JSON form."""
    from pydantic_core import to_jsonable_python

    typer.echo(json.dumps(to_jsonable_python(value), ensure_ascii=False, indent=2))

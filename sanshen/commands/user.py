"""sanshen user add | passwd | list | roles | disable | enable."""

from __future__ import annotations

import getpass
import sys

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    fail,
    json_option,
    print_json,
    token_option,
)

user_app = typer.Typer(help="用户、角色与令牌。", no_args_is_help=True)


def _roles(value: str) -> list[str]:
    return [r for r in value.replace("，", ",").split(",") if r.strip()]


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", help="角色，多个用逗号分隔：editor proofreader reviewer secrecy leader admin"),
    display: str = typer.Option("", "--display", help="显示名（姓名）"),
    dept: str = typer.Option("", "--dept", help="部门"),
    email: str | None = typer.Option(None, "--email", help="邮箱（接收通知）"),
    as_json: bool = json_option(),
) -> None:
    """添加用户并打印其 API 令牌（只显示这一次）。"""
    from sanshen.service import users

    with app_context() as ctx:
        view, token = users.add_user(ctx, None, name, _roles(role), display=display, dept=dept, email=email,
                                     now=ctx.clock())
    if as_json:
        print_json({**view.model_dump(mode="json"), "token": token})
    else:
        typer.echo(f"已添加用户 {view.name}（角色：{','.join(view.roles)}）。API 令牌只显示这一次，请妥善保存：",
                   err=True)
        typer.echo(token)  # alone on stdout, so that TOKEN=$(sanshen user add …) works


@user_app.command("passwd")
def passwd(
    name: str = typer.Argument(..., help="用户名"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取一行作为密码"),
) -> None:
    """设置网页登录密码（交互输入，或 --password-stdin 从标准输入读一行）。"""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次：") != password:
            raise fail("两次输入的密码不一致", 2)
    from sanshen.service import users

    with app_context() as ctx:
        users.set_password(ctx, None, name, password, now=ctx.clock())
    typer.echo(f"已为 {name} 设置登录密码")


@user_app.command("list")
def list_(as_json: bool = json_option()) -> None:
    """列出全部用户。"""
    from sanshen.service import users

    with app_context() as ctx:
        found = users.list_users(ctx)
    if as_json:
        print_json(found)
        return
    for u in found:
        state = "" if u.active else "（已停用）"
        typer.echo(f"{u.name}\t{u.display or '-'}\t{u.dept or '-'}\t{','.join(u.roles)}{state}")


@user_app.command("roles")
def roles(
    name: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", help="新的角色列表，逗号分隔"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """修改用户的角色（需要管理员令牌）。"""
    from sanshen.service import users

    with app_context() as ctx:
        view = users.set_roles(ctx, acting_user(ctx, token), name, _roles(role), now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"{view.name} 的角色已改为：{','.join(view.roles)}")


@user_app.command("disable")
def disable(name: str = typer.Argument(..., help="用户名")) -> None:
    """停用用户：不能再登录或使用令牌，已登录的网页会话立即失效。"""
    from sanshen.service import users

    with app_context() as ctx:
        users.set_active(ctx, None, name, False, now=ctx.clock())
    typer.echo(f"已停用用户 {name}")


@user_app.command("enable")
def enable(name: str = typer.Argument(..., help="用户名")) -> None:
    """重新启用已停用的用户。"""
    from sanshen.service import users

    with app_context() as ctx:
        users.set_active(ctx, None, name, True, now=ctx.clock())
    typer.echo(f"已启用用户 {name}")


@user_app.command("unlock")
def unlock(name: str = typer.Argument(..., help="用户名")) -> None:
    """解除因连续输错密码造成的网页登录锁定。"""
    from sanshen.service import users

    with app_context() as ctx:
        users.unlock(ctx, None, name, now=ctx.clock())
    typer.echo(f"已解锁用户 {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")

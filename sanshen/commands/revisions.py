"""sanshen revisions DRAFT | sanshen diff DRAFT [--from A] [--to B]."""

from __future__ import annotations

import typer

from sanshen.commands._common import acting_user, app_context, json_option, print_json, token_option


def revisions_(draft: int = typer.Argument(..., help="稿件号"), token: str | None = token_option(),
               as_json: bool = json_option()) -> None:
    """列出稿件的全部版本，最新的在前。"""
    from sanshen.service import revisions

    with app_context() as ctx:
        revs = revisions.list_revisions(ctx, acting_user(ctx, token), draft)
    if as_json:
        print_json(revs)
        return
    for r in revs:
        typer.echo(f"第 {r.number} 版\t{r.content_hash[:12]}\t{r.author}\t"
                   f"{r.created_at.astimezone().strftime('%Y-%m-%d %H:%M')}\t{r.title}\t{r.comment}")


def diff(draft: int = typer.Argument(..., help="稿件号"),
         old: int | None = typer.Option(None, "--from", help="旧版本号（默认为新版本的前一版）"),
         new: int | None = typer.Option(None, "--to", help="新版本号（默认为当前版本）"),
         token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """比较两个版本：改动的行中标出改动的字（[-删除-]{+新增+}）。"""
    from sanshen.service import revisions

    with app_context() as ctx:
        d = revisions.diff(ctx, acting_user(ctx, token), draft, old=old, new=new)
    if as_json:
        print_json(d)
        return
    typer.echo(f"第 {d.from_revision} 版 → 第 {d.to_revision} 版：{d.stats.changed} 行有改动，"
               f"删除 {d.stats.deleted} 行，新增 {d.stats.inserted} 行")
    marks = {"del": ("[-", "-]"), "ins": ("{+", "+}"), "same": ("", "")}
    for line in d.lines:
        if line.kind != "same":
            text = "".join(f"{marks[p.kind][0]}{p.text}{marks[p.kind][1]}" for p in line.pieces)
            typer.echo(f"{line.new_no or line.old_no}\t{text}")
    for a in d.attachments_removed:
        typer.echo(f"删除附件：{a.name}（{a.size} 字节，SHA-256 {a.sha256[:12]}…）")
    for a in d.attachments_added:
        typer.echo(f"新增附件：{a.name}（{a.size} 字节，SHA-256 {a.sha256[:12]}…）")


def register(app: typer.Typer) -> None:
    app.command("revisions")(revisions_)
    app.command("diff")(diff)

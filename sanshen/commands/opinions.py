"""sanshen comment | opinions | sheet | suggestion add|list|accept|reject: 意见 and suggested edits (留痕)."""

from __future__ import annotations

import typer

from sanshen.commands._common import acting_user, app_context, fail, json_option, print_json, token_option
from sanshen.service.views import OpinionView, RevisionPreview, SuggestionView

suggestion_app = typer.Typer(help="修改建议（留痕）：提出、查看、采纳、不采纳。", no_args_is_help=True)


def _opinion_line(o: OpinionView, zone: str) -> str:
    from storage.localtime import local_text

    where = f" · {o.stage}" if o.stage else ""
    rev = f" · 第 {o.revision} 版" if o.revision else ""
    quote = ""
    if o.passage is not None and o.passage.quote:
        quote = f"“{o.passage.quote}”{'（原文已删除）' if o.passage.detached else ''}："
    return f"{local_text(o.at, zone)}　{o.display}（{o.role}）{o.kind_label}{where}{rev}　{quote}{o.text}"


def comment(
    draft: int = typer.Argument(..., help="稿件号"),
    text: str = typer.Option(..., "--text", help="意见"),
    quote: str = typer.Option("", "--quote", help="所引原文（不填则针对全文）"),
    occurrence: int = typer.Option(1, "--occurrence", help="原文出现多处时，针对第几处"),
    title: bool = typer.Option(False, "--title", help="所引原文在标题中（默认在正文中）"),
    revision: int | None = typer.Option(None, "--revision", help="我看到的版本号；稿件已更新则拒绝"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """对稿件的一段文字（或全文）发表意见；意见随修改稿保留，原文删除后标为脱离。"""
    from sanshen.service import opinions

    with app_context() as ctx:
        view = opinions.add_comment(ctx, acting_user(ctx, token), draft, text=text, quote=quote,
                                    occurrence=occurrence, part="title" if title else "body", revision=revision,
                                    now=ctx.clock())
        zone = ctx.settings.time_zone
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已发表意见：{_opinion_line(view, zone)}")


def opinions_(
    draft: int = typer.Argument(..., help="稿件号"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """按时间顺序列出稿件的全部意见：签批、退回、豁免、撤稿、修改说明、对文字的意见与修改建议。"""
    from sanshen.service import opinions

    with app_context() as ctx:
        items = opinions.timeline(ctx, acting_user(ctx, token), draft)
        zone = ctx.settings.time_zone
    if as_json:
        print_json(items)
        return
    for o in items:
        typer.echo(_opinion_line(o, zone))


def sheet(
    draft: int = typer.Argument(..., help="稿件号"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """审签单：各环节的签批人、角色、意见、时间与所签内容哈希。"""
    from sanshen.service import opinions
    from storage.localtime import local_text

    with app_context() as ctx:
        view = opinions.sign_sheet(ctx, acting_user(ctx, token), draft)
        zone = ctx.settings.time_zone
    if as_json:
        print_json(view)
        return
    typer.echo(f"审签单　稿件 {view.id}《{view.title}》第 {view.revision} 版　作者：{view.author_display}")
    typer.echo(f"内容哈希：{view.content_hash}")
    for st in view.stages:
        if not st.signoffs:
            typer.echo(f"  {st.label}：{'系统自动完成' if st.status == 'done' else '未签批'}")
        for o in st.signoffs:
            typer.echo(f"  {st.label}：{o.display}（{o.role}）{local_text(o.at, zone)}　{o.text or '同意'}　"
                       f"{(o.content_hash or '')[:16]}")
    typer.echo("全部意见：")
    for o in view.opinions:
        typer.echo("  " + _opinion_line(o, zone))


def _suggestion_line(s: SuggestionView) -> str:
    from sanshen.service.suggestions import STATUS_LABELS

    reason = f"　理由：{s.reason}" if s.reason else ""
    return f"#{s.id} {s.display}：“{s.old_text}” → “{s.new_text}”{reason}　【{STATUS_LABELS.get(s.status, s.status)}】"


@suggestion_app.command("add")
def suggestion_add(
    draft: int = typer.Argument(..., help="稿件号"),
    old: str = typer.Option(..., "--old", help="原文"),
    new: str = typer.Option(..., "--new", help="建议改为（空字符串表示删除）"),
    reason: str = typer.Option("", "--reason", help="理由"),
    occurrence: int = typer.Option(1, "--occurrence", help="原文出现多处时，针对第几处"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """提出修改建议：作者采纳后生成新版本。"""
    from sanshen.service import suggestions

    with app_context() as ctx:
        view = suggestions.suggest(ctx, acting_user(ctx, token), draft, old_text=old, new_text=new, reason=reason,
                                   occurrence=occurrence, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已提出修改建议 {_suggestion_line(view)}")


@suggestion_app.command("list")
def suggestion_list(
    draft: int = typer.Argument(..., help="稿件号"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """列出稿件的修改建议。"""
    from sanshen.service import suggestions

    with app_context() as ctx:
        items = suggestions.for_draft(ctx, acting_user(ctx, token), draft)
    if as_json:
        print_json(items)
        return
    if not items:
        typer.echo("没有修改建议")
    for s in items:
        typer.echo(_suggestion_line(s))


def warn_voided(preview: RevisionPreview) -> None:
    """Say on stderr which sign-offs saving would void (and which the workflow keeps)."""
    typer.echo(f"注意：本次为{preview.change_label}，保存后以下 {len(preview.voided)} 个签批将作废：", err=True)
    for v in preview.voided:
        typer.echo(f"  {v.stage}　{v.display}（{v.user}）", err=True)
    for v in preview.kept:
        typer.echo(f"  保留：{v.stage}　{v.display}（按流程规则沿用）", err=True)


@suggestion_app.command("accept")
def suggestion_accept(
    draft: int = typer.Argument(..., help="稿件号"),
    suggestion: int = typer.Argument(..., help="修改建议编号"),
    note: str = typer.Option("", "--note", help="处理说明"),
    yes: bool = typer.Option(False, "--yes", help="确认作废所列签批（不加时只列出将作废的签批，不保存）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """采纳修改建议，生成新版本；会作废签批时须加 --yes 确认。"""
    from sanshen.service import checks, drafts, suggestions

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        preview = suggestions.preview_accept(ctx, actor, draft, suggestion)
        if preview.voided and not yes:
            warn_voided(preview)
            raise fail("未保存：确认后请加 --yes 重新执行", 1)
        view = suggestions.accept(ctx, actor, draft, suggestion, note=note, now=ctx.clock(),
                                  expect_voided=[f"{v.stage}:{v.user}" for v in preview.voided])
        checks.settle(ctx, view.id)  # the new revision's automated pass, here (a one-shot process)
        view = drafts.view(ctx, actor, view.id)
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已采纳修改建议 #{suggestion}，稿件 {view.id} 现为第 {view.revision} 版")


@suggestion_app.command("reject")
def suggestion_reject(
    draft: int = typer.Argument(..., help="稿件号"),
    suggestion: int = typer.Argument(..., help="修改建议编号"),
    note: str = typer.Option("", "--note", help="不采纳的理由"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """不采纳修改建议。"""
    from sanshen.service import suggestions

    with app_context() as ctx:
        view = suggestions.reject(ctx, acting_user(ctx, token), draft, suggestion, note=note, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        typer.echo(f"已不采纳修改建议 {_suggestion_line(view)}")


def register(app: typer.Typer) -> None:
    app.command("comment")(comment)
    app.command("opinions")(opinions_)
    app.command("sheet")(sheet)
    app.add_typer(suggestion_app, name="suggestion")

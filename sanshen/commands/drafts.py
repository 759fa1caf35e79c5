"""sanshen submit | queue | show | sign | return | revise | waive | withdraw."""

from __future__ import annotations

import typer

from checking.categories import CATEGORY_LABELS
from lexicon.vocabulary import DraftStatus
from sanshen.commands._common import (
    acting_user,
    app_context,
    fail,
    json_option,
    print_json,
    read_text_file,
    token_option,
)
from sanshen.service.views import DraftDetail, DraftView, FindingView
from storage.localtime import local_text

STAGE_STATUS = {"done": "已签批", "open": "待签批", "pending": "未开始"}


def _category(f: FindingView) -> str:
    try:
        return CATEGORY_LABELS[f.category]
    except KeyError:
        return f.category


def _finding_line(f: FindingView) -> str:
    mark = "（已豁免）" if f.waived else ""
    fix = f" → {f.suggestion}" if f.suggestion else ""
    return f"  #{f.id} [{f.severity}] {f.location.label} {_category(f)}：“{f.text}”{fix}　{f.message}{mark}"


def _print_draft(view: DraftView, verb: str) -> None:
    status = DraftStatus.label_of(view.status)
    typer.echo(f"{verb}稿件 {view.id}《{view.title}》第 {view.revision} 版，状态：{status}")
    typer.echo(f"内容哈希：{view.content_hash}")
    if view.findings:
        typer.echo(f"机器预审发现 {len(view.findings)} 个问题：")
        for f in view.findings:
            typer.echo(_finding_line(f))


def _emit(view: DraftView, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(view)
    else:
        _print_draft(view, verb)


def _exit_if_blocking(view: DraftView) -> None:
    """The draft is stored either way; exit 1 (docs/architecture.md §7: blocking findings) and say what blocks it."""
    open_errors = [f for f in view.findings if f.severity == "error" and not f.waived]
    if open_errors:
        typer.echo(f"错误：稿件 {view.id} 已保存，但有 {len(open_errors)} 个错误级问题，"
                   "须修改稿件或由有权的环节说明理由豁免后才能发布", err=True)
        raise typer.Exit(1)


def _after_pass(ctx, actor, view: DraftView, no_wait: bool) -> DraftView:
    """The CLI runs the automated pass of what it saved (or waits for the worker running it), unless
    ``--no-wait``: then the draft is left 检查中 for the worker."""
    from sanshen.service import checks, drafts

    if no_wait or view.status != "checking":
        return view
    if not checks.wait_checked(ctx, view.id, view.revision):
        typer.echo(f"稿件 {view.id} 仍在机器预审（检查中），完成后才能签批；可用 sanshen show {view.id} 查看", err=True)
    return drafts.view(ctx, actor, view.id)


def _attachment_files(paths: list[str]) -> tuple:
    """Each named file as an attachment (its name is the file's own; a missing file exits 2)."""
    from pathlib import Path

    from sanshen.commands._common import read_bytes_file
    from sanshen.service.drafts import AttachmentInput

    return tuple(AttachmentInput(filename=Path(path).name, data=read_bytes_file(path)) for path in paths)


def _no_wait_option() -> bool:
    return typer.Option(False, "--no-wait", help="不等待机器预审完成即返回（稿件为“检查中”，由后台的流程调度器检查）")


def submit(
    file: str = typer.Argument(..., help="稿件正文文件（UTF-8；- 表示标准输入）"),
    title: str = typer.Option(..., "--title", help="标题"),
    column: str = typer.Option("", "--column", help="栏目"),
    kind: str | None = typer.Option(None, "--kind", help="类型：news notice policy interpretation …（默认 news）"),
    disclosure: str | None = typer.Option(None, "--disclosure", help="公开属性：主动公开 | 依申请公开 | 不予公开"),
    reason: str | None = typer.Option(None, "--reason", help="不予公开的理由"),
    ground: str | None = typer.Option(None, "--ground",
                                      help="不予公开的法定依据，如：属于国家秘密、保护第三方合法权益（sanshen request grounds 列出全部）"),
    interprets: int | None = typer.Option(None, "--interprets", help="本解读稿所解读的政策文件稿件号"),
    urgent: bool = typer.Option(False, "--urgent", help="紧急稿件（突发事件，全程时限默认 5 小时）"),
    publish_at: str | None = typer.Option(None, "--publish-at",
                                          help="定时发布：不早于此时间（如 2026-12-01T09:00，北京时间；或带时区）"),
    expires_at: str | None = typer.Option(None, "--expires-at", help="到期下线：到此时间从网站撤下并留记录"),
    attach: list[str] = typer.Option([], "--attach", help="附件（可重复）：.docx、.xlsx、.pdf、.txt 等或图片，随稿件发布"),
    no_wait: bool = _no_wait_option(),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """提交稿件：生成第 1 版（检查中），运行机器预审后进入审核流程（--no-wait 时交给后台）。"""
    from sanshen.service import drafts
    from sanshen.service.schedule import moment

    with app_context() as ctx:
        body = read_text_file(file)
        actor = acting_user(ctx, token)
        view = drafts.submit(ctx, actor, drafts.SubmitInput(
            title=title, body=body, column=column, kind=kind, disclosure=disclosure,
            disclosure_reason=reason, urgent=urgent, interprets=interprets, disclosure_ground=ground,
            publish_at=moment(publish_at, what="定时发布时间"), expires_at=moment(expires_at, what="下线时间"),
            attachments=_attachment_files(attach),
        ), now=ctx.clock())
        view = _after_pass(ctx, actor, view, no_wait)
    _emit(view, "已提交", as_json)
    _exit_if_blocking(view)


def queue(token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """列出等待我签批的稿件，最紧急的在前。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        items = drafts.queue(ctx, acting_user(ctx, token), now=ctx.clock())
        zone = ctx.settings.time_zone
    if as_json:
        print_json(items)
        return
    if not items:
        typer.echo("目前没有等待您签批的稿件")
    for i in items:
        flags = ("【超时】" if i.overdue else "") + ("【紧急】" if i.urgent else "")
        due = local_text(i.due_at, zone) if i.due_at else "-"
        typer.echo(f"{flags}{i.id}\t{i.stage}\t截止 {due}\t{i.title}")


def _print_detail(d: DraftDetail, zone: str) -> None:
    _print_draft(d, "")
    typer.echo("正文：")
    typer.echo(d.body, nl=not d.body.endswith("\n"))
    typer.echo("审核环节：")
    for s in d.stages:
        who = "、".join(f"{so.user}（{local_text(so.at, zone, '%m-%d %H:%M')}）" for so in s.signoffs)
        due = f"，截止 {local_text(s.due_at, zone)}" if s.due_at and s.status == "open" else ""
        typer.echo(f"  {s.label}：{STAGE_STATUS.get(s.status, s.status)}{due}{'　' + who if who else ''}")
    for b in d.blockers:
        typer.echo(f"暂不能发布：{b}")
    if d.diff:
        typer.echo(f"自您签批的第 {d.diff_from} 版以来的改动：")
        typer.echo(d.diff, nl=False)


def show(
    draft: int = typer.Argument(..., help="稿件号"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """查看稿件：当前版本、问题、各环节与签批，以及自我上次签批以来的改动。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        detail = drafts.show(ctx, acting_user(ctx, token), draft)
        zone = ctx.settings.time_zone
    if as_json:
        print_json(detail)
    else:
        _print_detail(detail, zone)


def sign(
    draft: int = typer.Argument(..., help="稿件号"),
    stage: str | None = typer.Option(None, "--stage", help="签批的环节（同时有多个可签环节时必填）"),
    comment: str = typer.Option("", "--comment", help="签批意见"),
    expect_hash: str | None = typer.Option(None, "--expect-hash", help="我审阅的内容哈希；与当前版本不符则拒绝"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """签批当前环节。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        view = drafts.sign(ctx, acting_user(ctx, token), draft, stage=stage, comment=comment,
                           expect_hash=expect_hash, now=ctx.clock())
    _emit(view, "已签批", as_json)


def return_(
    draft: int = typer.Argument(..., help="稿件号"),
    comment: str = typer.Option(..., "--comment", help="退回理由"),
    to: str | None = typer.Option(None, "--to", help="退回到的环节；不填则退回作者修改"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """退回稿件（给作者，或到之前的某个环节）。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        view = drafts.return_draft(ctx, acting_user(ctx, token), draft, comment=comment, to_stage=to, now=ctx.clock())
    _emit(view, "已退回", as_json)


def revise(
    draft: int = typer.Argument(..., help="稿件号"),
    file: str | None = typer.Argument(None, help="修改后的正文文件（UTF-8；- 表示标准输入）；只改附件时可省略，正文不变"),
    comment: str = typer.Option("", "--comment", help="修改说明"),
    title: str | None = typer.Option(None, "--title", help="新标题（不填则不变）"),
    yes: bool = typer.Option(False, "--yes", help="确认作废所列签批（不加时若会作废签批，只列出它们，不保存）"),
    attach: list[str] = typer.Option([], "--attach",
                                     help="新增附件（可重复）；与现有附件同名即替换它。未提及的附件原样保留"),
    remove: list[str] = typer.Option([], "--remove", help="删除现有附件（按文件名，可重复；见 sanshen show）"),
    no_wait: bool = _no_wait_option(),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """提交新版本：此前的签批作废（流程定义可保留仅改标点时的校对签批），从第一个未完成的人工环节重新开始。
    可同时新增、替换（--attach 同名文件）或删除（--remove）附件。"""
    from sanshen.commands.opinions import warn_voided
    from sanshen.service import drafts

    if file is None and not attach and not remove:
        raise fail("请给出修改后的正文文件，或用 --attach / --remove 修改附件", 2)
    with app_context() as ctx:
        files = drafts.AttachmentChange(add=_attachment_files(attach), remove=tuple(remove))
        actor = acting_user(ctx, token)
        body = read_text_file(file) if file is not None else drafts.show(ctx, actor, draft).body
        preview = drafts.revision_preview(ctx, actor, draft, body, title=title, attachments=files)
        if preview.voided and not yes:
            warn_voided(preview)
            raise fail("未保存：确认后请加 --yes 重新执行", 1)
        view = drafts.revise(ctx, actor, draft, body, title=title, comment=comment, now=ctx.clock(),
                             expect_voided=[f"{v.stage}:{v.user}" for v in preview.voided], attachments=files)
        view = _after_pass(ctx, actor, view, no_wait)
    _emit(view, "已修改", as_json)
    _exit_if_blocking(view)


def waive(
    draft: int = typer.Argument(..., help="稿件号"),
    finding: int = typer.Argument(..., help="问题编号（见 sanshen show）"),
    reason: str = typer.Option(..., "--reason", help="豁免理由"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """说明理由后豁免一个机器预审问题。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        view = drafts.waive(ctx, acting_user(ctx, token), draft, finding, reason=reason, now=ctx.clock())
    _emit(view, f"已豁免问题 #{finding}，", as_json)


def withdraw(
    draft: int = typer.Argument(..., help="稿件号"),
    reason: str = typer.Option(..., "--reason", help="撤稿理由"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """撤下已发布的稿件（须领导签批并说明理由）。"""
    from sanshen.service import drafts

    with app_context() as ctx:
        view = drafts.withdraw(ctx, acting_user(ctx, token), draft, reason=reason, now=ctx.clock())
    _emit(view, "已撤下", as_json)


def register(app: typer.Typer) -> None:
    app.command("submit")(submit)
    app.command("queue")(queue)
    app.command("show")(show)
    app.command("sign")(sign)
    app.command("return")(return_)
    app.command("revise")(revise)
    app.command("waive")(waive)
    app.command("withdraw")(withdraw)

"""sanshen request add | list | show | assign | correct | resume | extend | approve-extension | reply | send | archive."""

from __future__ import annotations

from datetime import date

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    json_option,
    print_json,
    read_text_file,
    token_option,
)

request_app = typer.Typer(
    help="依申请公开：政府信息公开申请的登记、分办、补正、延期、答复（答复书经审签流程）、送达与归档。"
         "答复期限按工作日计算（条例第三十三条：20 个工作日，经批准可延长 20 个工作日；补正期间不计）。",
    no_args_is_help=True)


def _day(value: str | None, what: str) -> date | None:
    from review.refusals import InvalidInput

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_date", f"{what}“{value}”不是 YYYY-MM-DD 格式的日期") from None


def _echo(view, verb: str) -> None:
    due = view.due_on or ("补正中，计时中止" if view.clock_stopped else "无法计算")
    left = f"，剩 {view.working_days_left} 个工作日" if view.working_days_left is not None else ""
    mark = "【已超期】" if view.overdue else ""
    typer.echo(f"{verb}申请 {view.id}：{view.status_label}；收到 {view.received_on}，期限 {due}{left}{mark}")
    if view.deadline_problem:
        typer.echo(f"注意：{view.deadline_problem}", err=True)


def _run(step, verb: str, as_json: bool, token: str | None) -> None:
    from sanshen.service import checks, requests

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        view = step(ctx, actor, ctx.clock())
        drafted = [getattr(view, "reply_draft", None), getattr(view, "converted_draft", None)]
        if any(checks.checking(ctx, d) for d in drafted if d is not None):
            for d in drafted:  # a reply or converted item's automated pass, here (a one-shot process)
                checks.settle(ctx, d)
            view = requests.show(ctx, actor, view.id, now=ctx.clock())
    if as_json:
        print_json(view)
    else:
        _echo(view, verb)


@request_app.command("add")
def add(
    channel: str = typer.Option(..., "--channel", help="申请渠道：当面 | 信函 | 网络 | 传真"),
    applicant_kind: str = typer.Option(..., "--applicant-kind", help="申请人类型：自然人 | 法人或其他组织"),
    name: str = typer.Option(..., "--name", help="申请人姓名或名称"),
    description: str | None = typer.Option(None, "--description", help="所需政府信息的名称、文号或描述"),
    description_file: str | None = typer.Option(None, "--description-file", help="从文件读取所需信息的描述（- 为标准输入）"),
    org_kind: str | None = typer.Option(None, "--org-kind",
                                        help="法人或其他组织的类型：商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他"),
    id_number: str | None = typer.Option(None, "--id-number", help="身份证件号码（仅存于申请记录，导出时打码）"),
    contact: str = typer.Option("", "--contact", help="联系方式：电话、通信地址或电子邮箱"),
    received_on: str | None = typer.Option(None, "--received-on",
                                           help="收到申请之日 YYYY-MM-DD（条例第三十一条：当面为提交之日，邮寄为签收之日，"
                                                "网络、传真为双方确认之日）；默认今天"),
    office: str = typer.Option("", "--office", help="承办科室（也可稍后 request assign）"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """登记一件政府信息公开申请。"""
    from sanshen.commands._common import cli_errors
    from sanshen.service import requests

    if (description is None) == (description_file is None):
        raise typer.BadParameter("--description 与 --description-file 须给出且只给出一个")
    with cli_errors():
        text = description if description is not None else read_text_file(description_file)

    def step(ctx, actor, now):
        data = requests.RequestInput(channel=channel, applicant_kind=applicant_kind, applicant_name=name,
                                     description=text, applicant_id_number=id_number, applicant_contact=contact,
                                     organisation_kind=org_kind, received_on=_day(received_on, "收到申请之日"),
                                     office=office)
        return requests.register(ctx, actor, data, now=now)

    _run(step, "已登记", as_json, token)


@request_app.command("list")
def list_(
    open_only: bool = typer.Option(False, "--open", help="只列出尚未答复的"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """列出申请，已超期和期限最近的在前（申请人信息已打码）。"""
    from sanshen.service import requests

    with app_context() as ctx:
        views = requests.list_requests(ctx, acting_user(ctx, token), now=ctx.clock(), open_only=open_only)
    if as_json:
        print_json(views)
        return
    if not views:
        typer.echo("没有政府信息公开申请")
    for v in views:
        due = v.due_on or ("补正中" if v.clock_stopped else "-")
        mark = "【已超期】" if v.overdue else ""
        typer.echo(f"{v.id}\t{v.status_label}\t{v.channel_label}\t{v.applicant_kind_label}\t{v.applicant}\t"
                   f"收到 {v.received_on}\t期限 {due}{mark}\t{v.office or '未分办'}")


@request_app.command("show")
def show(request_id: int = typer.Argument(..., help="申请编号"), token: str | None = token_option(),
         as_json: bool = json_option()) -> None:
    """申请详情与办理记录。"""
    from sanshen.service import requests

    with app_context() as ctx:
        view = requests.show(ctx, acting_user(ctx, token), request_id, now=ctx.clock())
    if as_json:
        print_json(view)
        return
    _echo(view, "")
    typer.echo(f"渠道：{view.channel_label}（{view.receipt_rule}）")
    typer.echo(f"申请人：{view.applicant_name}（{view.applicant_kind_label}）  证件：{view.applicant_id_number or '-'}"
               f"  联系方式：{view.applicant_contact or '-'}")
    typer.echo(f"所需信息：{view.description}")
    typer.echo(f"承办科室：{view.office or '未分办'}")
    if view.reply_kind_label:
        ground = f"（{view.reply_ground_label}）" if view.reply_ground_label else ""
        typer.echo(f"答复：{view.reply_kind_label}{ground}，答复书稿件 {view.reply_draft}（{view.reply_status}）")
    for s in view.steps:
        typer.echo(f"  {s.at:%Y-%m-%d %H:%M} {s.actor} {s.label} {s.note}")


@request_app.command("assign")
def assign(request_id: int = typer.Argument(..., help="申请编号"),
           office: str = typer.Option(..., "--office", help="承办科室"),
           token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """分办：指定承办科室。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.assign(ctx, actor, request_id, office=office, now=now), "已分办", as_json,
         token)


@request_app.command("correct")
def correct(request_id: int = typer.Argument(..., help="申请编号"),
            note: str = typer.Option(..., "--note", help="需要补正的事项和合理的补正期限（一次性告知）"),
            token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """告知申请人补正（条例第三十条）：计时中止，收到补正后重新计算 20 个工作日。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.ask_correction(ctx, actor, request_id, note=note, now=now),
         "已告知补正", as_json, token)


@request_app.command("resume")
def resume(request_id: int = typer.Argument(..., help="申请编号"),
           received_on: str | None = typer.Option(None, "--received-on", help="收到补正之日 YYYY-MM-DD，默认今天"),
           note: str = typer.Option("", "--note", help="补正的内容"),
           token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """登记申请人的补正：自收到补正之日起重新计时。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.resume(ctx, actor, request_id, received_on=_day(received_on, "收到补正之日"),
                                                 note=note, now=now), "已收到补正", as_json, token)


@request_app.command("extend")
def extend(request_id: int = typer.Argument(..., help="申请编号"),
           reason: str = typer.Option(..., "--reason", help="需要延期的理由"),
           token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """申请延期 20 个工作日（须领导 approve-extension 批准，条例第三十三条）。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.ask_extension(ctx, actor, request_id, reason=reason, now=now),
         "已申请延期", as_json, token)


@request_app.command("approve-extension")
def approve_extension(request_id: int = typer.Argument(..., help="申请编号"),
                      comment: str = typer.Option("", "--comment", help="审批意见"),
                      token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """批准延期（领导）：期限顺延 20 个工作日，只能一次。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.approve_extension(ctx, actor, request_id, comment=comment, now=now),
         "已批准延期", as_json, token)


@request_app.command("reply")
def reply(request_id: int = typer.Argument(..., help="申请编号"),
          file: str = typer.Argument(..., help="答复书正文文件（UTF-8；- 为标准输入）"),
          kind: str = typer.Option(..., "--kind", help="答复类型：予以公开 | 部分公开 | 不予公开 | 无法提供 | 不予处理 | 其他处理"),
          ground: str | None = typer.Option(None, "--ground",
                                            help="依据（部分公开、不予公开、无法提供、不予处理、其他处理必填），"
                                                 "如：属于国家秘密、保护第三方合法权益；sanshen request grounds 列出全部"),
          explanation: str | None = typer.Option(None, "--explanation", help="理由说明（有依据时必填，不能只写“无”）"),
          token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """拟写答复书：作为稿件进入答复书审签流程（承办 → 法律审核 → 领导签发），签发后才能送达。"""
    from sanshen.service import requests

    body = read_text_file(file)
    _run(lambda ctx, actor, now: requests.draft_reply(ctx, actor, request_id, kind=kind, ground=ground,
                                                      explanation=explanation, body=body, now=now),
         "已拟写答复书，", as_json, token)


@request_app.command("grounds")
def grounds() -> None:
    """列出各答复类型可选的依据及其条例条款。"""
    from disclosure.terms import GROUNDS, ReplyKind

    for kind in ReplyKind:
        typer.echo(f"{kind.label}（{kind.value}，{kind.article}）")
        for g in GROUNDS[kind] or ():
            typer.echo(f"  {g.label}（{g.value}{'，' + g.article if g.article else ''}）")


@request_app.command("send")
def send(request_id: int = typer.Argument(..., help="申请编号"),
         note: str = typer.Option("", "--note", help="送达方式，如：电子邮件、邮寄（挂号信号码）"),
         token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """送达已签发的答复书。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.send(ctx, actor, request_id, note=note, now=now), "已送达", as_json,
         token)


@request_app.command("archive")
def archive(request_id: int = typer.Argument(..., help="申请编号"), token: str | None = token_option(),
            as_json: bool = json_option()) -> None:
    """归档：连同办理记录的哈希一并保存。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.archive(ctx, actor, request_id, now=now), "已归档", as_json, token)



@request_app.command("convert")
def convert(request_id: int = typer.Argument(..., help="申请编号"),
            draft: int = typer.Argument(..., help="依申请公开的稿件编号"),
            reason: str = typer.Option(..., "--reason", help="转为主动公开的理由"),
            token: str | None = token_option(), as_json: bool = json_option()) -> None:
    """因本申请把依申请公开的稿件转为主动公开：稿件生成新版本，重新经过全部审核关口后发布。"""
    from sanshen.service import requests

    _run(lambda ctx, actor, now: requests.convert(ctx, actor, request_id, draft_id=draft, reason=reason, now=now),
         "已转为主动公开（重新审核中），", as_json, token)


def register(app: typer.Typer) -> None:
    app.add_typer(request_app, name="request")

"""sanshen report annual | enter: the 政府信息公开工作年度报告."""

from __future__ import annotations

from pathlib import Path

import typer

from sanshen.commands._common import (
    acting_user,
    app_context,
    json_option,
    print_json,
    read_text_file,
    token_option,
)

report_app = typer.Typer(help="政府信息公开工作年度报告（国家模板的六个部分与表格）。", no_args_is_help=True)


@report_app.command("annual")
def annual_report(
    year: int = typer.Option(..., "--year", help="报告年度，如 2026"),
    docx: Path | None = typer.Option(None, "--docx", help="写出 Word 文件（.docx）"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="写出 Excel 文件（.xlsx，含每个数字的数据来源）"),
    organisation: str = typer.Option("", "--organisation", help="报告单位名称，写在标题中"),
    token: str | None = token_option(),
    as_json: bool = json_option(),
) -> None:
    """按办理记录统计年度报告：主动公开、收到和处理申请（按申请人类型、答复类型与依据），以及管理员填报的部分。"""
    from sanshen.service import annual, annual_export

    with app_context() as ctx:
        actor = acting_user(ctx, token)
        report = annual.build(ctx, actor, year, organisation=organisation)
        rows = annual.counted_requests(ctx, actor, report, now=ctx.clock()) if xlsx else []
    if docx:
        docx.write_bytes(annual_export.to_docx(report))
    if xlsx:
        xlsx.write_bytes(annual_export.to_xlsx(report, rows))
    if as_json:
        print_json(report)
        return
    total = next(r for r in report.requests if r.key == "answered_total").cells["total"].count
    new = next(r for r in report.requests if r.key == "new").cells["total"].count
    typer.echo(f"{report.year} 年：新收申请 {new:g} 件，办结 {total:g} 件；"
               f"{'数字平衡' if report.reconciles else '数字不平衡，请核查'}")
    for path in (docx, xlsx):
        if path:
            typer.echo(f"已写出 {path}")
    if report.missing:
        typer.echo("尚未填写：" + "；".join(report.missing), err=True)


@report_app.command("enter")
def enter(
    year: int = typer.Option(..., "--year", help="报告年度"),
    overview: str | None = typer.Option(None, "--overview-file", help="“一、总体情况”的文字文件"),
    problems: str | None = typer.Option(None, "--problems-file", help="“五、存在的主要问题及改进情况”的文字文件"),
    other: str | None = typer.Option(None, "--other-file", help="“六、其他需要报告的事项”的文字文件"),
    figure: list[str] = typer.Option([], "--figure",
                                     help="填报数字 KEY=值，可重复：licence penalty coercion fees（万元），"
                                          "review.upheld review.corrected review.other review.pending，"
                                          "direct.…、after_review.…（行政诉讼）"),
    token: str | None = token_option(),
) -> None:
    """管理员填写年度报告中系统不掌握的部分（记入审计）。"""
    from review.refusals import InvalidInput
    from sanshen.commands._common import cli_errors
    from sanshen.service import annual

    with cli_errors():
        texts = {key: read_text_file(path) for key, path in
                 (("overview", overview), ("problems", problems), ("other", other)) if path}
        figures = {}
        for item in figure:
            key, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput("bad_figure", f"“{item}”应写作 KEY=值")
            figures[key.strip()] = value
    with app_context() as ctx:
        annual.save_inputs(ctx, acting_user(ctx, token), year, texts=texts, figures=figures, now=ctx.clock())
    typer.echo(f"已保存 {year} 年度报告的填报内容")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")

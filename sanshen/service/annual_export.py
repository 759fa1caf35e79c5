"""The yearly report as .docx (python-docx) and .xlsx (openpyxl).

The workbook carries the tables and, for tracing, a sheet naming the records behind every figure
(申请编号 / 稿件编号) and a list of the requests counted, with the applicants masked.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from disclosure import annual
from sanshen.service.views import AnnualReportView, RequestView

TITLE = "{org}{year}年政府信息公开工作年度报告"
PLACEHOLDER = "（尚未填写）"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _paragraphs(text: str) -> list[str]:
    return [p for p in (text or "").splitlines() if p.strip()] or [PLACEHOLDER]


def _first_column(table, cm: float) -> None:
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        row.cells[0].width = Cm(cm)


def to_docx(report: AnnualReportView) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(TITLE.format(org=report.organisation, year=report.year), level=0)
    doc.add_paragraph(f"本报告依据《中华人民共和国政府信息公开条例》第五十条编制，统计期限为 {report.year} 年 1 月 1 日至 12 月 31 日。"
                      "表中数字由 sanshen 的办理记录统计，每个数字所计的申请编号、稿件编号见同名 Excel 文件的“数据来源”工作表。")

    doc.add_heading("一、总体情况", level=1)
    for p in _paragraphs(report.texts.get("overview", "")):
        doc.add_paragraph(p)

    doc.add_heading("二、主动公开政府信息情况", level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")):
        cell.text = text
    for d in report.documents:
        cells = table.add_row().cells
        cells[0].text = d.label
        for cell, value in zip(cells[1:], (d.made, d.repealed, d.in_force)):
            cell.text = _number(value.count)
    figures = doc.add_table(rows=1, cols=2)
    figures.style = "Table Grid"
    figures.rows[0].cells[0].text, figures.rows[0].cells[1].text = "信息内容", "数量"
    for f in report.entered:
        cells = figures.add_row().cells
        cells[0].text, cells[1].text = f.label, f"{_number(f.value)} {f.unit}"
    if report.published:
        doc.add_paragraph("本年在网站主动公开发布的稿件（按类型）：" + "；".join(
            f"{d.label} {_number(d.made.count)} 件" for d in report.published if d.made.count))

    doc.add_heading("三、收到和处理政府信息公开申请情况", level=1)
    columns = report.request_columns
    table = doc.add_table(rows=2, cols=len(columns) + 1)
    table.style = "Table Grid"
    head, sub = table.rows[0].cells, table.rows[1].cells
    head[0].merge(sub[0]).text = "申请人情况"
    head[1].merge(sub[1]).text = columns[0][1]
    org = head[2].merge(head[len(columns) - 1])
    org.text = "法人或其他组织"
    for i, (_, label) in enumerate(columns[1:-1], start=2):
        sub[i].text = label
    head[len(columns)].merge(sub[len(columns)]).text = columns[-1][1]
    for row in report.requests:
        cells = table.add_row().cells
        cells[0].text = ("　" * row.level) + row.label
        if row.key == "results":
            continue
        for i, (key, _) in enumerate(columns, start=1):
            cells[i].text = _number(row.cells[key].count)
    _first_column(table, 6.0)
    if not report.reconciles:
        doc.add_paragraph("注意：表中数字不平衡（新收 + 上年结转 ≠ 办理结果总计 + 结转下年度），请核查。")

    doc.add_heading("四、政府信息公开行政复议、行政诉讼情况", level=1)
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    table = doc.add_table(rows=1, cols=len(outcomes) + 1)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = ""
    for cell, text in zip(table.rows[0].cells[1:], outcomes):
        cell.text = text
    for n, (_, group_label) in enumerate(annual.LITIGATION_GROUPS):
        group = report.litigation[n * len(outcomes):(n + 1) * len(outcomes)]
        cells = table.add_row().cells
        cells[0].text = group_label
        for cell, f in zip(cells[1:], group):
            cell.text = _number(f.value)

    doc.add_heading("五、存在的主要问题及改进情况", level=1)
    for p in _paragraphs(report.texts.get("problems", "")):
        doc.add_paragraph(p)
    doc.add_heading("六、其他需要报告的事项", level=1)
    for p in _paragraphs(report.texts.get("other", "")):
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_xlsx(report: AnnualReportView, requests: Sequence[RequestView]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "二、主动公开"
    ws.append([TITLE.format(org=report.organisation, year=report.year)])
    ws.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    for d in report.documents:
        ws.append([d.label, d.made.count, d.repealed.count, d.in_force.count])
    ws.append([])
    ws.append(["信息内容", "数量", "单位"])
    for f in report.entered:
        ws.append([f.label, f.value, f.unit])
    ws.append([])
    ws.append(["本年主动公开发布的稿件（按类型）", "本年发布件数", "本年撤稿件数", "年末在网件数"])
    for d in report.published:
        ws.append([d.label, d.made.count, d.repealed.count, d.in_force.count])

    ws = wb.create_sheet("三、申请情况")
    columns = report.request_columns
    ws.append(["申请人情况", *(label for _, label in columns)])
    for row in report.requests:
        label = ("  " * row.level) + row.label
        ws.append([label] if row.key == "results" else [label, *(row.cells[k].count for k, _ in columns)])
    ws.append([])
    ws.append(["核对：新收 + 上年结转 = 办理结果总计 + 结转下年度", "平衡" if report.reconciles else "不平衡"])

    ws = wb.create_sheet("四、复议诉讼")
    ws.append(["项目", "数量（件）"])
    for f in report.litigation:
        ws.append([f.label, f.value])

    ws = wb.create_sheet("数据来源")
    ws.append(["表", "行", "列", "数量", "所计记录编号"])
    for row in report.requests:
        if row.key == "results":
            continue
        for key, label in columns:
            cell = row.cells[key]
            ws.append(["三", row.label, label, cell.count, "、".join(map(str, cell.ids)) or "—"])
    for d in (*report.documents, *report.published):
        for what, cell in (("本年制发", d.made), ("本年废止", d.repealed), ("现行有效", d.in_force)):
            ws.append(["二", d.label, what, cell.count, "、".join(f"稿件{i}" for i in cell.ids) or "—"])

    ws = wb.create_sheet("申请清单")
    ws.append(["申请编号", "收到日期", "渠道", "申请人类型", "申请人（已打码）", "状态", "答复类型", "依据", "期限"])
    for r in requests:
        ws.append([r.id, r.received_on, r.channel_label, r.applicant_kind_label, r.applicant, r.status_label,
                   r.reply_kind_label or "", r.reply_ground_label or "", r.due_on or ""])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

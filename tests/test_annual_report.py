"""The 政府信息公开工作年度报告 for a seeded year: every table filled from the records, each figure
traceable to them, totals reconciling, and the .docx and .xlsx open in LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from review.refusals import InvalidInput, NotPermitted
from sanshen.commands.worker import build_dispatcher
from sanshen.service import annual, annual_export, drafts, requests
from tests.foia_support import WITHHELD_WHY

pytestmark = pytest.mark.db


def _at(y, m, d):
    return datetime(y, m, d, 2, 0, tzinfo=UTC)


def seed(office) -> dict[str, int]:
    team, ctx, clock = office.team, office.ctx, office.team.clock
    ids = {}
    clock.at = _at(2025, 12, 22)
    ids["old_answered"] = office.register(applicant_name="赵一", office="民政科").id
    ids["old_open"] = office.register(applicant_kind="法人或其他组织", organisation_kind="商业企业",
                                      applicant_name="某某科技有限公司", office="民政科").id
    clock.at = _at(2026, 1, 12)
    office.answer(ids["old_answered"])  # answered in 2026: carried over, then counted as answered
    clock.at = _at(2026, 3, 2)
    ids["disclosed"] = office.register(applicant_name="钱二").id
    office.answer(ids["disclosed"])
    ids["withheld"] = office.register(applicant_kind="法人或其他组织", organisation_kind="法律服务机构",
                                      applicant_name="某律师事务所").id
    office.answer(ids["withheld"], kind="不予公开", ground="保护第三方合法权益", explanation=WITHHELD_WHY)
    ids["unavailable"] = office.register(applicant_name="孙三").id
    office.answer(ids["unavailable"], kind="无法提供", ground="本机关不掌握相关政府信息",
                  explanation="经检索，本机关未制作、未获取该信息")
    ids["no_correction"] = office.register(applicant_name="李四").id
    requests.assign(ctx, office["gong1"], ids["no_correction"], office="民政科", now=office.now())
    requests.ask_correction(ctx, office["gong1"], ids["no_correction"], note="请明确年份", now=office.now())
    office.answer(ids["no_correction"], kind="其他处理", ground="no_correction",
                  explanation="申请人逾期未补正，视为放弃申请")
    clock.at = _at(2026, 11, 24)
    ids["open"] = office.register(applicant_name="周五", office="民政科").id  # carried forward
    # 主动公开: a 规章 and a 行政规范性文件 published, the latter withdrawn in the year
    for key, kind in (("regulation", "regulation"), ("normative", "normative")):
        ids[key] = team.submit(kind=kind, title=f"某某{kind}").id
        team.walk(ids[key])
        build_dispatcher(ctx, use_prefect=False).drain(max_wait=0)
    drafts.withdraw(ctx, team["ling"], ids["normative"], reason="已被新文件替代，予以废止", now=office.now())
    annual.save_inputs(ctx, team["guan"], 2026, texts={
        "overview": "2026年，本机关认真贯彻《中华人民共和国政府信息公开条例》。\n依申请公开工作依法有序开展。",
        "problems": "依申请公开答复的规范性有待提高。"},
        figures={"licence": "12", "penalty": "3", "coercion": "0", "fees": "1.5",
                 "review.upheld": "1", "review.pending": "1", "direct.corrected": "1"}, now=office.now())
    return ids


def test_the_annual_report_is_filled_from_the_records_and_reconciles(office, tmp_path):
    ids = seed(office)
    report = annual.build(office.ctx, office.team["guan"], 2026, organisation="某某区人民政府")
    rows = {r.key: r for r in report.requests}
    assert rows["new"].cells["total"].ids == (ids["disclosed"], ids["withheld"], ids["unavailable"],
                                              ids["no_correction"], ids["open"])
    assert rows["carried_over"].cells["total"].ids == (ids["old_answered"], ids["old_open"])
    assert rows["carried_over"].cells["business"].ids == (ids["old_open"],)
    assert rows["disclosed"].cells["person"].ids == (ids["old_answered"], ids["disclosed"])
    assert rows["withheld.third_party"].cells["legal"].ids == (ids["withheld"],)
    assert rows["unavailable.not_held"].cells["total"].count == 1
    assert rows["other.no_correction"].cells["person"].ids == (ids["no_correction"],)
    assert rows["answered_total"].cells["total"].count == 5
    assert rows["carried_forward"].cells["total"].ids == (ids["old_open"], ids["open"])
    # received + carried over = answered + carried forward, in every column
    assert report.reconciles
    for column, _ in report.request_columns:
        came = rows["new"].cells[column].count + rows["carried_over"].cells[column].count
        went = rows["answered_total"].cells[column].count + rows["carried_forward"].cells[column].count
        assert came == went, column
    docs = {d.kind: d for d in report.documents}
    assert docs["regulation"].made.ids == (ids["regulation"],) and docs["regulation"].in_force.count == 1
    assert docs["normative"].repealed.ids == (ids["normative"],) and docs["normative"].in_force.count == 0
    litigation = {f.key: f.value for f in report.litigation}
    assert litigation["review.total"] == 2 and litigation["direct.total"] == 1 and litigation["after_review.total"] is None
    assert {f.key: f.value for f in report.entered}["fees"] == 1.5
    assert report.missing == ("六、其他需要报告的事项",)

    counted = annual.counted_requests(office.ctx, office.team["guan"], report, now=office.now())
    book = load_workbook(io.BytesIO(annual_export.to_xlsx(report, counted)))
    assert book.sheetnames == ["二、主动公开", "三、申请情况", "四、复议诉讼", "数据来源", "申请清单"]
    sources = [[c.value for c in row] for row in book["数据来源"].iter_rows(min_row=2)]
    assert ["三", "（七）总计", "总计", 5, "、".join(map(str, sorted(
        [ids["old_answered"], ids["disclosed"], ids["withheld"], ids["unavailable"], ids["no_correction"]])))] in sources
    listed = [[c.value for c in row] for row in book["申请清单"].iter_rows(min_row=2)]
    assert len(listed) == 7 and "钱*" in [r[4] for r in listed]
    flat = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert "钱二" not in flat and "11010519491231002X" not in flat and "13912345678" not in flat  # masked

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice（soffice）未安装：无法验证导出文件能否打开（scripts/test.sh 会安装）")
    (tmp_path / "report.docx").write_bytes(annual_export.to_docx(report))
    (tmp_path / "report.xlsx").write_bytes(annual_export.to_xlsx(report, counted))
    # LibreOffice runs on the real clock even when the suite runs under faketime
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE")}
    for name in ("report.docx", "report.xlsx"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path / name.split(".")[1]), str(tmp_path / name)],
                       check=True, capture_output=True, timeout=300, env=env)
        pdf = tmp_path / name.split(".")[1] / "report.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_only_admins_enter_and_bad_figures_are_refused(office):
    with pytest.raises(NotPermitted):
        annual.save_inputs(office.ctx, office.team["ling"], 2026, texts={"overview": "x"}, now=office.now())
    for figures in ({"licence": "-1"}, {"licence": "1.5"}, {"nonsense": "1"}, {"fees": "很多"}):
        with pytest.raises(InvalidInput):
            annual.save_inputs(office.ctx, office.team["guan"], 2026, figures=figures, now=office.now())
    with pytest.raises(NotPermitted):
        annual.build(office.ctx, office.team["bian"], 2026)
    with pytest.raises(InvalidInput):
        annual.build(office.ctx, office.team["guan"], 1999)
    empty = annual.build(office.ctx, office.team["guan"], 2026)
    assert empty.reconciles and all(r.cells["total"].count == 0 for r in empty.requests)
    assert empty.year == 2026 and "一、总体情况" in empty.missing

"""The automated pass over a whole draft: the title, the body and each attachment's passages are
checked, every finding says where it is, and its offsets count in the text checked there."""

from __future__ import annotations

from checking.context import DraftMeta
from checking.draft import NO_TEXT, AttachmentText, Passage, check_draft
from checking.located import BODY, TITLE, Location

ID_NUMBER = "11010519491231002X"


def test_the_title_is_checked_like_the_body(default_checker):
    title = f"关于张三（{ID_NUMBER}）的表彰决定"
    report = check_draft(default_checker, title=title, body="机密★1年", attachments=(), meta=None)
    where = {(lf.location, lf.finding.category, lf.finding.text) for lf in report.findings}
    assert (TITLE, "pii", ID_NUMBER) in where and (BODY, "secrecy", "机密★1年") in where
    [pii] = [lf.finding for lf in report.findings if lf.location == TITLE and lf.finding.category == "pii"]
    assert title[pii.start:pii.end] == ID_NUMBER and pii.blocking
    assert report.lexicon_version == default_checker.version


def test_metadata_findings_come_once_from_the_body(default_checker):
    report = check_draft(default_checker, title="政策文件", body="正文。", attachments=(),
                         meta=DraftMeta(disclosure="主动公开", kind="policy"))
    assert [(lf.location, lf.finding.rule) for lf in report.findings] == [(BODY, "disclosure.no-interpretation")]


def test_each_passage_of_an_attachment_is_checked_where_it_stands(default_checker):
    page2 = Location.of_attachment("名单.pdf", page=2)
    sheet = Location.of_attachment("名单.xlsx", sheet="名单")
    attachments = (
        AttachmentText("名单.pdf", (Passage(Location.of_attachment("名单.pdf", page=1), "会议纪要。"),
                                    Passage(page2, f"身份证号：{ID_NUMBER}"))),
        AttachmentText("名单.xlsx", (Passage(sheet, "备注\t机密★1年"),)),
    )
    report = check_draft(default_checker, title="通知", body="正文。", attachments=attachments, meta=None)
    found = {(lf.location, lf.finding.category): lf.finding for lf in report.findings if lf.finding.blocking}
    assert found[(page2, "pii")].text == ID_NUMBER and found[(page2, "pii")].start == len("身份证号：")
    assert found[(sheet, "secrecy")].text == "机密★1年"
    assert page2.label == "附件“名单.pdf”第 2 页" and sheet.label == "附件“名单.xlsx”工作表“名单”"


def test_an_attachment_without_text_warns_and_an_unreadable_one_is_an_error(default_checker):
    attachments = (
        AttachmentText("扫描件.pdf", (Passage(Location.of_attachment("扫描件.pdf", page=1), " \n"),)),
        AttachmentText("照片.jpg"),
        AttachmentText("旧格式.doc", unreadable="附件“旧格式.doc” 的格式无法检查其中文字"),
    )
    report = check_draft(default_checker, title="通知", body="正文。", attachments=attachments, meta=None)
    got = [(lf.location.label, lf.finding.severity, lf.finding.message) for lf in report.findings]
    assert got == [
        ("附件“扫描件.pdf”", "warning", NO_TEXT),
        ("附件“照片.jpg”", "warning", NO_TEXT),
        ("附件“旧格式.doc”", "error", "附件“旧格式.doc” 的格式无法检查其中文字"),
    ]
    assert NO_TEXT.startswith("附件无可检查的文字")

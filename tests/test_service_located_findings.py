"""Everything a draft publishes is checked through the service: an ID number or a 密级 mark in the
title or an attachment blocks publication like one in the body, until waived; the location is
stored with each finding; revisions and re-checks cover titles and attachments too."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from checking.draft import NO_TEXT
from flows.recheck import recheck_drafts
from review.refusals import Conflict, InvalidInput
from sanshen.service import drafts, lexicon
from sanshen.service.attachment_text import attachment_text
from sanshen.service.draft_pass import DraftPass
from sanshen.service.drafts import AttachmentInput
from storage.db import transaction
from storage.models import Attachment, Draft, FindingRow, Outbox
from tests.attachment_files import docx_file, pdf_file, xlsx_file, zip_bomb
from tests.team import ID_NUMBER, settle

pytestmark = pytest.mark.db

MARK = "机密★1年"


def errors(view, part: str) -> list:
    return [f for f in view.findings if f.severity == "error" and f.location.part == part]


def published(team) -> list[int]:
    return [o.payload["draft_id"] for o in team.rows(select(Outbox).where(Outbox.kind == "publish"))]


def test_an_id_number_in_the_title_blocks_publication_until_waived(team):
    title = f"关于表彰张三（{ID_NUMBER}）的决定"
    view = team.submit(title=title)
    [pii] = errors(view, "title")
    assert (pii.category, pii.text, title[pii.start:pii.end]) == ("pii", ID_NUMBER, ID_NUMBER)
    assert pii.location.label == "标题" and not errors(view, "body")
    team.walk(view.id, through="三校")
    with pytest.raises(Conflict) as e:
        team.sign("ling", view.id)
    assert e.value.code == "blocking_findings" and f"#{pii.id} 个人信息“{ID_NUMBER}”（标题）" in e.value.message
    drafts.waive(team.ctx, team["ling"], view.id, pii.id, reason="本人同意公开", now=team.clock())
    team.sign("ling", view.id)
    assert drafts.show(team.ctx, team["ling"], view.id).status == "approved" and published(team) == [view.id]


ATTACHMENTS = {
    "名单.docx": (docx_file("获奖人员名单", f"张三 {ID_NUMBER}"), None, None),
    "名单.pdf": (pdf_file("获奖人员名单", f"张三 {ID_NUMBER}"), 2, None),
    "名单.xlsx": (xlsx_file({"说明": [["获奖人员名单"]], "名单": [["张三", ID_NUMBER]]}), None, "名单"),
    "名单.txt": (f"获奖人员名单\n张三 {ID_NUMBER}\n".encode(), None, None),
}


@pytest.mark.parametrize("name", ATTACHMENTS)
def test_an_id_number_in_an_attachment_is_an_error_located_in_it(team, name):
    data, page, sheet = ATTACHMENTS[name]
    view = team.submit(attachments=(AttachmentInput(name, data),))
    [pii] = errors(view, "attachment")
    assert (pii.category, pii.text) == ("pii", ID_NUMBER)
    assert (pii.location.attachment, pii.location.page, pii.location.sheet) == (name, page, sheet)
    [passage] = [p for p in attachment_text(name, data).passages if p.location.page == page
                 and p.location.sheet == sheet]
    assert passage.text[pii.start:pii.end] == ID_NUMBER  # offsets count in the text checked there
    detail = drafts.show(team.ctx, team["jiao1"], view.id)
    assert any(f"（{pii.location.label}）" in b for b in detail.blockers)


MARKED = {
    "通知.docx": docx_file(MARK, "正文"),
    "通知.pdf": pdf_file(f"{MARK}　正文"),
    "通知.xlsx": xlsx_file({"表": [[MARK, "正文"]]}),
    "通知.txt": f"{MARK}\n正文\n".encode(),
}


@pytest.mark.parametrize("name", MARKED)
def test_a_secrecy_mark_in_an_attachment_is_waived_only_by_the_secrecy_review(team, name):
    view = team.submit(attachments=(AttachmentInput(name, MARKED[name]),))
    [mark] = errors(view, "attachment")
    assert (mark.category, mark.text, mark.location.attachment) == ("secrecy", MARK, name)
    team.walk(view.id, through="复审")
    with pytest.raises(Conflict):  # 保密审查 would complete with the mark in place
        team.sign("bao", view.id, stage="保密审查")
    drafts.waive(team.ctx, team["bao"], view.id, mark.id, reason="已核实为示例文字", now=team.clock())
    for stage, who in (("保密审查", "bao"), ("三校", "jiao3"), ("终审", "ling")):
        team.sign(who, view.id, stage=stage)
    assert published(team) == [view.id]


def test_an_image_only_pdf_gets_a_warning_and_does_not_block(team):
    view = team.submit(attachments=(AttachmentInput("扫描件.pdf", pdf_file("", "")),))
    [(where, severity, message)] = [(f.location.label, f.severity, f.message) for f in view.findings]
    assert (where, severity, message) == ("附件“扫描件.pdf”", "warning", NO_TEXT)
    team.walk(view.id)
    assert published(team) == [view.id]


UNREADABLE = {
    "坏.pdf": (b"%PDF-1.7\ngarbage", "不是有效的 PDF 文件"),
    "坏.docx": (b"not a zip", "不是有效的 .docx 文件"),
    "坏.xlsx": (zip_bomb("xl/worksheets/sheet1.xml", 51 * 1024 * 1024), "解压后超过"),
    "说明.txt": ("正文".encode("gbk"), "不是 UTF-8 编码"),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_unreadable_attachment_is_stored_and_the_pass_finds_it_an_error_blocking_sign_off(team, name):
    data, why = UNREADABLE[name]
    view = team.submit(attachments=(AttachmentInput(name, data),), checked=False)
    assert view.status == "checking"  # the request stored it without reading it
    assert team.count(Attachment) == 1 and team.settle() == 1
    shown = drafts.show(team.ctx, team["jiao1"], view.id)
    [unreadable] = errors(shown, "attachment")
    assert unreadable.location.attachment == name and unreadable.location.label == f"附件“{name}”"
    assert unreadable.message.startswith(f"附件无法读取：附件“{name}”") and why in unreadable.message
    assert any(f"（附件“{name}”）" in b for b in shown.blockers)
    team.walk(view.id, through="复审")
    with pytest.raises(Conflict) as e:  # nothing in it was checked: the 保密审查 cannot complete over it
        team.sign("bao", view.id, stage="保密审查")
    assert e.value.code == "blocking_findings" and f"（附件“{name}”）" in e.value.message


def test_an_attachment_of_a_type_the_pass_cannot_read_is_refused_and_nothing_is_stored(team):
    with pytest.raises(InvalidInput) as e:
        team.submit(attachments=(AttachmentInput("名单.xlsx", xlsx_file({"名单": [["张三"]]})),
                                 AttachmentInput("旧格式.doc", b"\xd0\xcf\x11\xe0")))
    assert e.value.code == "bad_attachment_type" and "附件“旧格式.doc”" in e.value.message
    assert team.count(Draft) == 0 and team.count(Attachment) == 0 and team.count(Outbox) == 0


def test_an_attachment_over_the_size_cap_is_refused_and_nothing_is_stored(team):
    with pytest.raises(InvalidInput) as e:
        team.submit(attachments=(AttachmentInput("大.pdf", b"%PDF" + bytes(drafts.MAX_ATTACHMENT_BYTES)),))
    assert e.value.code == "attachment_too_big" and team.count(Draft) == 0


def test_a_revision_checks_the_attachments_it_keeps(team):
    view = team.submit(attachments=(AttachmentInput("名单.txt", f"张三 {ID_NUMBER}".encode()),))
    revised = settle(team.ctx, drafts.revise(team.ctx, team["bian"], view.id, "新的正文。\n", now=team.clock()))
    assert revised.revision == 2 and [f.text for f in errors(revised, "attachment")] == [ID_NUMBER]


def test_a_recheck_covers_titles_and_attachments(team):
    term = "灰犀牛式整改"
    view = team.submit(title=f"坚决杜绝{term}",
                       attachments=(AttachmentInput("说明.pdf", pdf_file("第一页", f"杜绝{term}")),))
    assert not [f for f in view.findings if f.text == term]
    lexicon.add_entry(team.ctx, team["guan"], lexicon.LexiconInput(kind="banned", term=term, correct="彻底整改"),
                      now=team.clock())
    assert recheck_drafts(team.ctx.engine, lambda: DraftPass(team.ctx.checker), now=team.clock()) == 1
    found = [f.location.label for f in drafts.show(team.ctx, team["jiao1"], view.id).findings if f.text == term]
    assert found == ["标题", "附件“说明.pdf”第 2 页"]


def test_a_stored_attachment_that_cannot_be_read_is_an_error_at_recheck(team):
    view = team.submit(attachments=(AttachmentInput("说明.txt", "说明".encode()),))
    with transaction(team.ctx.engine) as s:  # an attachment stored before attachments were checked
        s.execute(update(Attachment).values(filename="旧格式.doc", data=b"\xd0\xcf\x11\xe0"))
    assert recheck_drafts(team.ctx.engine, lambda: DraftPass(team.ctx.checker), now=team.clock()) == 1
    [unreadable] = errors(drafts.show(team.ctx, team["jiao1"], view.id), "attachment")
    assert unreadable.location.attachment == "旧格式.doc" and unreadable.message.startswith("附件无法读取：")
    assert "格式无法检查" in unreadable.message
    rows = team.rows(select(FindingRow).where(FindingRow.superseded.is_(False)))
    assert [(r.part, r.attachment, r.category) for r in rows] == [("attachment", "旧格式.doc", "secrecy")]


def test_an_interpretation_is_checked_and_its_errors_hold_back_its_policy(team):
    policy = team.submit(title="关于促进就业的若干政策", kind="policy")
    interp = team.submit(f"咨询电话由张三（身份证号 {ID_NUMBER}）负责。\n", title=f"解读：{MARK}",
                         interprets=policy.id)
    assert {(f.location.part, f.category) for f in interp.findings if f.severity == "error"} == {
        ("title", "secrecy"), ("body", "pii")}
    team.walk(policy.id)
    blockers = drafts.show(team.ctx, team["ling"], policy.id).blockers
    assert any(b.startswith(f"政策解读（稿件 #{interp.id}）") and "（标题）" in b for b in blockers)
    assert published(team) == []

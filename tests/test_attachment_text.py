"""Reading attachments for the automated pass: the text of each type, passage by passage, within
bounds; a file that cannot be read is refused in Chinese (or, once stored, says why)."""

from __future__ import annotations

import io

import pytest

from checking.located import Location
from review.refusals import InvalidInput
from sanshen.service import ooxml, pdf_text
from sanshen.service.attachment_text import accepted_type, attachment_text, stored_attachment_text
from tests.attachment_files import docx_file, pdf_file, xlsx_file, zip_bomb

ID_NUMBER = "11010519491231002X"


def passages(name: str, data: bytes) -> list[tuple[str, str]]:
    return [(p.location.label, p.text) for p in attachment_text(name, data).passages]


def test_a_pdf_is_read_page_by_page():
    data = pdf_file("第一页：会议通知。", "", f"密级：机密★1年 身份证号{ID_NUMBER}")
    assert passages("通知.pdf", data) == [
        ("附件“通知.pdf”第 1 页", "第一页：会议通知。"),
        ("附件“通知.pdf”第 2 页", ""),
        ("附件“通知.pdf”第 3 页", f"密级：机密★1年 身份证号{ID_NUMBER}"),
    ]


def test_a_workbook_is_read_sheet_by_sheet_hidden_sheets_too():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_file({"汇总": [["合计", 3]], "名单": [["张三", ID_NUMBER]]})))
    book["名单"].sheet_state = "hidden"
    buf = io.BytesIO()
    book.save(buf)
    assert passages("名单.xlsx", buf.getvalue()) == [
        ("附件“名单.xlsx”工作表“汇总”", "合计\t3"),
        ("附件“名单.xlsx”工作表“名单”", f"张三\t{ID_NUMBER}"),
    ]


def test_a_word_file_is_read_whole_with_its_headers():
    data = docx_file("第一段。", f"第二段：{ID_NUMBER}", header="机密★1年")
    assert passages("报告.docx", data) == [("附件“报告.docx”", f"第一段。\n第二段：{ID_NUMBER}\n机密★1年")]


@pytest.mark.parametrize("name", ["说明.txt", "说明.MD", "名单.csv", "页面.html"])
def test_text_files_are_read_as_they_are(name):
    assert passages(name, f"\ufeff张三,{ID_NUMBER}".encode()) == [(f"附件“{name}”", f"张三,{ID_NUMBER}")]


def test_images_have_nothing_to_read():
    assert attachment_text("扫描件.JPG", b"\xff\xd8\xff").passages == ()


@pytest.mark.parametrize(("name", "data", "code", "says"), [
    ("坏.pdf", b"%PDF-1.4\nnot really", "bad_pdf", "不是有效的 PDF 文件"),
    ("坏.xlsx", b"not a zip", "bad_xlsx", "不是有效的 .xlsx 文件"),
    ("坏.docx", b"not a zip", "bad_docx", "不是有效的 .docx 文件"),
    ("说明.txt", "正文".encode("gbk"), "not_utf8", "不是 UTF-8 编码"),
    ("旧格式.doc", b"\xd0\xcf\x11\xe0", "bad_attachment_type", "请另存为 .docx、.xlsx 或 .pdf 后上传"),
])
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(name, data, code, says):
    with pytest.raises(InvalidInput) as e:
        attachment_text(name, data)
    assert e.value.code == code and f"附件“{name}”" in e.value.message and says in e.value.message
    stored = stored_attachment_text(name, data)
    assert stored.passages == () and stored.unreadable == f"附件无法读取：{e.value.message}"


@pytest.mark.parametrize("name", ["旧格式.doc", "程序.exe", "无后缀", "压缩包.ZIP"])
def test_a_type_the_pass_cannot_read_is_refused_by_its_name_alone(name):
    with pytest.raises(InvalidInput) as e:
        accepted_type(name)
    assert e.value.code == "bad_attachment_type" and f"附件“{name}”" in e.value.message


@pytest.mark.parametrize("name", ["名单.PDF", "表.xlsx", "稿.docx", "说明.txt", "扫描件.jpeg"])
def test_a_type_the_pass_reads_is_accepted_by_its_name(name):
    assert accepted_type(name) == name[name.rindex("."):].lower()


def test_an_encrypted_pdf_is_refused():
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_file("内部名单"))))
    writer.encrypt(user_password="mima", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InvalidInput) as e:
        attachment_text("名单.pdf", buf.getvalue())
    assert e.value.code == "bad_pdf" and "已加密" in e.value.message


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_UNPACKED_BYTES", 1024 * 1024)
    with pytest.raises(InvalidInput) as e:
        attachment_text("炸弹.xlsx", zip_bomb("xl/worksheets/sheet1.xml", 2 * 1024 * 1024))
    assert e.value.code == "xlsx_too_large" and "解压后" in e.value.message


def test_too_many_pages_or_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(pdf_text, "MAX_PAGES", 2)
    with pytest.raises(InvalidInput) as e:
        attachment_text("长.pdf", pdf_file("一", "二", "三"))
    assert e.value.code == "pdf_too_large"
    with pytest.raises(InvalidInput) as e:
        pdf_text.pdf_pages("附件“长.pdf”", pdf_file("一二三", "四五六"), max_chars=4)
    assert e.value.code == "attachment_too_big" and "拆分" in e.value.message


def test_text_no_database_can_store_is_replaced():
    [passage] = attachment_text("坏字.txt", "甲\x00乙".encode()).passages
    assert passage.text == "甲 乙" and passage.location == Location.of_attachment("坏字.txt")

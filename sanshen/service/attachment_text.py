"""What the automated pass reads of an attachment: its text, by file type, passage by passage
(a PDF page by page, a workbook sheet by sheet, any other file whole)."""

from __future__ import annotations

from pathlib import PurePath

from checking.draft import AttachmentText, Passage
from checking.located import Location
from review.refusals import InvalidInput
from sanshen.service.ooxml import docx_all_text, xlsx_sheets
from sanshen.service.pdf_text import pdf_pages
from sanshen.service.text_limit import MAX_ATTACHMENT_TEXT_CHARS, too_much_text
from sanshen.service.validate import decode_utf8

TEXT_SUFFIXES = (".txt", ".md", ".csv", ".htm", ".html")  # UTF-8 text, checked as it is
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")  # nothing to read
READABLE = "、".join((".docx", ".xlsx", ".pdf", *TEXT_SUFFIXES))
UNREADABLE = "附件无法读取："  # how the finding of a stored attachment the pass cannot read starts


def attachment_text(name: str, data: bytes, *, max_chars: int = MAX_ATTACHMENT_TEXT_CHARS) -> AttachmentText:
    """The attachment's text to check; a file that cannot be read, or holds more than ``max_chars``
    characters (a workbook or PDF is read no further), is refused with the reason."""
    label = f"附件“{name}”"
    suffix = accepted_type(name)
    whole = Location.of_attachment(name)
    if suffix in TEXT_SUFFIXES:
        passages = [Passage(whole, decode_utf8(data, source=label))]
    elif suffix == ".docx":
        passages = [Passage(whole, docx_all_text(label, data))]
    elif suffix == ".xlsx":
        passages = [Passage(Location.of_attachment(name, sheet=sheet), text)
                    for sheet, text in xlsx_sheets(label, data, max_chars=max_chars)]
    elif suffix == ".pdf":
        passages = [Passage(Location.of_attachment(name, page=number), text)
                    for number, text in enumerate(pdf_pages(label, data, max_chars=max_chars), 1)]
    else:  # an image: nothing to read
        passages = []
    if sum(len(p.text) for p in passages) > max_chars:
        raise too_much_text(label, max_chars)
    return AttachmentText(name, tuple(Passage(p.location, _storable(p.text)) for p in passages))


def accepted_type(name: str) -> str:
    """The file's suffix (lower case) if it is of a type the pass reads (or an image); any other is
    refused. Only the name is looked at: the check a request makes before storing an attachment
    (reading the file is the automated pass's work, off the request path)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".docx", ".xlsx", ".pdf", *TEXT_SUFFIXES, *IMAGE_SUFFIXES):
        raise InvalidInput("bad_attachment_type",
                           f"附件“{name}” 的格式无法检查其中文字：附件须为 {READABLE} 文件或图片；"
                           "请另存为 .docx、.xlsx 或 .pdf 后上传")
    return suffix


def stored_attachment_text(name: str, data: bytes) -> AttachmentText:
    """The same for an attachment already stored (the automated pass): one that cannot be read is
    an error finding of the pass that says why, not a refusal."""
    try:
        return attachment_text(name, data)
    except InvalidInput as refused:
        return AttachmentText(name, unreadable=f"{UNREADABLE}{refused.message}")


def _storable(text: str) -> str:
    """Text a finding can quote on either database: no NUL, no lone surrogate (a damaged PDF has both)."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")

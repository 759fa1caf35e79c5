"""The text of Office Open XML files (.docx, .xlsx), read within bounds: a file whose parts would
unpack past the limits (a zip bomb) is refused before any part is read. ``label`` names the file
in the refusal ("稿件.docx", "附件“名单.xlsx”")."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from review.refusals import InvalidInput
from sanshen.service.text_limit import too_much_text

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
MAX_SHEET_NAME_CHARS = 31  # Excel's own limit; a longer name comes from a damaged file
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _fits(data: bytes) -> bool:
    """Whether the archive's parts unpack within the limits (raises if it is no zip archive).

    The sizes are the ones the archive declares; zipfile never inflates a member past its
    declared size, so the sum bounds what the readers can read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    return len(members) <= MAX_PARTS and sum(m.file_size for m in members) <= MAX_UNPACKED_BYTES


def _too_large(label: str) -> str:
    return f"{label} 解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB 或部件过多，无法读取"


def _docx_document(label: str, data: bytes):
    import docx  # python-docx; imported here because only uploaded files need it
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        fits = _fits(data)
        document = docx.Document(io.BytesIO(data)) if fits else None
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, LxmlError) as exc:
        raise InvalidInput("bad_docx", f"{label} 不是有效的 .docx 文件（{type(exc).__name__}）") from None
    if document is None:
        raise InvalidInput("docx_too_large", _too_large(label))
    return document


def docx_body_text(label: str, data: bytes) -> str:
    """A draft's body: the paragraphs, then each table row with its cells tab-separated."""
    document = _docx_document(label, data)
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs).strip("\n")


def docx_all_text(label: str, data: bytes) -> str:
    """Every paragraph a reader of the file can see, one a line, in document order: the body with
    its tables and text boxes, then the headers, footers, footnotes, endnotes and comments."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.oxml.parser import parse_xml

    order = (CT.WML_DOCUMENT_MAIN, CT.WML_HEADER, CT.WML_FOOTER, CT.WML_FOOTNOTES, CT.WML_ENDNOTES,
             CT.WML_COMMENTS)
    package = _docx_document(label, data).part.package
    parts = sorted((p for p in package.iter_parts() if p.content_type in order),
                   key=lambda p: order.index(p.content_type))
    return "\n".join(_paragraph_text(p) for part in parts for p in parse_xml(part.blob).iter(f"{W}p"))


def _paragraph_text(paragraph) -> str:
    """The paragraph's own text: a text box inside it is a paragraph of its own."""
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t")
                   if next(t.iterancestors(f"{W}p")) is paragraph)


def xlsx_sheets(label: str, data: bytes, *, max_chars: int) -> list[tuple[str, str]]:
    """Each worksheet's name and text (hidden ones too: they are in the file): a row a line, cells
    tab-separated, formulas as their last computed values."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        fits = _fits(data)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True) if fits else None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError, InvalidFileException) as exc:
        raise InvalidInput("bad_xlsx", f"{label} 不是有效的 .xlsx 文件（{type(exc).__name__}）") from None
    if workbook is None:
        raise InvalidInput("xlsx_too_large", _too_large(label))
    try:
        sheets, chars = [], 0
        for sheet in workbook.worksheets:
            lines = []
            for line in _rows(sheet):
                chars += len(line) + 1
                if chars > max_chars:
                    raise too_much_text(label, max_chars)
                lines.append(line)
            sheets.append((sheet.title[:MAX_SHEET_NAME_CHARS], "\n".join(lines)))
        return sheets
    except (KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise InvalidInput("bad_xlsx", f"{label} 不是有效的 .xlsx 文件（{type(exc).__name__}）") from None
    finally:
        workbook.close()


def _rows(sheet) -> Iterator[str]:
    """The sheet's non-empty rows; the dimension the file declares is ignored (it may be huge or wrong)."""
    sheet.reset_dimensions()
    for row in sheet.iter_rows(values_only=True):
        line = "\t".join("" if v is None else str(v) for v in row).rstrip("\t")
        if line:
            yield line

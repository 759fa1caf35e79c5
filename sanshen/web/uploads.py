"""Turn an uploaded body file (.txt, .md or .docx) into the draft's text."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from review.refusals import InvalidInput
from sanshen.service.validate import decode_utf8

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
BODY_SUFFIXES = (".txt", ".md", ".docx")
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_PARTS = 1000


def body_from_upload(filename: str, data: bytes) -> str:
    name = PurePath(filename or "").name or "上传的文件"
    suffix = PurePath(name).suffix.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("upload_too_large", f"{name} 超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，无法上传")
    if suffix in (".txt", ".md"):
        return decode_utf8(data, source=name)
    if suffix == ".docx":
        return _docx_text(name, data)
    raise InvalidInput("bad_upload_type", f"{name}：正文文件只支持 .txt、.md 或 .docx")


def _check_unpacked_size(name: str, data: bytes) -> None:
    """Refuse a .docx whose parts would unpack to more than MAX_DOCX_UNPACKED_BYTES (a zip bomb).

    The sizes are the ones the archive declares; zipfile never inflates a member past its
    declared size, so the sum bounds what python-docx can read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput("bad_docx", f"{name} 不是有效的 .docx 文件（{type(exc).__name__}）") from None
    if len(members) > MAX_DOCX_PARTS or sum(m.file_size for m in members) > MAX_DOCX_UNPACKED_BYTES:
        raise InvalidInput("docx_too_large",
                           f"{name} 解压后超过 {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB 或部件过多，无法读取")


def _docx_text(name: str, data: bytes) -> str:
    import docx  # python-docx; imported here because only uploads need it
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    _check_unpacked_size(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, LxmlError) as exc:
        raise InvalidInput("bad_docx", f"{name} 不是有效的 .docx 文件（{type(exc).__name__}）") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs).strip("\n")

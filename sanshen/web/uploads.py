"""Turn an uploaded body file (.txt, .md or .docx) into the draft's text."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from sanshen.service.errors import BadInput
from sanshen.service.validate import decode_utf8

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
BODY_SUFFIXES = (".txt", ".md", ".docx")


def body_from_upload(filename: str, data: bytes) -> str:
    name = PurePath(filename or "").name or "上传的文件"
    suffix = PurePath(name).suffix.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadInput("upload_too_large", f"{name} 超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，无法上传")
    if suffix in (".txt", ".md"):
        return decode_utf8(data, source=name)
    if suffix == ".docx":
        return _docx_text(name, data)
    raise BadInput("bad_upload_type", f"{name}：正文文件只支持 .txt、.md 或 .docx")


def _docx_text(name: str, data: bytes) -> str:
    import docx  # python-docx; imported here because only uploads need it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BadInput("bad_docx", f"{name} 不是有效的 .docx 文件（{type(exc).__name__}）") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs).strip("\n")

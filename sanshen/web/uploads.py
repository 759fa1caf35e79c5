"""Turn an uploaded body file (.txt, .md or .docx) into the draft's text."""

from __future__ import annotations

from pathlib import PurePath

from review.refusals import InvalidInput
from sanshen.service.ooxml import docx_body_text
from sanshen.service.validate import decode_utf8

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
BODY_SUFFIXES = (".txt", ".md", ".docx")


def body_from_upload(filename: str, data: bytes) -> str:
    name = PurePath(filename or "").name or "上传的文件"
    suffix = PurePath(name).suffix.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("upload_too_large", f"{name} 超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，无法上传")
    if suffix in (".txt", ".md"):
        return decode_utf8(data, source=name)
    if suffix == ".docx":
        return docx_body_text(name, data)
    raise InvalidInput("bad_upload_type", f"{name}：正文文件只支持 .txt、.md 或 .docx")

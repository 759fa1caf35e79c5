"""Reading the fields of multipart forms that pages share."""

from __future__ import annotations

import base64
import binascii

from starlette.datastructures import FormData, UploadFile

from review.refusals import InvalidInput
from sanshen.service.drafts import AttachmentChange, AttachmentInput
from sanshen.service.validate import MAX_ROW_ID, decimal_id
from sanshen.web.uploads import MAX_UPLOAD_BYTES, body_from_upload


def _is_file(value: object) -> bool:
    return isinstance(value, UploadFile) and bool(value.filename)


async def body_from_form(form: FormData) -> str:
    """The uploaded body file if one was chosen, else the typed text."""
    upload = form.get("body_file")
    if _is_file(upload):
        return body_from_upload(upload.filename, await upload.read(MAX_UPLOAD_BYTES + 1))
    return str(form.get("body", "")).replace("\r\n", "\n")


async def read_attachments(values: list) -> tuple[AttachmentInput, ...]:
    """Each chosen file, read whole (bounded by the upload limit)."""
    out = []
    for value in values:
        if not _is_file(value):
            continue
        data = await value.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InvalidInput("upload_too_large", f"附件 {value.filename} 超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        out.append(AttachmentInput(filename=value.filename, data=data,
                                   media_type=value.content_type or "application/octet-stream"))
    return tuple(out)


# A revision's new attachments are carried through its confirm page (no JavaScript: a chosen file
# cannot be re-chosen for the user) as Base64 fields, so those fields may be as large as a file.
CARRY_PART_BYTES = MAX_UPLOAD_BYTES * 4 // 3 + 1024


async def attachment_change(form: FormData) -> AttachmentChange:
    """A revision's attachment changes from its form: files chosen, files carried through the confirm
    page (``carried_name``/``carried_data``), and the names ticked for removal."""
    chosen = await read_attachments(form.getlist("attachments"))
    carried = []
    for name, data in zip(form.getlist("carried_name"), form.getlist("carried_data"), strict=False):
        try:
            carried.append(AttachmentInput(filename=str(name), data=base64.b64decode(str(data), validate=True)))
        except (binascii.Error, ValueError):
            raise InvalidInput("bad_base64", f"附件“{name}”在确认页中被改动，请重新上传") from None
    remove = tuple(str(v) for v in form.getlist("remove_attachment") if str(v))
    return AttachmentChange(add=chosen + tuple(carried), remove=remove)


def carried_attachments(change: AttachmentChange) -> list[tuple[str, str]]:
    """The new files of a revision as (name, Base64) for the confirm page's hidden fields."""
    return [(a.filename, base64.b64encode(a.data).decode("ascii")) for a in change.add]


def optional_int(value: object, *, what: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    number = decimal_id(text)
    if number is None:
        raise InvalidInput("bad_number", f"{what}必须是正整数（不超过 {MAX_ROW_ID}）")
    return number

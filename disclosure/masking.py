"""How an applicant's personal data is shown outside the request itself (lists, exports, the audit
trail): names keep their first character, ID numbers their first 6 and last 4 (docs/domain.md §5),
long digit runs (phone numbers) their first 3 and last 4, e-mail addresses their first character."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d{7,}")
_EMAIL = re.compile(r"([\w.+-])[\w.+-]*@")


def mask_name(name: str, *, organisation: bool = False) -> str:
    """A person's name as 张* / 欧** ; an organisation's name is public and stays as it is."""
    name = name.strip()
    if organisation or len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_contact(text: str) -> str:
    """Phone numbers and e-mail addresses in free text masked; a postal address keeps only its first 6 characters."""
    masked = _DIGITS.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 7) + m.group()[-4:], text)
    masked = _EMAIL.sub(lambda m: m.group(1) + "***@", masked)
    if masked == text and len(text) > 6:  # neither phone nor e-mail: an address
        return text[:6] + "…"
    return masked

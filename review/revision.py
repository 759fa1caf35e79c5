"""What a revision's sign-offs bind to: the SHA-256 of its canonical serialisation (docs/architecture.md §2)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def publish_meta(*, column: str, kind: str, disclosure: str | None, interprets: int | None) -> dict:
    """The metadata that changes what is published, part of every revision's hash."""
    return {"column": column, "kind": kind, "disclosure": disclosure, "interprets": interprets}


def canonical_revision(title: str, body: str, attachment_sha256: Iterable[str], meta: dict) -> bytes:
    doc = {"title": title, "body": body, "attachments": sorted(attachment_sha256), "meta": meta}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(title: str, body: str, attachment_sha256: Iterable[str], meta: dict) -> str:
    """SHA-256 of a revision's canonical serialisation (what sign-offs bind to)."""
    return hashlib.sha256(canonical_revision(title, body, attachment_sha256, meta)).hexdigest()

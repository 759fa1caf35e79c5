"""What a revision's sign-offs bind to: the SHA-256 of its canonical serialisation (docs/architecture.md §2).

Two definitions, told apart by the stored hash itself (no version is stored beside it):

- definition 1 (every revision stored before names were covered): the attachments are the sorted
  list of their SHA-256 hex strings; a file's name is not hashed.
- definition 2 (current): the attachments are the list of ``{"name", "sha256"}`` objects sorted by
  (name, SHA-256); the published file name is hashed with the bytes.

The rest of the document (title, body, publish metadata; compact, key-sorted, UTF-8 JSON) is the
same in both, so a revision without attachments has the same hash under both. The two documents
differ whenever a revision has an attachment (a string in one list, an object in the other), so the
stored hash of a revision with attachments matches at most one of them; :func:`verified_definition`
says which.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

HASH_DEFINITION = 2
DEFINITIONS = (2, 1)  # newest first: the order a stored hash is tried in


def publish_meta(*, column: str, kind: str, disclosure: str | None, interprets: int | None) -> dict:
    """The metadata that changes what is published, part of every revision's hash."""
    return {"column": column, "kind": kind, "disclosure": disclosure, "interprets": interprets}


def canonical_revision(title: str, body: str, attachments: Iterable[tuple[str, str]], meta: dict, *,
                       definition: int = HASH_DEFINITION) -> bytes:
    """``attachments``: (file name, SHA-256 hex) of each attachment, in any order."""
    files = [(name, sha) for name, sha in attachments]
    if definition == 1:
        listed: list = sorted(sha for _, sha in files)
    elif definition == 2:
        listed = [{"name": name, "sha256": sha} for name, sha in sorted(files)]
    else:
        raise ValueError(f"unknown content hash definition {definition}")
    doc = {"title": title, "body": body, "attachments": listed, "meta": meta}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(title: str, body: str, attachments: Iterable[tuple[str, str]], meta: dict, *,
                 definition: int = HASH_DEFINITION) -> str:
    """SHA-256 of a revision's canonical serialisation (what sign-offs bind to)."""
    return hashlib.sha256(canonical_revision(title, body, attachments, meta, definition=definition)).hexdigest()


def verified_definition(stored: str, title: str, body: str, attachments: Iterable[tuple[str, str]],
                        meta: dict) -> int | None:
    """The definition under which these contents hash to ``stored`` (None: they do not; the rows
    are not what was signed)."""
    files = [(name, sha) for name, sha in attachments]
    for definition in DEFINITIONS:
        if content_hash(title, body, files, meta, definition=definition) == stored:
            return definition
    return None

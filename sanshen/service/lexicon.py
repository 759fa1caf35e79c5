"""Admin edits to the lexicon: stored in the database, merged over the files, each one audited.

Nothing is deleted: a disable is a new entry with ``enabled`` false, and the newest entry
for a (kind, term) wins. Every change counts one lexicon revision (each process's checker catches
up before its next check) and queues a ``recheck`` of the drafts still in review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import select
from sqlmodel import Session

from lexicon.loader import load_lexicon
from lexicon.model import LexiconError, LexiconOverride, LexiconTerm, TermKind, make_term
from lexicon.normalize import fold
from review.refusals import InvalidInput, NotPermitted
from sanshen.service.tx import action, reading
from sanshen.service.views import LexiconEntryView, UserView
from storage import lexicon_revision
from storage.audit import append_event
from storage.models import LexiconEntry
from storage.outbox import enqueue

if TYPE_CHECKING:
    from sanshen.service.context import AppContext

COLUMNS = ("kind", "term", "correct", "category", "severity", "note")
FORMATS = ("tsv", "jsonl")
MAX_IMPORT = 50_000


# An entry as an admin types it: the fields of the override it becomes.
LexiconInput = LexiconOverride


def _view(e: LexiconEntry) -> LexiconEntryView:
    return LexiconEntryView(id=e.id, kind=e.kind, term=e.term, correct=e.correct, category=e.category,
                            severity=e.severity, note=e.note, enabled=e.enabled, created_by=e.created_by,
                            created_at=e.created_at)


def _require_admin(actor: UserView) -> None:
    if not actor.has_role("admin"):
        raise NotPermitted("forbidden", "只有管理员（admin）可以修改词库")


def _validated(entry: LexiconInput, where: str) -> LexiconInput:
    try:
        t = make_term(where, entry.kind, entry.term, entry.correct, entry.category, entry.severity, entry.note)
    except LexiconError as exc:
        raise InvalidInput("bad_lexicon_entry", str(exc)) from None
    return LexiconInput(kind=str(t.kind), term=t.term, correct=t.correct, category=str(t.category),
                        severity=str(t.severity), note=t.note)


def _effective(session: Session) -> list[LexiconEntry]:
    """The newest entry of each (kind, folded term), in the order they were first added."""
    latest: dict[tuple[str, str], LexiconEntry] = {}
    for e in session.scalars(select(LexiconEntry).order_by(LexiconEntry.id)):
        latest.pop((e.kind, fold(e.term)), None)
        latest[(e.kind, fold(e.term))] = e
    return list(latest.values())


def list_entries(ctx: "AppContext", *, include_disabled: bool = False) -> list[LexiconEntryView]:
    with reading(ctx) as session:
        return [_view(e) for e in _effective(session) if include_disabled or e.enabled]


def _record(ctx: "AppContext", session: Session, actor: UserView, action_name: str, payload: dict, *,
            now: datetime) -> None:
    event = append_event(session, action=action_name, actor=actor.name, draft_id=None, payload=payload, at=now)
    lexicon_revision.bump(session)
    enqueue(session, kind="recheck", key=f"recheck:{event.seq}", payload={}, now=now)
    # and the pages on the site: a sweep per change, skipped when a later change has its own
    number = lexicon_revision.current_in(session)
    enqueue(session, kind="sitesweep", key=f"sitesweep:lexicon:{event.seq}",
            payload={"trigger": "lexicon", "lexicon_revision": number}, now=now)


def _insert(session: Session, actor: UserView, entry: LexiconInput, *, enabled: bool, now: datetime) -> LexiconEntry:
    row = LexiconEntry(kind=entry.kind, term=entry.term, correct=entry.correct, category=entry.category,
                       severity=entry.severity, note=entry.note, enabled=enabled, created_by=actor.name,
                       created_at=now)
    session.add(row)
    session.flush()
    return row


def add_entry(ctx: "AppContext", actor: UserView, entry: LexiconInput, *, now: datetime) -> LexiconEntryView:
    _require_admin(actor)
    entry = _validated(entry, f"词条“{entry.term}”")
    with action(ctx) as session:
        row = _insert(session, actor, entry, enabled=True, now=now)
        _record(ctx, session, actor, "lexicon.added", {"id": row.id, **_payload(entry)}, now=now)
        view = _view(row)
    return view


def disable_entry(ctx: "AppContext", actor: UserView, kind: str, term: str, *, note: str = "",
                  now: datetime) -> LexiconEntryView:
    """Switch a term off, whether it came from the files or from an earlier edit."""
    _require_admin(actor)
    with action(ctx) as session:
        previous = next((e for e in reversed(_effective(session))
                         if e.kind == kind and fold(e.term) == fold(term)), None)
        base = (LexiconInput(kind=kind, term=term, correct=previous.correct, category=previous.category,
                             severity=previous.severity, note=note or previous.note)
                if previous else LexiconInput(kind=kind, term=term, note=note))
        entry = _validated(base, f"词条“{term}”")
        row = _insert(session, actor, entry, enabled=False, now=now)
        _record(ctx, session, actor, "lexicon.disabled", {"id": row.id, "kind": entry.kind, "term": entry.term,
                                                          "note": entry.note}, now=now)
        view = _view(row)
    return view


def _payload(entry: LexiconInput) -> dict:
    return {c: getattr(entry, c) for c in COLUMNS}


def parse_entries(text: str, *, source: str, fmt: str) -> list[LexiconInput]:
    """TSV (kind, term, correct, category, severity, note; # comments) or JSON Lines; every line validated."""
    if fmt not in FORMATS:
        raise InvalidInput("bad_format", f"未知的词库格式“{fmt}”；可用：{'、'.join(FORMATS)}")
    entries: list[LexiconInput] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source} 第 {number} 行"
        if fmt == "tsv":
            cells = line.split("\t")
            if number == 1 and cells[0].strip() == "kind":
                continue
            if len(cells) < 2 or len(cells) > len(COLUMNS):
                raise InvalidInput("bad_lexicon_line", f"{where}：应为 2–{len(COLUMNS)} 列，用制表符分隔（现为 {len(cells)} 列）")
            raw = dict(zip(COLUMNS, cells))
        else:
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput("bad_lexicon_line", f"{where}：不是合法的 JSON（{exc.msg}）") from None
            if not isinstance(raw, dict) or not {"kind", "term"} <= raw.keys():
                raise InvalidInput("bad_lexicon_line", f"{where}：须是含 kind 与 term 的 JSON 对象")
        entries.append(_validated(LexiconInput(
            kind=str(raw.get("kind", "")), term=str(raw.get("term", "")),
            correct=(str(raw["correct"]) if raw.get("correct") else None),
            category=(str(raw["category"]) if raw.get("category") else None),
            severity=str(raw.get("severity") or "error"), note=str(raw.get("note") or ""),
        ), where))
        if len(entries) > MAX_IMPORT:
            raise InvalidInput("too_many", f"{source} 超过 {MAX_IMPORT} 条")
    if not entries:
        raise InvalidInput("empty_import", f"{source} 中没有词条")
    return entries


def import_entries(ctx: "AppContext", actor: UserView, entries: Iterable[LexiconInput], *, source: str,
                   now: datetime) -> int:
    """Add validated entries in one transaction: all of them or none."""
    _require_admin(actor)
    entries = list(entries)
    with action(ctx) as session:
        for entry in entries:
            _insert(session, actor, entry, enabled=True, now=now)
        _record(ctx, session, actor, "lexicon.imported", {"source": source, "count": len(entries)}, now=now)
    return len(entries)


def export_entries(ctx: "AppContext", out: TextIO, *, fmt: str = "tsv") -> int:
    if fmt not in FORMATS:
        raise InvalidInput("bad_format", f"未知的词库格式“{fmt}”；可用：{'、'.join(FORMATS)}")
    entries = list_entries(ctx)
    if fmt == "tsv":
        out.write("\t".join(COLUMNS) + "\n")
        for e in entries:
            out.write("\t".join([e.kind, e.term, e.correct or "", e.category, e.severity, e.note]) + "\n")
    else:
        for e in entries:
            out.write(json.dumps({c: getattr(e, c) for c in COLUMNS}, ensure_ascii=False) + "\n")
    return len(entries)


@cache
def _builtin() -> tuple[LexiconTerm, ...]:
    """The lexicon files shipped with sanshen (lexicon/data/), read once: they change only with a release."""
    return tuple(t for kind in TermKind for t in load_lexicon().of_kind(kind))


def search_builtin(needle: str, *, limit: int = 500) -> tuple[int, list[LexiconTerm]]:
    """Built-in entries whose term, correct form, accepted variants or note contain ``needle``
    (folded: full/half width and traditional forms match); the count and the first ``limit``."""
    key = fold(needle.strip())
    if not key:
        return 0, []
    found = [t for t in _builtin()
             if key in fold(t.term) or key in fold(t.correct or "") or key in fold(t.note)
             or any(key in fold(a) for a in t.allowed)]
    return len(found), found[:limit]

"""A diff a reviewer reads: lines compared first, then, inside each changed line, characters
(difflib on the characters of a replaced line paired with its counterpart). Chinese text has no
spaces, so a word diff would mark whole sentences; characters show the one changed 字.

Pure: text in, views out."""

from __future__ import annotations

import difflib

from sanshen.service.views import DiffLine, DiffPiece, DiffStats

# A replaced line pair whose characters are less alike than this is shown as a deletion and an insertion.
MIN_LIKENESS = 0.3


def _pieces(old: str, new: str) -> tuple[DiffPiece, ...]:
    out: list[DiffPiece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(DiffPiece(kind="same", text=old[a1:a2]))
            continue
        if a2 > a1:
            out.append(DiffPiece(kind="del", text=old[a1:a2]))
        if b2 > b1:
            out.append(DiffPiece(kind="ins", text=new[b1:b2]))
    return tuple(out)


def _replaced(old_lines: list[str], new_lines: list[str], old_no: int, new_no: int) -> list[DiffLine]:
    """A block of replaced lines: pair each old line with the most alike new line in order; the
    rest are whole-line deletions and insertions."""
    out: list[DiffLine] = []
    j = 0
    for i, old in enumerate(old_lines):
        best, best_ratio = None, MIN_LIKENESS
        for k in range(j, len(new_lines)):
            ratio = difflib.SequenceMatcher(None, old, new_lines[k], autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            out.append(DiffLine(kind="del", old_no=old_no + i, new_no=None, pieces=(DiffPiece(kind="del", text=old),)))
            continue
        for k in range(j, best):
            out.append(DiffLine(kind="ins", old_no=None, new_no=new_no + k,
                                pieces=(DiffPiece(kind="ins", text=new_lines[k]),)))
        out.append(DiffLine(kind="chg", old_no=old_no + i, new_no=new_no + best,
                            pieces=_pieces(old, new_lines[best])))
        j = best + 1
    for k in range(j, len(new_lines)):
        out.append(DiffLine(kind="ins", old_no=None, new_no=new_no + k, pieces=(DiffPiece(kind="ins", text=new_lines[k]),)))
    return out


def char_diff(old: str, new: str) -> tuple[tuple[DiffLine, ...], DiffStats]:
    """Every line of ``new`` and the deleted lines of ``old``, in reading order; line numbers from 1."""
    a, b = old.split("\n"), new.split("\n")
    lines: list[DiffLine] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine(kind="same", old_no=a1 + k + 1, new_no=b1 + k + 1,
                               pieces=(DiffPiece(kind="same", text=a[a1 + k]),)) for k in range(a2 - a1)]
        elif op == "delete":
            lines += [DiffLine(kind="del", old_no=k + 1, new_no=None, pieces=(DiffPiece(kind="del", text=a[k]),))
                      for k in range(a1, a2)]
        elif op == "insert":
            lines += [DiffLine(kind="ins", old_no=None, new_no=k + 1, pieces=(DiffPiece(kind="ins", text=b[k]),))
                      for k in range(b1, b2)]
        else:
            lines += _replaced(a[a1:a2], b[b1:b2], a1 + 1, b1 + 1)
    stats = DiffStats(changed=sum(1 for x in lines if x.kind == "chg"),
                      deleted=sum(1 for x in lines if x.kind == "del"),
                      inserted=sum(1 for x in lines if x.kind == "ins"))
    return tuple(lines), stats

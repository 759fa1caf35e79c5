"""Read the lexicon files under ``lexicon/data/`` (TSV, one entry a line, ``#`` comments)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lexicon.model import Lexicon, LexiconError, LexiconTerm, TermKind, make_term
from lexicon.normalize import fold

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class FileSpec:
    """How the columns of one file map to entry fields."""

    kind: TermKind
    columns: tuple[str, ...]  # field names in order; the first ``required`` must be present
    required: int


FILES: dict[str, FileSpec] = {
    "formulations.tsv": FileSpec(TermKind.FORMULATION, ("term", "note", "allowed", "reference"), 1),
    "banned.tsv": FileSpec(TermKind.BANNED, ("term", "correct", "severity", "note", "context"), 3),
    "misspellings.tsv": FileSpec(TermKind.TYPO, ("correct", "term"), 2),
    "context.tsv": FileSpec(TermKind.CONTEXT, ("term", "correct", "note", "context"), 2),
    "secrecy.tsv": FileSpec(TermKind.SECRECY, ("term", "severity", "note"), 2),
    "allow.tsv": FileSpec(TermKind.ALLOW, ("term", "note"), 1),
}
DEFAULT_SEVERITY = {TermKind.CONTEXT: "warning", TermKind.ALLOW: "info"}
ALLOWED_SEPARATOR = "|"  # between the accepted forms in one cell (terms themselves contain 、 and ，)


def parse_lines(name: str, text: str, spec: FileSpec) -> list[LexiconTerm]:
    terms = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{name}:{lineno}"
        cells = line.split("\t")
        if len(cells) < spec.required:
            raise LexiconError(where, f"应有至少 {spec.required} 列（以制表符分隔），实际 {len(cells)} 列")
        if len(cells) > len(spec.columns):
            raise LexiconError(where, f"最多 {len(spec.columns)} 列，实际 {len(cells)} 列")
        fields = dict(zip(spec.columns, cells))
        correct = fields.get("correct")
        if correct is not None and correct.strip() == "-":
            correct = None
        terms.append(
            make_term(
                where,
                spec.kind,
                fields["term"],
                correct,
                None,
                fields.get("severity") or DEFAULT_SEVERITY.get(spec.kind, "error"),
                fields.get("note", ""),
                allowed=fields.get("allowed", "").split(ALLOWED_SEPARATOR),
                context=fields.get("context", ""),
                reference=fields.get("reference", ""),
            )
        )
    return terms


def load_lexicon(directory: Path = DATA_DIR) -> Lexicon:
    """All known files in ``directory``; a missing file is an empty list, an unknown one an error."""
    terms: list[LexiconTerm] = []
    for path in sorted(directory.glob("*.tsv")):
        spec = FILES.get(path.name)
        if spec is None:
            raise LexiconError(str(path), f"未知的词库文件（可用：{'、'.join(FILES)}）")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise LexiconError(str(path), f"不是 UTF-8 编码（第 {exc.start} 字节）") from None
        terms.extend(parse_lines(path.name, text, spec))
    seen: dict[tuple, str] = {}
    for t in terms:
        for key in (t.key, *((t.kind, fold(a)) for a in t.allowed)):
            if key in seen:
                raise LexiconError(t.source, f"与 {seen[key]} 重复：{key[1]}")
            seen[key] = t.source
    return Lexicon(tuple(terms))

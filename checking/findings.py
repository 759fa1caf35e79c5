"""The finding contract of the automated pass (docs/architecture.md §3).

A finding's ``start``/``end`` are code-point offsets into the exact text that was
checked, so ``text[start:end] == finding.text`` always holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from lexicon.categories import Category, Severity

__all__ = ["Category", "Finding", "Report", "Severity", "quoted"]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    suggestion: str | None
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict:
        d = asdict(self)
        d["category"] = str(self.category)
        d["severity"] = str(self.severity)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        return cls(
            rule=d["rule"],
            category=Category(d["category"]),
            severity=Severity(d["severity"]),
            start=int(d["start"]),
            end=int(d["end"]),
            text=d["text"],
            suggestion=d.get("suggestion"),
            message=d["message"],
        )


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    lexicon_version: str
    categories: tuple[Category, ...] = field(default=tuple(Category))

    @property
    def blocking(self) -> bool:
        return any(f.blocking for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "lexicon_version": self.lexicon_version,
            "blocking": self.blocking,
            "findings": [f.to_dict() for f in self.findings],
        }


def quoted(text: str) -> str:
    """``text`` in the double quotes of a message, its own double quotes made single (GB/T 15834:
    a quotation inside a quotation takes single quotes): “‘三个代表’重要思想”."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"

"""Refusals: what the rules or the input do not allow, each of one kind, raised where it is decided.

A refusal carries a stable English ``code`` and a Chinese ``message`` a person can act on. Its
class says which kind it is; the application shell answers each kind with one exit code and one
HTTP status (``sanshen/service/errors.py``).
"""

from __future__ import annotations


class Refused(Exception):
    """The base of every refusal; raise one of its kinds."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class NotPermitted(Refused):
    """Not for this person: a role they lack, their own draft, separation of duties."""


class InvalidInput(Refused):
    """Malformed input, or input that names something that does not exist."""


class Conflict(Refused):
    """Not in the draft's present state: not open, already signed or waived, a stale hash, someone
    else acted first, or something the rules require before this step is missing."""


def lost_race() -> Conflict:
    """Someone else acted on the draft between this action's read and its write."""
    return Conflict("conflict", "该稿件刚被他人处理，请刷新后重试")

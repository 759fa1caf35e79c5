"""The one place a refusal's kind becomes the CLI's exit code and the HTTP status (docs/architecture.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

from review.refusals import Conflict, InvalidInput, NotPermitted, Refused


class NotFound(InvalidInput):
    """Names a draft, user or attachment that does not exist."""


class AuthError(Refused):
    """Who is asking is not known: no token, a bad one, a failed sign-in."""


class TooLarge(InvalidInput):
    """More to check in one request than one request may ask (HTTP 413)."""


class TooManyRequests(Refused):
    """The same user asked too often in a short time (HTTP 429)."""


@dataclass(frozen=True)
class Answer:
    exit_code: int
    http_status: int


ANSWERS: dict[type[Refused], Answer] = {
    NotPermitted: Answer(exit_code=1, http_status=403),
    Conflict: Answer(exit_code=1, http_status=409),
    InvalidInput: Answer(exit_code=2, http_status=422),
    NotFound: Answer(exit_code=2, http_status=404),
    AuthError: Answer(exit_code=2, http_status=401),
    TooLarge: Answer(exit_code=2, http_status=413),
    TooManyRequests: Answer(exit_code=1, http_status=429),
}


def answer(refused: Refused) -> Answer:
    """The answer to this refusal's kind: that of its nearest class in ``ANSWERS``."""
    for kind in type(refused).__mro__:
        if kind in ANSWERS:
            return ANSWERS[kind]
    raise TypeError(f"{type(refused).__name__} is not a kind of refusal; raise one of {list(ANSWERS)}")

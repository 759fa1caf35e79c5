"""Typed errors of the service layer, each with its CLI exit code and HTTP status."""

from __future__ import annotations

from review.case import CONFLICT_MESSAGE, Refused  # noqa: F401  (CONFLICT_MESSAGE re-exported)

# Refusal codes that mean "you may not do this" rather than "not in this state".
PERMISSION_CODES = frozenset({
    "forbidden",
    "author_signs",
    "missing_role",
    "not_author",
    "separation",
    "not_leader",
    "not_waivable",
})


class ServiceError(Exception):
    code: str = "error"
    message: str = ""
    exit_code: int = 1
    http_status: int = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class RefusedError(ServiceError):
    """The rules refuse the action (exit 1, HTTP 409; 403 when it is a matter of permission)."""

    exit_code = 1

    def __init__(self, code: str, message: str, *, forbidden: bool | None = None) -> None:
        super().__init__(code, message)
        if forbidden is None:
            forbidden = code in PERMISSION_CODES
        self.http_status = 403 if forbidden else 409

    @classmethod
    def from_refused(cls, refused: Refused) -> "RefusedError":
        return cls(refused.code, refused.message)


class BadInput(ServiceError):
    exit_code = 2
    http_status = 422


class NotFound(BadInput):
    http_status = 404


class AuthError(ServiceError):
    exit_code = 2
    http_status = 401


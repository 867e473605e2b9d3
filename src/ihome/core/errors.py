"""Error codes of API.md, the domain errors services raise, and their default messages.

Services raise these; ``ihome.core.handlers`` turns them into the JSON envelope under ``/api``
and into a friendly page elsewhere.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l


class RET(StrEnum):
    """The errno table of API.md."""

    OK = "0"
    DBERR = "4001"
    NODATA = "4002"
    DATAEXIST = "4003"
    DATAERR = "4004"
    SESSIONERR = "4101"
    LOGINERR = "4102"
    PARAMERR = "4103"
    USERERR = "4104"
    ROLEERR = "4105"
    PWDERR = "4106"
    REQERR = "4201"
    IPERR = "4202"
    THIRDERR = "4301"
    IOERR = "4302"
    SERVERERR = "4500"
    UNKOWNERR = "4501"


MESSAGES = {
    RET.OK: _l("Success"),
    RET.DBERR: _l("The service is temporarily unavailable, please try again later"),
    RET.NODATA: _l("Not found"),
    RET.DATAEXIST: _l("Already exists"),
    RET.DATAERR: _l("Data error"),
    RET.SESSIONERR: _l("Please log in first"),
    RET.LOGINERR: _l("Wrong mobile number or password"),
    RET.PARAMERR: _l("Invalid parameters"),
    RET.USERERR: _l("Account not allowed to do this"),
    RET.ROLEERR: _l("You are not allowed to do this"),
    RET.PWDERR: _l("Password error"),
    RET.REQERR: _l("Too many requests, please try again later"),
    RET.IPERR: _l("Your address is blocked"),
    RET.THIRDERR: _l("An outside service failed, please try again later"),
    RET.IOERR: _l("File read or write failed"),
    RET.SERVERERR: _l("Internal server error"),
    RET.UNKOWNERR: _l("Unknown error"),
}


class DomainError(Exception):
    """A business rule said no. Carries an errno, an HTTP status and a user-facing message."""

    errno: RET = RET.UNKOWNERR
    status: int = 500

    def __init__(self, message: Any = None, *, data: Any = None, headers: dict[str, str] | None = None):
        super().__init__(str(message) if message is not None else str(MESSAGES[self.errno]))
        self.message = message if message is not None else MESSAGES[self.errno]
        self.data = data
        self.headers = headers or {}


class Unavailable(DomainError):
    errno, status = RET.DBERR, 503


class NotFound(DomainError):
    errno, status = RET.NODATA, 404


class AlreadyExists(DomainError):
    errno, status = RET.DATAEXIST, 409


class DataError(DomainError):
    """Data is wrong (a code mismatch): 400."""

    errno, status = RET.DATAERR, 400


class Conflict(DomainError):
    """The object's state or the dates forbid it: 409."""

    errno, status = RET.DATAERR, 409


class Unauthorized(DomainError):
    errno, status = RET.SESSIONERR, 401


class LoginFailed(DomainError):
    errno, status = RET.LOGINERR, 401


class Invalid(DomainError):
    """A parameter is missing, malformed or out of range; ``fields`` says which and why."""

    errno, status = RET.PARAMERR, 400

    def __init__(self, message: Any = None, *, fields: dict[str, list[str]] | None = None, **kwargs: Any):
        super().__init__(message, data={"fields": fields} if fields else None, **kwargs)
        self.fields = fields or {}


class VerificationRequired(DomainError):
    """The account may not do this (disabled, or real-name verification needed first)."""

    errno, status = RET.USERERR, 403


class Forbidden(DomainError):
    """Not yours: not the owner, host or guest."""

    errno, status = RET.ROLEERR, 403


class PasswordInvalid(DomainError):
    errno, status = RET.PWDERR, 400


class RateLimited(DomainError):
    errno, status = RET.REQERR, 429

    def __init__(self, message: Any = None, *, retry_after: int = 60, **kwargs: Any):
        retry_after = max(1, int(retry_after))
        super().__init__(message, headers={"Retry-After": str(retry_after)}, **kwargs)
        self.retry_after = retry_after


class ProviderFailed(DomainError):
    errno, status = RET.THIRDERR, 502


class StorageFailed(DomainError):
    errno, status = RET.IOERR, 500

"""One place that turns every failure into the API envelope or a friendly page.

Under ``/api/`` a client always receives ``{"errno", "errmsg", "data"}`` with a meaningful HTTP
status; everywhere else a translated HTML page. A traceback is logged with the request id and
never sent to the client.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
from typing import Any

import redis.exceptions
from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from ihome.core import inputs
from ihome.core.errors import MESSAGES, RET, DomainError
from ihome.core.responses import envelope

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Request ids: a random prefix per process and a counter, unique across processes and restarts
# without asking the OS for random bytes on every request (what uuid4 does). Re-made after a fork.
_ids: dict[int, tuple[str, itertools.count]] = {}


def new_request_id() -> str:
    """A fresh request id: 32 hex characters, like the uuid4 hex it replaces."""
    pid = os.getpid()
    entry = _ids.get(pid)
    if entry is None:
        entry = _ids[pid] = (secrets.token_hex(8), itertools.count(1))
    return f"{entry[0]}{next(entry[1]):016x}"

# HTTP statuses werkzeug or APIFlask raise on their own, mapped to the errno table.
STATUS_ERRNO = {
    400: RET.PARAMERR,
    401: RET.SESSIONERR,
    403: RET.ROLEERR,
    404: RET.NODATA,
    405: RET.PARAMERR,
    409: RET.DATAERR,
    413: RET.PARAMERR,
    415: RET.PARAMERR,
    422: RET.PARAMERR,
    429: RET.REQERR,
    502: RET.THIRDERR,
    503: RET.DBERR,
}


def wants_json() -> bool:
    """API paths always answer JSON; pages answer HTML."""
    return request.path.startswith("/api/")


def _status_message(status: int) -> str:
    messages = {
        404: _("The requested resource does not exist"),
        405: _("Method not allowed"),
        413: _("The request body is too large"),
        415: _("Unsupported content type"),
        429: _("Too many requests, please try again later"),
    }
    if status in messages:
        return messages[status]
    return str(MESSAGES[STATUS_ERRNO.get(status, RET.SERVERERR)])


def _bad_body_message() -> str | None:
    """A clearer message for a body that is not JSON, or not JSON of the right type."""
    if request.method in {"POST", "PUT", "PATCH"} and request.content_length:
        if not request.is_json and request.mimetype not in {"multipart/form-data",
                                                             "application/x-www-form-urlencoded"}:
            return _("The request body must be JSON (Content-Type: application/json)")
        if request.is_json and request.get_json(silent=True) is None:
            return _("The request body is not valid JSON")
    return None


def _fields_from_validation(detail: Any) -> dict[str, list[str]]:
    """Flatten APIFlask's ``{location: {field: [messages]}}`` into ``{field: [messages]}``."""
    fields: dict[str, list[str]] = {}
    if not isinstance(detail, dict):
        return fields
    for location_errors in detail.values():
        if not isinstance(location_errors, dict):
            continue
        for name, messages in location_errors.items():
            if isinstance(messages, dict):  # nested: keep the first level's name
                messages = [m for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
            fields[str(name) or "body"] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    return fields


def render_error(errno: RET, status: int, message: Any, data: Any = None, headers: dict | None = None):
    """The envelope under /api, a friendly page elsewhere."""
    headers = dict(headers or {})
    if wants_json():
        return envelope(data, errno=errno, errmsg=str(message), status=status, headers=headers)
    template = "errors/404.html" if status == 404 else "errors/error.html"
    return render_template(template, status=status, message=str(message)), status, headers


def handle_domain_error(error: DomainError):
    return render_error(error.errno, error.status, error.message, error.data, error.headers)


def handle_http_error(error: HTTPError | HTTPException):
    """werkzeug and APIFlask errors: 404, 405, 413, 429, validation, malformed JSON."""
    status = int(getattr(error, "status_code", None) or getattr(error, "code", None) or 500)
    headers = dict(getattr(error, "headers", None) or {})
    if isinstance(error, HTTPException):  # werkzeug's own headers: Allow on 405, Retry-After on 429
        for name, value in error.get_response().headers.items():
            if name.lower() in {"allow", "retry-after"}:
                headers[name] = value
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = str(getattr(g, "retry_after", 60))
    errno = STATUS_ERRNO.get(status, RET.SERVERERR)
    if status >= 500:
        return handle_unexpected(error)
    data = None
    message = _status_message(status)
    detail = getattr(error, "detail", None)
    if status in (400, 422) and detail:
        status = 400
        data = {"fields": _fields_from_validation(detail)}
        message = _("Some fields are invalid")
    elif status == 400:
        message = _bad_body_message() or str(MESSAGES[RET.PARAMERR])
    headers.pop("Content-Type", None)
    return render_error(errno, status, message, data, headers)


def handle_unavailable(error: Exception):
    log.warning("backend unavailable (request %s): %s", g.get("request_id"), error)
    return render_error(RET.DBERR, 503, MESSAGES[RET.DBERR])


def handle_unexpected(error: BaseException):
    log.error("unexpected error (request %s)", g.get("request_id"), exc_info=error)
    return render_error(RET.SERVERERR, 500, MESSAGES[RET.SERVERERR], {"request_id": g.get("request_id")})


def _assign_request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if incoming and REQUEST_ID.match(incoming) else new_request_id()


def _attach_request_id(response):
    response.headers["X-Request-ID"] = g.get("request_id") or new_request_id()
    return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def register_error_handlers(app: APIFlask) -> None:
    """Route every kind of failure to one of the handlers above."""
    app.before_request(_assign_request_id)
    inputs.install(app)
    app.after_request(_attach_request_id)
    app.error_processor(handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    for unavailable in (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError):
        app.register_error_handler(unavailable, handle_unavailable)
    app.register_error_handler(DBAPIError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)

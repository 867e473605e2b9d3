"""The response envelope of API.md: ``{"errno", "errmsg", "data"}``."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, g, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from ihome.core.errors import RET
from ihome.core.i18n import current_language

_SUCCESS_JSON: dict[str, bytes] = {}


class Envelope(BaseModel):
    """Every JSON response: errno "0" on success, a localised message, and the payload."""

    errno: str = Field(description='"0" on success, else a code from the errno table of API.md')
    errmsg: str = Field(description="a human message in the client's language")
    data: Any = Field(default=None, description="the payload; on validation errors {fields: {name: [messages]}}")


def ok(data: Any = None, status: int = 200) -> tuple[dict, int]:
    """A success envelope for an ``@output`` view (APIFlask validates ``data`` against it)."""
    return {"errno": RET.OK.value, "errmsg": _("Success"), "data": data}, status


def envelope(data: Any = None, *, errno: RET = RET.OK, errmsg: str | None = None, status: int = 200,
             headers: dict | None = None) -> Response:
    """A ready response, for error handlers and views without an output schema."""
    response = jsonify({"errno": errno.value, "errmsg": errmsg if errmsg is not None else _("Success"), "data": data})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _success_json() -> bytes:
    """``"Success"`` in the request's language as JSON, encoded once per language (catalogs are fixed)."""
    language = current_language()
    message = _SUCCESS_JSON.get(language)
    if message is None:
        message = _SUCCESS_JSON[language] = json.dumps(_("Success"), ensure_ascii=False).encode()
    return message


def ok_json(data: bytes, status: int = 200) -> Response:
    """A success envelope around ``data``, JSON bytes already in the output schema's shape (a cached
    read, validated when it was stored): sent as they are; the same JSON ``ok`` would send (sorted keys,
    compact), without parsing, validating and serialising the data again.

    ``X-Cache: hit`` or ``miss`` says whether the cache answered (``ihome.core.cache``).
    """
    message = _success_json()
    body = b'{"data":' + data + b',"errmsg":' + message + b',"errno":"' + RET.OK.value.encode() + b'"}\n'
    response = Response(body, status=status, mimetype="application/json")
    hit = g.get("cache_hit")
    if hit is not None:
        response.headers["X-Cache"] = "hit" if hit else "miss"
    return response

"""One gate for untrusted text before any view sees it: JSON bodies, query strings, forms and paths.

Every JSON body of every route is decoded here (the app's JSON provider): it must be UTF-8,
nest at most ``MAX_JSON_DEPTH`` levels, and hold no NUL character and no lone surrogate in any key
or string (PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded to store or send
back). Query strings, form fields and paths are held to the same rule before the view runs.
A refusal is 400/4103 naming the offending top-level field, never a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from ihome.core.errors import Invalid

MAX_JSON_DEPTH = 32
UNSAFE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class UnsafeInput(ValueError):
    """The body is JSON we refuse to hand to a view; ``field`` is the top-level key it was found under."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def unsafe_text_message() -> str:
    return _("Text must not contain NUL characters or unpaired surrogates")


def has_unsafe_characters(text: str | None) -> bool:
    """True when ``text`` holds a NUL character or a lone surrogate (werkzeug may give None for a nameless part)."""
    return bool(text) and UNSAFE_CHARACTERS.search(text) is not None  # type: ignore[arg-type]


def _check_tree(value: Any) -> None:
    """Walk the decoded value without recursion: depth, then every key and string."""
    stack: list[tuple[Any, int, str | None]] = [(value, 1, None)]
    while stack:
        node, depth, field = stack.pop()
        if isinstance(node, str):
            if has_unsafe_characters(node):
                raise UnsafeInput(unsafe_text_message(), field)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise UnsafeInput(_("The JSON body is nested too deeply (at most %(depth)d levels)",
                                depth=MAX_JSON_DEPTH))
        if isinstance(node, dict):
            for key, item in node.items():
                name = key if field is None else field
                if has_unsafe_characters(key):
                    raise UnsafeInput(unsafe_text_message(), name if field is not None else None)
                stack.append((item, depth + 1, name))
        else:
            stack.extend((item, depth + 1, field) for item in node)


def loads(data: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` for request bodies, refusing what no view should see (raises ``ValueError``)."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnsafeInput(_("The request body is not valid UTF-8")) from None
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise UnsafeInput(_("The JSON body is nested too deeply (at most %(depth)d levels)",
                            depth=MAX_JSON_DEPTH)) from None
    _check_tree(value)
    return value


class InputJSONProvider(DefaultJSONProvider):
    """The app's JSON: Flask's ``dumps``; ``loads`` (request bodies) refuses what no view should see."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


class InputRequest(Request):
    """Flask's request, answering 400/4103 with a message for a body that ``loads`` refused."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, UnsafeInput):
            raise Invalid(e.message, fields={e.field: [e.message]} if e.field else None)
        return super().on_json_loading_failed(e)


def _check_query_form_and_path() -> None:
    """NUL or lone surrogates in the path, a query parameter or a form field: 400/4103 before the view.

    The message is translated only when something is refused: this runs before every request.
    """
    if has_unsafe_characters(request.path):
        raise Invalid(unsafe_text_message())
    sources = [("query", request.args)]
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        sources.append(("form", request.form))
    for where, source in sources:
        for key, value in source.items(multi=True):
            if has_unsafe_characters(key) or has_unsafe_characters(value):
                name = key if key and not has_unsafe_characters(key) else where
                message = unsafe_text_message()
                raise Invalid(message, fields={name: [message]})
    for storage in request.files.values() if request.mimetype == "multipart/form-data" else ():
        if storage.filename and has_unsafe_characters(storage.filename):
            message = unsafe_text_message()
            raise Invalid(message, fields={storage.name or "file": [message]})


def install(app: Flask) -> None:
    """Every request decodes JSON strictly; paths, queries and forms are checked before the view."""
    provider = InputJSONProvider(app)
    provider.ensure_ascii, provider.sort_keys = app.json.ensure_ascii, app.json.sort_keys  # type: ignore[attr-defined]
    app.json = provider
    app.request_class = InputRequest
    app.before_request(_check_query_form_and_path)

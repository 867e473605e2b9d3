"""One rule for ``Cache-Control``: what the browser may keep, and for how long.

- Pages and API answers are per-user or stateful (who is logged in, which nights are booked, an
  order's status): ``no-store``. A browser then asks again on Back and Forward instead of showing a
  copy from its cache (history navigations ignore ``no-cache`` and ``max-age``, never ``no-store``).
- Files that are the same for everyone say so themselves with ``public`` (``/media/<key>`` is
  content-addressed, the docs' assets are versioned by their package): their header is kept.
- ``/static/<file>``: every ``url_for('static', ...)`` carries ``?v=<hash of the file>``, so a
  request with the current hash may be kept a year (``immutable``); a new file gets a new URL. A
  request without it, or with an old hash, must revalidate (``no-cache``, by ETag).

Only successful answers are ever cacheable: an error page is always ``no-store``.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

NO_STORE = "no-store"
ONE_YEAR = 365 * 24 * 3600
STATIC_IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
STATIC_REVALIDATE = "public, no-cache"
VERSION_ARG = "v"


@lru_cache(maxsize=512)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    """The first 12 hex digits of the file's SHA-256 (memoised per file version)."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def static_version(filename: str) -> str | None:
    """The version token of a static file, or None when it does not exist."""
    folder = current_app.static_folder
    if not folder:
        return None
    path = Path(folder) / filename
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    return _file_hash(str(path), stat.st_mtime_ns, stat.st_size)


def _add_static_version(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for('static', filename=...)`` gains ``v=<hash>``: a changed file gets a new URL."""
    if endpoint == "static" and "filename" in values and VERSION_ARG not in values:
        version = static_version(str(values["filename"]))
        if version:
            values[VERSION_ARG] = version


def _cache_control(response: Response) -> Response:
    if request.endpoint == "static" and response.status_code in (200, 206, 304):
        filename = (request.view_args or {}).get("filename", "")
        current = static_version(str(filename))
        asked = request.args.get(VERSION_ARG)
        response.headers["Cache-Control"] = STATIC_IMMUTABLE if asked and asked == current else STATIC_REVALIDATE
        return response
    public = "public" in response.headers.get("Cache-Control", "")
    if public and response.status_code in (200, 206, 304):
        return response
    response.headers["Cache-Control"] = NO_STORE
    response.headers.pop("Expires", None)
    return response


def register(app: Flask) -> None:
    """Version the static URLs and set ``Cache-Control`` on every response."""
    app.url_defaults(_add_static_version)
    app.after_request(_cache_control)

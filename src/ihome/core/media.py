"""``/media/<key>``: locally stored uploads, cached for a year (keys are content-addressed)."""

from __future__ import annotations

from flask import Flask, abort, send_file

from ihome.integrations.storage import LocalStorage, get_storage

ONE_YEAR = 365 * 24 * 3600


def media(key: str):
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        abort(404)
    try:
        path = storage.path(key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=ONE_YEAR, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def register(app: Flask) -> None:
    app.add_url_rule("/media/<path:key>", "media", media)

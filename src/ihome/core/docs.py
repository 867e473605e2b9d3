"""``/docs``: Swagger UI for ``/openapi.json``, every asset served by the app (works offline)."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, render_template, send_from_directory

SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
bp = Blueprint("docs", __name__)


@bp.get("/docs")
def docs_page():
    return render_template("docs.html")


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(SWAGGER_DIST, filename, max_age=86400)


def register(app: Flask) -> None:
    app.register_blueprint(bp)

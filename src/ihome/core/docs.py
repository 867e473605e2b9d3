"""``/docs``: Swagger UI for ``/openapi.json``, every asset served by the app (works offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_swagger_ui
from apiflask import APIFlask
from flask import Blueprint, render_template, send_from_directory

SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
bp = Blueprint("docs", __name__)


@bp.get("/docs")
def docs_page():
    return render_template("docs.html")


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(SWAGGER_DIST, filename, max_age=86400)


def _null_data(node: Any) -> Any:
    """Views without an output schema answer ``data: null``; APIFlask would point at a missing schema."""
    if isinstance(node, dict):
        if node.get("$ref") == "#/components/schemas/None":
            return {"nullable": True, "description": "null"}
        return {key: _null_data(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_null_data(item) for item in node]
    return node


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
    app.spec_processor(_api_only)


def _api_only(spec: Any) -> Any:
    """The document describes the API: pages, health probes and media are not part of it."""
    spec["paths"] = {path: item for path, item in spec["paths"].items() if path.startswith("/api/")}
    return _null_data(spec)

"""``/docs``: Swagger UI for ``/openapi.json``, every asset served by the app (works offline)."""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any, TypeVar

import flask_swagger_ui
from apiflask import APIFlask
from flask import Blueprint, current_app, render_template, send_from_directory

SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
bp = Blueprint("docs", __name__)
F = TypeVar("F", bound=Callable[..., Any])


@bp.get("/docs")
def docs_page():
    return render_template("docs.html")


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(SWAGGER_DIST, filename, max_age=86400)


NULL_DATA = {"type": "null", "description": "null"}
ERROR_STATUS_TEXT = {400: "invalid input (4103), or a rule refused it (4004, 4106)", 401: "not logged in (4101)",
                     404: "not found (4002)"}
RULE_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def path_pattern(**patterns: str) -> Callable[[F], F]:
    """Document the regular expression a string path parameter must match (``/openapi.json``)."""

    def mark(view: F) -> F:
        view._path_patterns = patterns  # type: ignore[attr-defined]
        return view

    return mark


def _null_data(node: Any) -> Any:
    """Views without an output schema answer ``data: null``; APIFlask would point at a missing schema."""
    if isinstance(node, dict):
        if node.get("$ref") == "#/components/schemas/None":
            return dict(NULL_DATA)
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
    spec = _null_data(spec)
    _errors_may_carry_null(spec)
    _document_what_every_route_can_answer(spec)
    return spec


def _errors_may_carry_null(spec: dict[str, Any]) -> None:
    """Error payloads are null on most errors (OpenAPI 3.1 spells nullable as a type list)."""
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("ValidationError", "HTTPError"):
        if name in schemas:
            schema = schemas[name]
            schema.pop("nullable", None)
            schema["type"] = ["object", "null"]
    if "ValidationError" in schemas:
        schemas["ValidationError"]["description"] = "{fields: {name: [messages]}} on 4103, else null"


def _views_by_operation() -> dict[tuple[str, str], Callable[..., Any]]:
    """(OpenAPI path, method) -> the view function, from the URL map."""
    views: dict[tuple[str, str], Callable[..., Any]] = {}
    for rule in current_app.url_map.iter_rules():
        path = RULE_PARAMETER.sub(r"{\1}", rule.rule)
        for method in rule.methods or ():
            view = current_app.view_functions.get(rule.endpoint)
            if view is not None:
                views[(path, method.lower())] = view
    return views


def _error_response(spec: dict[str, Any], status: int, description: str) -> dict[str, Any]:
    payload = "ValidationError" if status == 400 else "HTTPError"
    envelope = deepcopy(_envelope_schema(spec))
    envelope["properties"]["data"] = {"$ref": f"#/components/schemas/{payload}"}
    return {"description": description, "content": {"application/json": {"schema": envelope}}}


def _envelope_schema(spec: dict[str, Any]) -> dict[str, Any]:
    for item in spec["paths"].values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("title") == "Envelope":
                    return schema
    return {"type": "object", "properties": {"errno": {"type": "string"}, "errmsg": {"type": "string"}}}


def _document_what_every_route_can_answer(spec: dict[str, Any]) -> None:
    """400 for any input, 401 where a login is required, 404 for ids in the path; envelopes everywhere."""
    views = _views_by_operation()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            view = views.get((path, method))
            if "requestBody" in operation:  # every view with a body needs one: an empty body is a 400
                operation["requestBody"]["required"] = True
            responses = operation.setdefault("responses", {})
            wanted = [400]
            if view is not None and getattr(view, "_login_required", False):
                wanted.append(401)
            if "{" in path:
                wanted.append(404)
            for status in wanted:
                responses.setdefault(str(status), _error_response(spec, status, ERROR_STATUS_TEXT[status]))
            for status, response in responses.items():
                if int(status) >= 400 and not response.get("content"):
                    response.update(_error_response(spec, int(status), response.get("description", "")))
            patterns = getattr(view, "_path_patterns", {}) if view is not None else {}
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") in patterns:
                    parameter["schema"]["pattern"] = patterns[parameter["name"]]

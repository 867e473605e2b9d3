"""The benchmark's floor: the cheapest JSON answer this app can give, served like every other one.

``GET /api/v1.0/_floor`` returns the success envelope with no data. It passes through every hook a
real endpoint passes through (session, CSRF cookie, request id, security and cache headers) and does
nothing else, so ``make bench`` can report each endpoint as a fraction of it, measured by the same
server in the same run. It exists only when ``IHOME_BENCH_FLOOR`` is on (``make bench`` sets it):
it is harmless, but a production API should not carry a route its clients never need.
"""

from __future__ import annotations

from apiflask import APIFlask
from flask import jsonify

FLOOR_PATH = "/api/v1.0/_floor"


def floor():
    """The envelope of API.md, nothing looked up."""
    return jsonify({"errno": "0", "errmsg": "OK", "data": None})


def register(app: APIFlask) -> None:
    """Add the route when the benchmark asked for it (kept out of the OpenAPI document)."""
    if app.config["BENCH_FLOOR"]:
        floor._spec = {"hide": True}  # type: ignore[attr-defined]  # APIFlask leaves hidden views out of /openapi.json
        app.add_url_rule(FLOOR_PATH, "bench_floor", floor)

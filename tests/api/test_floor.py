"""The benchmark's floor endpoint: only with IHOME_BENCH_FLOOR, the envelope and nothing else, not documented."""

from __future__ import annotations

import pytest

from ihome import create_app
from tests.conftest import redis_url


@pytest.fixture(scope="module")
def floor_app(redis_server, tmp_path_factory):
    return create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('floor') / 'f.db'}",
        "REDIS_URL": redis_url(redis_server, 8),
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("floor-instance")),
        "BENCH_FLOOR": True,
    })


def test_the_floor_answers_the_envelope_through_every_hook(floor_app):
    response = floor_app.test_client().get("/api/v1.0/_floor")
    assert response.status_code == 200
    assert response.get_json() == {"errno": "0", "errmsg": "OK", "data": None}
    assert response.headers["X-Request-ID"] and response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_floor_is_left_out_of_the_openapi_document(floor_app):
    paths = floor_app.test_client().get("/openapi.json").get_json()["paths"]
    assert not any("_floor" in path for path in paths)


def test_without_the_setting_there_is_no_floor(client):
    response = client.get("/api/v1.0/_floor")
    assert (response.status_code, response.get_json()["errno"]) == (404, "4002")

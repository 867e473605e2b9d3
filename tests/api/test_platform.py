"""The platform's contract: envelope, errno table, request ids, CSRF, docs, health, language."""

from __future__ import annotations

import logging
import time

import pytest
from apiflask import APIBlueprint
from pydantic import BaseModel, Field

from ihome import create_app
from ihome.accounts import counters
from ihome.core.responses import ok
from tests.support.api_client import ApiClient


class ProbeIn(BaseModel):
    name: str = Field(min_length=2, max_length=4)
    count: int = Field(ge=1)


@pytest.fixture(scope="module")
def probe_app(redis_server, tmp_path_factory):
    """A second app with routes that fail on purpose (the real app's routes must not)."""
    from tests.conftest import redis_url

    application = create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('probe') / 'p.db'}",
        "REDIS_URL": redis_url(redis_server, 9),
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("probe-instance")),
        "MAX_UPLOAD_MB": 1,
    })
    application.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    bp = APIBlueprint("probe", __name__, url_prefix="/api/v1.0/probe")

    @bp.post("/echo")
    @bp.input(ProbeIn)
    def echo(json_data):
        return ok({"name": json_data.name})

    @bp.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @bp.get("/limited")
    def limited():
        counters.enforce("ihome:probe:limited", limit=2, window=60, message="slow down")
        return ok()

    @bp.get("/items/<int:item_id>")
    def item(item_id):
        return ok({"item_id": item_id})

    application.register_blueprint(bp)
    application.add_url_rule("/boom", "page_boom", boom)
    yield application
    application.extensions["ihome.redis"].flushdb()


@pytest.fixture
def probe(probe_app):
    return ApiClient(probe_app.test_client())


def test_areas_are_the_16_districts_in_chinese(api):
    body = api.get("/areas").expect(200)
    names = [a["aname"] for a in body.data]
    assert len(names) == 16 and names[0] == "东城区" and "延庆区" in names
    assert body.errmsg == "成功"
    assert set(body.data[0]) == {"aid", "aname"}


def test_facilities_in_english(api):
    body = api.get("/facilities", headers={"Accept-Language": "en"}).expect(200)
    assert len(body.data) == 23
    assert body.data[0]["fname"] == "Wi-Fi" and body.errmsg == "Success"


def test_areas_cache_is_invalidated_when_data_changes(api, db, app_ctx):
    from ihome.houses.models import Area

    assert len(api.get("/areas").data) == 16  # now cached
    area = db.session.get(Area, 1)
    area.name = "东城"
    from ihome.core.cache import bump_after_commit
    from ihome.houses.reference import REFERENCE_GENERATION

    bump_after_commit(db.session, REFERENCE_GENERATION)
    db.session.commit()
    assert api.get("/areas").data[0]["aname"] == "东城"


def test_unknown_api_route_is_an_envelope_404(api):
    body = api.get("/no/such/thing").expect(404, "4002")
    assert body.data is None


def test_wrong_method_is_405_envelope(api):
    api.delete("/areas").expect(405, "4103")


def test_validation_errors_name_each_field(probe):
    body = probe.post("/probe/echo", json={"name": "x", "count": 0}).expect(400, "4103")
    assert set(body.fields) == {"name", "count"}
    assert all(isinstance(m, str) for ms in body.fields.values() for m in ms)


def test_malformed_json_is_400_envelope(probe):
    body = probe.post("/probe/echo", data="{not json", content_type="application/json").expect(400, "4103")
    assert "JSON" in body.errmsg or "json" in body.errmsg.lower() or body.errmsg


def test_wrong_content_type_is_400_envelope(probe):
    body = probe.post("/probe/echo", data="name=ab", content_type="text/plain").expect(400, "4103")
    assert "JSON" in body.errmsg


def test_body_too_large_is_413_envelope(probe):
    probe.post("/probe/echo", data="x" * (2 * 1024 * 1024), content_type="application/json").expect(413, "4103")


def test_rate_limit_is_429_with_retry_after(probe):
    probe.get("/probe/limited").expect(200)
    probe.get("/probe/limited").expect(200)
    body = probe.get("/probe/limited").expect(429, "4201")
    assert int(body.headers["Retry-After"]) > 0


def test_unexpected_error_is_500_without_traceback_and_logged_with_request_id(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="ihome"):
        body = probe.get("/probe/boom", headers={"X-Request-ID": "req-12345678"}).expect(500, "4500")
    assert "secret" not in str(body.json) and "Traceback" not in str(body.json)
    assert body.data == {"request_id": "req-12345678"}
    assert body.headers["X-Request-ID"] == "req-12345678"
    assert any(getattr(r, "request_id", None) == "req-12345678" and r.exc_info for r in caplog.records)


def test_every_response_has_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first and second and first != second


def test_page_errors_are_friendly_translated_html(client, probe_app):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "页面" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)
    english = client.get("/no-such-page?lang=en").get_data(as_text=True)
    assert "does not exist" in english
    boom = probe_app.test_client().get("/boom")
    assert boom.status_code == 500 and boom.mimetype == "text/html"
    assert "secret" not in boom.get_data(as_text=True) and "Traceback" not in boom.get_data(as_text=True)


def test_state_change_without_csrf_header_is_refused(client, probe_app):
    raw = ApiClient(probe_app.test_client(), csrf=False)
    body = raw.post("/probe/echo", json={"name": "abc", "count": 1}).expect(400, "4004")
    assert "CSRF" in body.errmsg
    wrong = raw.post("/probe/echo", json={"name": "abc", "count": 1}, headers={"X-CSRFToken": "forged"})
    wrong.expect(400, "4004")
    ApiClient(probe_app.test_client()).post("/probe/echo", json={"name": "abc", "count": 1}).expect(200)


def test_csrf_cookie_and_security_headers(client):
    response = client.get("/")
    cookie = client.get_cookie("csrf_token")
    assert cookie is not None and len(cookie.value) >= 32
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_openapi_documents_the_envelope_and_errors(client):
    spec = client.get("/openapi.json").get_json()
    areas = spec["paths"]["/api/v1.0/areas"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"errno", "errmsg", "data"} <= set(areas["properties"])


def test_docs_page_uses_only_local_assets(client):
    html = client.get("/docs").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "<script>" not in html
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_home_page_lists_districts_in_both_languages(client):
    assert "朝阳区" in client.get("/").get_data(as_text=True)
    assert "Chaoyang" in client.get("/?lang=en").get_data(as_text=True)


@pytest.fixture(scope="module")
def dead_redis_app(tmp_path_factory):
    from ihome.core.security import require_user_id

    application = create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('dead') / 'd.db'}",
        "REDIS_URL": f"unix://{tmp_path_factory.mktemp('nothing')}/none.sock?db=0",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("dead-instance")),
    })
    application.add_url_rule("/api/v1.0/probe/whoami", "whoami", lambda: ok({"user_id": require_user_id()}))
    return application


def test_readyz_fails_fast_when_redis_is_down(dead_redis_app):
    client = dead_redis_app.test_client()
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503 and response.get_json()["checks"]["redis"].startswith("error")


def test_api_needing_redis_answers_503_quickly_when_it_is_down(dead_redis_app):
    client = dead_redis_app.test_client()
    client.set_cookie("ihome_session", "some-session-id")
    started = time.monotonic()
    response = client.get("/api/v1.0/probe/whoami")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503 and response.get_json()["errno"] == "4001"


def test_openapi_error_responses_are_one_envelope_with_resolvable_refs(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    text = str(spec)
    import re

    for ref in set(re.findall(r"#/components/schemas/([A-Za-z0-9_.-]+)", text)):
        assert ref in schemas, f"dangling $ref {ref}"
    validation = schemas["ValidationError"]
    assert "fields" in validation["properties"] and "errno" not in validation["properties"]


def test_ids_beyond_a_database_integer_are_404_not_500(probe):
    assert probe.get("/probe/items/2147483647").expect(200).data == {"item_id": 2147483647}
    probe.get("/probe/items/9223372036854775808").expect(404, "4002")
    probe.get("/probe/items/0").expect(404, "4002")

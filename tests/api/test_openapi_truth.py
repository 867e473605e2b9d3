"""``/openapi.json`` says what the server sends: Allow on 405, null error data, 401s, text/plain."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/openapi.json").get_json()


def test_a_405_lists_the_allowed_methods(client):
    response = client.delete("/api/v1.0/areas")
    assert response.status_code == 405 and response.json["errno"] == "4103"
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "HEAD", "OPTIONS"}
    assert "DELETE" not in response.headers["Allow"]


def test_error_data_may_be_null_in_the_document(spec, client):
    schemas = spec["components"]["schemas"]
    assert "null" in schemas["ValidationError"]["type"] and "null" in schemas["HTTPError"]["type"]
    response = client.post("/api/v1.0/sessions", data="[", content_type="application/json")  # no CSRF: 400, data null
    assert response.status_code == 400 and response.json["data"] is None


def test_every_login_required_operation_documents_its_401(spec, client):
    for path, method in [("/api/v1.0/user/auth", "get"), ("/api/v1.0/user/auth", "post"), ("/api/v1.0/user", "get"),
                         ("/api/v1.0/orders", "post"), ("/api/v1.0/houses/{house_id}/images", "post")]:
        assert "401" in spec["paths"][path][method]["responses"], (method, path)
    assert client.get("/api/v1.0/user/auth").status_code == 401
    assert "401" not in spec["paths"]["/api/v1.0/areas"]["get"]["responses"]


def test_every_documented_error_is_an_envelope_and_bodies_are_required(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert "application/json" in response.get("content", {}), (method, path, status)
            if "requestBody" in operation:
                assert operation["requestBody"]["required"] is True, (method, path)


def test_the_notify_answer_is_documented_as_text(spec):
    ok = spec["paths"]["/api/v1.0/payments/alipay/notify"]["post"]["responses"]["200"]["content"]
    assert ok == {"text/plain": {"schema": {"type": "string", "enum": ["success", "failure"]}}}


def test_the_image_code_id_pattern_is_documented(spec):
    [parameter] = spec["paths"]["/api/v1.0/image_codes/{image_code_id}"]["get"]["parameters"]
    assert parameter["schema"]["pattern"] == "^[A-Za-z0-9-]{1,64}$"

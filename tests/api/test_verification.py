"""Image captchas and SMS codes: POST /sms_codes and GET /image_codes/{id} (API.md, Verification)."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from PIL import Image

from ihome.integrations.sms import OUTBOX_KEY
from tests.factories.accounts import make_user
from tests.support.accounts_fixtures import issue_image_code, request_sms_code


def sms_body(code_id: str, answer: str, mobile: str) -> dict:
    return {"mobile": mobile, "image_code": answer, "image_code_id": code_id}


# ---- image codes -----------------------------------------------------------------------------------------

def test_image_code_is_a_jpeg_with_four_characters_in_redis(client, redis):
    code_id = str(uuid.uuid4())
    response = client.get(f"/api/v1.0/image_codes/{code_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.data)).format == "JPEG"
    answer = redis.get(f"ihome:image_code:{code_id}").decode()
    assert len(answer) == 4 and answer.isalnum()
    assert 170 <= redis.ttl(f"ihome:image_code:{code_id}") <= 180


@pytest.mark.parametrize("bad_id", ["a" * 65, "has_underscore", "semi;colon"])
def test_image_code_bad_id_is_a_400_envelope(api, bad_id):
    result = api.get(f"/image_codes/{bad_id}").expect(400, "4103")
    assert "image_code_id" in result.fields


def test_image_codes_are_limited_per_ip(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "CAPTCHA_PER_IP_PER_MINUTE", 3)
    for _ in range(3):
        assert api.client.get(f"/api/v1.0/image_codes/{uuid.uuid4()}").status_code == 200
    result = api.get(f"/image_codes/{uuid.uuid4()}").expect(429, "4201")
    assert 1 <= int(result.headers["Retry-After"]) <= 60
    # another address is not affected
    other = api.client.get(f"/api/v1.0/image_codes/{uuid.uuid4()}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


# ---- SMS codes -------------------------------------------------------------------------------------------

def test_sms_code_is_stored_and_sent_through_the_task(api, redis, unique_mobile):
    code_id, answer = issue_image_code(api, redis)
    api.post("/sms_codes", json=sms_body(code_id, answer.lower(), unique_mobile)).expect(200)  # any case
    stored = redis.hgetall(f"ihome:sms_code:{unique_mobile}")
    code = stored[b"code"].decode()
    assert len(code) == 6 and code.isdigit()
    assert 290 <= redis.ttl(f"ihome:sms_code:{unique_mobile}") <= 300
    sent = [json.loads(raw) for raw in redis.lrange(OUTBOX_KEY, 0, -1)]
    assert sent[-1]["mobile"] == unique_mobile and code in sent[-1]["body"]
    assert redis.get(f"ihome:image_code:{code_id}") is None  # spent


def test_image_code_is_spent_by_a_wrong_answer(api, redis, unique_mobile):
    code_id, answer = issue_image_code(api, redis)
    wrong = "ZZZZ" if answer != "ZZZZ" else "YYYY"
    result = api.post("/sms_codes", json=sms_body(code_id, wrong, unique_mobile)).expect(400, "4004")
    assert "image_code" in result.fields
    api.post("/sms_codes", json=sms_body(code_id, answer, unique_mobile)).expect(404, "4002")


def test_unknown_or_expired_image_code(api, redis, unique_mobile):
    api.post("/sms_codes", json=sms_body("never-issued", "ABCD", unique_mobile)).expect(404, "4002")
    code_id, answer = issue_image_code(api, redis)
    redis.delete(f"ihome:image_code:{code_id}")  # what the 180 s TTL does
    api.post("/sms_codes", json=sms_body(code_id, answer, unique_mobile)).expect(404, "4002")


def test_test_code_is_accepted_only_for_an_issued_image(api, app, redis, unique_mobile, monkeypatch):
    monkeypatch.setitem(app.config, "CAPTCHA_TEST_CODE", "TEST")
    api.post("/sms_codes", json=sms_body("not-issued", "TEST", unique_mobile)).expect(404, "4002")
    code_id, _ = issue_image_code(api, redis)
    api.post("/sms_codes", json=sms_body(code_id, "test", unique_mobile)).expect(200)


def test_test_code_is_refused_when_not_configured(api, redis, unique_mobile):
    code_id, answer = issue_image_code(api, redis)
    if answer != "TEST":
        api.post("/sms_codes", json=sms_body(code_id, "TEST", unique_mobile)).expect(400, "4004")


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "abc"])
def test_sms_code_refuses_a_malformed_mobile(api, redis, mobile):
    code_id, answer = issue_image_code(api, redis)
    result = api.post("/sms_codes", json=sms_body(code_id, answer, mobile)).expect(400, "4103")
    assert "mobile" in result.fields


def test_sms_code_refuses_a_registered_mobile(api, redis, app):
    with app.app_context():
        mobile = make_user().mobile
    code_id, answer = issue_image_code(api, redis)
    result = api.post("/sms_codes", json=sms_body(code_id, answer, mobile)).expect(409, "4003")
    assert "mobile" in result.fields
    assert redis.llen(OUTBOX_KEY) == 0


def test_one_sms_per_mobile_per_minute(api, redis, unique_mobile):
    request_sms_code(api, redis, unique_mobile)
    code_id, answer = issue_image_code(api, redis)
    result = api.post("/sms_codes", json=sms_body(code_id, answer, unique_mobile)).expect(429, "4201")
    assert 1 <= int(result.headers["Retry-After"]) <= 60
    assert redis.llen(OUTBOX_KEY) == 1
    # the refused request did not use up the daily quota
    assert redis.get(next(iter(redis.scan_iter(f"ihome:sms:day:mobile:{unique_mobile}:*")))) == b"1"


def test_daily_cap_per_mobile(api, app, redis, unique_mobile, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PER_MOBILE_PER_DAY", 2)
    for _ in range(2):
        request_sms_code(api, redis, unique_mobile)
        redis.delete(f"ihome:sms:resend:{unique_mobile}")  # as if a minute had passed
    code_id, answer = issue_image_code(api, redis)
    result = api.post("/sms_codes", json=sms_body(code_id, answer, unique_mobile)).expect(429, "4201")
    assert int(result.headers["Retry-After"]) > 60


def test_daily_cap_per_ip(api, app, redis, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PER_IP_PER_DAY", 2)
    request_sms_code(api, redis, "13700000001")
    request_sms_code(api, redis, "13700000002")
    code_id, answer = issue_image_code(api, redis)
    api.post("/sms_codes", json=sms_body(code_id, answer, "13700000003")).expect(429, "4201")
    assert redis.llen(OUTBOX_KEY) == 2


def test_sms_codes_need_the_csrf_header(client, redis, unique_mobile):
    client.get("/healthz")
    response = client.post("/api/v1.0/sms_codes", json=sms_body("x", "ABCD", unique_mobile))
    assert response.status_code == 400 and response.get_json()["errno"] == "4004"

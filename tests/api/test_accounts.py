"""Registration, sessions and login lockout: POST /users, POST /sessions, GET|DELETE /session."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from ihome.accounts.models import User
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.support.accounts_fixtures import request_sms_code


def register_body(mobile: str, code: str, password: str = "s3cret-pass",  # noqa: S107 - a test password
                  password2: str | None = None) -> dict:
    return {"mobile": mobile, "sms_code": code, "password": password,
            "password2": password if password2 is None else password2}


# ---- registration ----------------------------------------------------------------------------------------

def test_register_creates_a_logged_in_user_named_after_the_last_4_digits_never_the_mobile(api, app, db, sms_code):
    mobile, code = sms_code
    result = api.post("/users", json=register_body(mobile, code)).expect(201)
    assert result.data["name"] == "用户" + mobile[-4:]
    user = db.session.get(User, result.data["user_id"])
    assert user.mobile == mobile and user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "s3cret-pass")
    assert api.get("/session").expect(200).data == {"user_id": user.id, "name": "用户" + mobile[-4:]}


def test_register_spends_the_sms_code(api, redis, sms_code):
    mobile, code = sms_code
    api.post("/users", json=register_body(mobile, code)).expect(201)
    assert redis.exists(f"ihome:sms_code:{mobile}") == 0


def test_register_with_an_expired_code(api, redis, sms_code):
    mobile, code = sms_code
    redis.delete(f"ihome:sms_code:{mobile}")  # what the 300 s TTL does
    result = api.post("/users", json=register_body(mobile, code)).expect(404, "4002")
    assert "sms_code" in result.fields


def test_register_with_a_never_requested_code(api, unique_mobile):
    api.post("/users", json=register_body(unique_mobile, "123456")).expect(404, "4002")


def test_five_wrong_codes_spend_it(api, redis, sms_code):
    mobile, code = sms_code
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        result = api.post("/users", json=register_body(mobile, wrong)).expect(400, "4004")
        assert "sms_code" in result.fields
    api.post("/users", json=register_body(mobile, wrong)).expect(400, "4004")
    # the right code is now useless: it was spent by the fifth wrong try
    api.post("/users", json=register_body(mobile, code)).expect(404, "4002")


def test_passwords_must_match(api, db, sms_code):
    mobile, code = sms_code
    result = api.post("/users", json=register_body(mobile, code, "s3cret-pass", "other-pass")).expect(400, "4106")
    assert "password2" in result.fields
    assert db.session.query(User).filter_by(mobile=mobile).count() == 0


def test_password_needs_eight_characters(api, redis, sms_code):
    mobile, code = sms_code
    result = api.post("/users", json=register_body(mobile, code, "short7!")).expect(400, "4106")
    assert "password" in result.fields
    assert redis.exists(f"ihome:sms_code:{mobile}") == 1  # a typo in the password does not spend the code


def test_register_a_registered_mobile(api, app, redis):
    mobile = "13612345678"
    code = request_sms_code(api, redis, mobile)
    with app.app_context():
        make_user(mobile=mobile)  # registered in between, e.g. in another tab
    result = api.post("/users", json=register_body(mobile, code)).expect(409, "4003")
    assert "mobile" in result.fields


@pytest.mark.parametrize("missing", ["mobile", "sms_code", "password", "password2"])
def test_register_field_missing(api, missing):
    body = register_body("13800138000", "123456")
    del body[missing]
    assert missing in api.post("/users", json=body).expect(400, "4103").fields


def test_register_needs_the_csrf_header(client, sms_code):
    mobile, code = sms_code
    response = client.post("/api/v1.0/users", json=register_body(mobile, code))
    assert response.status_code == 400 and response.get_json()["errno"] == "4004"


# ---- sessions --------------------------------------------------------------------------------------------

def test_login_rotates_the_session_id(api, user):
    api.client.get("/healthz")
    api.client.set_cookie("ihome_session", "attacker-chosen-id")
    result = api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    assert result.data == {"user_id": user["id"], "name": user["name"]}
    assert api.client.get_cookie("ihome_session").value != "attacker-chosen-id"
    assert api.get("/session").expect(200).data["user_id"] == user["id"]


def test_wrong_password_and_unknown_mobile_get_the_same_answer(api, user):
    wrong = api.post("/sessions", json={"mobile": user["mobile"], "password": "not-the-password"}).expect(401, "4102")
    unknown = api.post("/sessions", json={"mobile": "13999999999", "password": "whatever1"}).expect(401, "4102")
    assert wrong.errmsg == unknown.errmsg
    api.get("/session").expect(401, "4101")


def test_five_failures_lock_the_mobile_from_that_address_until_the_window_passes(api, app, redis, user):
    for _ in range(5):
        api.post("/sessions", json={"mobile": user["mobile"], "password": "wrong-password"}).expect(401, "4102")
    locked = api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(429, "4201")
    assert 540 <= int(locked.headers["Retry-After"]) <= 600
    assert locked.data is None and "10" in locked.errmsg
    redis.delete(f"ihome:login:pair:{user['mobile']}:127.0.0.1")  # what the 10-minute TTL does
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)


def test_a_successful_login_resets_the_failures(api, redis, user):
    for _ in range(4):
        api.post("/sessions", json={"mobile": user["mobile"], "password": "wrong-password"}).expect(401, "4102")
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    assert redis.exists(f"ihome:login:pair:{user['mobile']}:127.0.0.1") == 0
    assert int(redis.get(f"ihome:login:mobile:{user['mobile']}")) == 4  # the success took its attempt back
    assert all(redis.ttl(key) > 0 for key in redis.scan_iter("ihome:login:*"))


def test_disabled_account_cannot_log_in(api, app, db):
    with app.app_context():
        person = make_user()
        person.is_active = False
        db.session.commit()
        mobile = person.mobile
    api.post("/sessions", json={"mobile": mobile, "password": DEFAULT_PASSWORD}).expect(403, "4104")


def test_logout_destroys_the_server_side_session(api, redis, user):
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    session_id = api.client.get_cookie("ihome_session").value
    assert redis.exists(f"ihome:session:{session_id}") == 1
    api.delete("/session").expect(200)
    assert redis.exists(f"ihome:session:{session_id}") == 0
    api.get("/session").expect(401, "4101")
    api.delete("/session").expect(401, "4101")


def test_login_needs_the_csrf_header(client, user):
    client.get("/healthz")
    response = client.post("/api/v1.0/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD})
    assert response.status_code == 400 and response.get_json()["errno"] == "4004"


def test_session_of_a_disabled_account_is_not_logged_in(api, app, db, user):
    from tests.conftest import login

    login(api.client, user["id"])
    db.session.get(User, user["id"]).is_active = False
    db.session.commit()
    api.get("/session").expect(401, "4101")

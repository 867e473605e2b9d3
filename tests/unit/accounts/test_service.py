"""Account services called directly: codes, registration race, lockout, make_admin."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from ihome.accounts import codes, service
from ihome.accounts.models import User
from ihome.core.errors import AlreadyExists, DataError, Invalid, LoginFailed, NotFound, PasswordInvalid, RateLimited
from tests.factories.accounts import DEFAULT_PASSWORD, make_user


def test_image_code_answer_is_case_insensitive_and_single_use(app_ctx, redis):
    codes.issue_image_code(code_id="abc-1", ip="1.2.3.4")
    answer = redis.get("ihome:image_code:abc-1").decode()
    codes.spend_image_code(code_id="abc-1", answer=f" {answer.lower()} ")
    with pytest.raises(NotFound):
        codes.spend_image_code(code_id="abc-1", answer=answer)


def test_image_code_test_code_is_refused_in_production(app_ctx, redis, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "CAPTCHA_TEST_CODE", "TEST")
    monkeypatch.setitem(app_ctx.config, "PRODUCTION", True)
    codes.issue_image_code(code_id="abc-2", ip="1.2.3.4")
    if redis.get("ihome:image_code:abc-2") != b"TEST":
        with pytest.raises(DataError):
            codes.spend_image_code(code_id="abc-2", answer="TEST")


def test_sms_code_right_once(app_ctx, redis):
    redis.hset("ihome:sms_code:13800138000", mapping={"code": "123456", "tries": 0})
    codes.spend_sms_code(mobile="13800138000", code="123456")
    with pytest.raises(NotFound):
        codes.spend_sms_code(mobile="13800138000", code="123456")


def test_sms_code_wrong_tries_count(app_ctx, redis):
    redis.hset("ihome:sms_code:13800138000", mapping={"code": "123456", "tries": 0})
    for _ in range(4):
        with pytest.raises(DataError):
            codes.spend_sms_code(mobile="13800138000", code="000000")
    assert redis.hget("ihome:sms_code:13800138000", "tries") == b"4"
    with pytest.raises(DataError, match="过多"):
        codes.spend_sms_code(mobile="13800138000", code="000000")
    assert not redis.exists("ihome:sms_code:13800138000")


def test_register_user_hashes_with_scrypt(app_ctx, redis, db):
    redis.hset("ihome:sms_code:13500000001", mapping={"code": "654321", "tries": 0})
    user = service.register_user(mobile="13500000001", sms_code="654321", password="password-1",
                                 password2="password-1")
    assert user.id and user.name == "用户0001" and user.password_hash.startswith("scrypt:")


def test_a_taken_default_name_gets_the_next_suffix(app_ctx, redis, db):
    make_user(mobile="13600000001", name="用户0001", commit=False)
    make_user(mobile="13700000001", name="用户0001-2", commit=False)
    redis.hset("ihome:sms_code:13500000001", mapping={"code": "654321", "tries": 0})
    user = service.register_user(mobile="13500000001", sms_code="654321", password="password-1",
                                 password2="password-1")
    assert user.name == "用户0001-3"


def test_register_user_unique_constraint_gives_already_exists(app_ctx, redis, db, monkeypatch):
    """The constraint, not the pre-check, decides when two registrations race."""
    make_user(mobile="13500000002", commit=False)
    redis.hset("ihome:sms_code:13500000002", mapping={"code": "654321", "tries": 0})
    real_query = db.session.query

    class Blind:  # the pre-check sees nothing, as when the other registration has not committed yet
        def filter_by(self, **kwargs):
            return self

        def first(self):
            return None

    monkeypatch.setattr(db.session, "query", lambda *a: Blind() if a and a[0] is User.id else real_query(*a))
    with pytest.raises(AlreadyExists):
        service.register_user(mobile="13500000002", sms_code="654321", password="password-1", password2="password-1")
    monkeypatch.undo()
    assert db.session.query(User).filter_by(mobile="13500000002").count() == 1  # the session is still usable


def test_password_rules():
    with pytest.raises(PasswordInvalid):
        service.check_password_rules("1234567")
    with pytest.raises(PasswordInvalid):
        service.check_password_rules("12345678", "12345679")
    service.check_password_rules("12345678", "12345678")


def test_lockout_counts_unknown_mobiles_too(app_ctx, app, redis):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(LoginFailed):
            service.authenticate(mobile="13999990000", password="whatever-1", address="10.0.0.1")
    with pytest.raises(RateLimited) as error:
        service.authenticate(mobile="13999990000", password="whatever-1", address="10.0.0.1")
    assert error.value.retry_after <= app.config["LOGIN_WINDOW_SECONDS"]


def test_make_admin_creates_or_promotes(app_ctx, db):
    admin = service.make_admin(mobile="13600000009", password="admin-pass-1")
    assert admin.is_admin and check_password_hash(admin.password_hash, "admin-pass-1")
    person = make_user()
    promoted = service.make_admin(mobile=person.mobile, password=DEFAULT_PASSWORD)
    assert promoted.id == person.id and promoted.is_admin
    with pytest.raises(Invalid):
        service.make_admin(mobile="123", password="admin-pass-1")
    with pytest.raises(PasswordInvalid):
        service.make_admin(mobile="13600000008", password="short")

"""SMS code tries are counted atomically before the comparison and never leave a key without expiry."""

from __future__ import annotations

import hmac
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

from ihome.accounts import codes
from ihome.core.errors import DataError, NotFound

MOBILE = "13800138001"
KEY = f"ihome:sms_code:{MOBILE}"


def store_code(redis, code: str = "123456") -> None:
    redis.hset(KEY, mapping={"code": code, "tries": 0})
    redis.expire(KEY, 300)


def every_key_expires(redis) -> bool:
    """Every code and limit key expires (the cache's generation counters live on by design)."""
    forever = [key for key in redis.scan_iter("ihome:sms*") if redis.ttl(key) <= 0]
    assert not forever, forever
    return True


def test_a_try_after_the_code_was_spent_does_not_recreate_the_key(app_ctx, redis):
    store_code(redis)
    codes.spend_sms_code(mobile=MOBILE, code="123456")
    with pytest.raises(NotFound):
        codes.spend_sms_code(mobile=MOBILE, code="000000")
    assert not redis.exists(KEY)
    assert every_key_expires(redis)


def test_a_try_after_the_last_allowed_one_does_not_recreate_the_key(app_ctx, redis):
    store_code(redis)
    for _ in range(app_ctx.config["SMS_CODE_MAX_TRIES"]):
        with pytest.raises(DataError):
            codes.spend_sms_code(mobile=MOBILE, code="000000")
    with pytest.raises(NotFound):
        codes.spend_sms_code(mobile=MOBILE, code="123456")  # spent: even the right code is too late
    assert not redis.exists(KEY) and every_key_expires(redis)


def test_a_wrong_try_keeps_the_codes_expiry(app_ctx, redis):
    store_code(redis)
    with pytest.raises(DataError):
        codes.spend_sms_code(mobile=MOBILE, code="000000")
    assert redis.hget(KEY, "tries") == b"1" and 0 < redis.ttl(KEY) <= 300


def test_forty_concurrent_wrong_tries_compare_at_most_the_limit(app, redis, monkeypatch):
    with app.app_context():
        store_code(redis)
    compared = []

    def counted(a, b):
        compared.append(a)
        return hmac.compare_digest(a, b)

    monkeypatch.setattr(codes, "hmac", types.SimpleNamespace(compare_digest=counted))
    start = threading.Barrier(40)

    def attempt(_: int) -> str:
        start.wait(timeout=30)
        with app.test_request_context("/"):
            try:
                codes.spend_sms_code(mobile=MOBILE, code="000000")
            except (DataError, NotFound) as error:
                return type(error).__name__
        return "accepted"

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    assert len(compared) <= app.config["SMS_CODE_MAX_TRIES"]
    assert "accepted" not in outcomes
    assert not redis.exists(KEY) and every_key_expires(redis)

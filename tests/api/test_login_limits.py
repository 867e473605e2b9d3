"""Login limits: counted before the password check, per address, and the owner is never locked out."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ihome.accounts import login_limits, service
from ihome.core.errors import RateLimited
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.support.api_client import ApiClient

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def log_in(api, mobile: str, password: str, address: str):
    return api.post("/sessions", json={"mobile": mobile, "password": password},
                    environ_base={"REMOTE_ADDR": address})


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(api, user):
    for _ in range(5):
        log_in(api, user["mobile"], "wrong-password", ATTACKER).expect(401, "4102")
    locked = log_in(api, user["mobile"], DEFAULT_PASSWORD, ATTACKER).expect(429, "4201")
    assert int(locked.headers["Retry-After"]) > 0  # even the right password, from the attacker's address
    log_in(api, user["mobile"], DEFAULT_PASSWORD, OWNER).expect(200)


def test_attempts_refused_at_one_address_do_not_use_up_the_mobiles_allowance(api, redis, user):
    for _ in range(25):
        log_in(api, user["mobile"], "wrong-password", ATTACKER)
    assert int(redis.get(f"ihome:login:mobile:{user['mobile']}")) == 5
    assert int(redis.get(f"ihome:login:pair:{user['mobile']}:{ATTACKER}")) == 25


def test_a_spread_out_attack_stops_at_the_mobile_limit_but_the_owners_address_still_works(
        api, app, redis, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_MOBILE", 6)
    log_in(api, user["mobile"], DEFAULT_PASSWORD, OWNER).expect(200)  # the owner's address is now known
    for n in range(3):  # three addresses, two wrong tries each: the mobile's 6 are used up
        for _ in range(2):
            log_in(api, user["mobile"], "wrong-password", f"203.0.113.{n + 20}").expect(401, "4102")
    log_in(api, user["mobile"], "wrong-password", "203.0.113.40").expect(429, "4201")
    log_in(api, user["mobile"], DEFAULT_PASSWORD, "203.0.113.41").expect(429, "4201")  # unknown address
    assert redis.ttl(f"ihome:login:known:{user['mobile']}:{OWNER}") > 29 * 24 * 3600
    log_in(api, user["mobile"], DEFAULT_PASSWORD, OWNER).expect(200)
    assert all(redis.ttl(key) > 0 for key in redis.scan_iter("ihome:login:*"))


def test_one_address_cannot_walk_through_many_mobiles(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_PER_ADDRESS", 3)
    for n in range(3):
        log_in(api, f"1370000000{n}", "wrong-password", ATTACKER).expect(401, "4102")
    log_in(api, "13700000009", "wrong-password", ATTACKER).expect(429, "4201")
    log_in(api, "13700000009", "wrong-password", OWNER).expect(401, "4102")


def test_an_owner_behind_an_abused_address_still_logs_in(api, app, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_PER_ADDRESS", 3)
    log_in(api, user["mobile"], DEFAULT_PASSWORD, ATTACKER).expect(200)  # the owner used this address before
    for n in range(4):  # someone else at that address walks through other accounts
        log_in(api, f"1370000001{n}", "wrong-password", ATTACKER)
    log_in(api, "13700000019", "wrong-password", ATTACKER).expect(429, "4201")
    log_in(api, user["mobile"], DEFAULT_PASSWORD, ATTACKER).expect(200)


def test_forty_concurrent_attempts_are_counted_atomically(app):
    """The counting alone, with real threads on the real Redis (no server, no database)."""
    start = threading.Barrier(40)

    def attempt(_: int) -> str:
        start.wait(timeout=30)
        with app.test_request_context("/"):
            try:
                login_limits.count_attempt(mobile="13700000042", address=ATTACKER)
            except RateLimited:
                return "refused"
        return "admitted"

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    assert outcomes.count("admitted") == app.config["LOGIN_MAX_FAILURES"]


@pytest.mark.server
def test_forty_concurrent_wrong_logins_reach_the_password_check_at_most_the_limit(live_app, monkeypatch):
    """Real threads, each with its own test client and database session, on the live Redis."""
    with live_app.app_context():
        mobile = make_user().mobile
    checks = []
    real_check = service.check_password_hash

    def counted_check(pwhash: str, password: str) -> bool:
        checks.append(password)  # list.append is atomic under the GIL
        return real_check(pwhash, password)

    monkeypatch.setattr(service, "check_password_hash", counted_check)
    clients = [ApiClient(live_app.test_client()) for _ in range(40)]
    for client in clients:
        client.csrf_token()
    start = threading.Barrier(len(clients))

    def attempt(client: ApiClient) -> int:
        start.wait(timeout=30)
        return log_in(client, mobile, "wrong-password", ATTACKER).status

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(attempt, clients))
    limit = live_app.config["LOGIN_MAX_FAILURES"]
    assert len(checks) <= limit
    assert statuses.count(401) == len(checks) and statuses.count(429) == len(clients) - len(checks)
    redis = live_app.extensions["ihome.redis"]
    assert int(redis.get(f"ihome:login:pair:{mobile}:{ATTACKER}")) == 40
    # the owner, from home, is not locked out by any of it
    log_in(ApiClient(live_app.test_client()), mobile, DEFAULT_PASSWORD, OWNER).expect(200)

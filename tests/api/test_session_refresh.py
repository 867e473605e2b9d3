"""A logged-in session slides, extended at most once an hour (issue 14): a request that changes nothing
writes nothing to Redis and sets no cookie; the hourly refresh also re-indexes the session under its user,
so a suspension still ends it."""

from __future__ import annotations

from datetime import timedelta

from ihome.core import clock
from ihome.core.sessions import REFRESH_EVERY_SECONDS, USER_SESSIONS_KEY, destroy_user_sessions
from tests.factories.accounts import DEFAULT_PASSWORD

SESSION_COOKIE = "ihome_session"
FOURTEEN_DAYS = 14 * 24 * 3600


def _log_in(api, user) -> tuple[str, str]:
    """(the session's Redis key, its user's index key) after a real login."""
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    sid = api.client.get_cookie(SESSION_COOKIE).value
    return f"ihome:session:{sid}", USER_SESSIONS_KEY.format(user_id=user["id"])


def _sets_session_cookie(response) -> bool:
    return any(h.startswith(f"{SESSION_COOKIE}=") for h in response.headers.getlist("Set-Cookie"))


def test_a_login_stores_the_session_and_indexes_it_under_its_user_for_the_lifetime(api, redis, user):
    key, index = _log_in(api, user)
    sid = key.removeprefix("ihome:session:")
    assert redis.smembers(index) == {sid.encode()}
    assert FOURTEEN_DAYS - 60 < redis.ttl(key) <= FOURTEEN_DAYS
    assert FOURTEEN_DAYS - 60 < redis.ttl(index) <= FOURTEEN_DAYS


def test_a_request_within_the_hour_writes_nothing_and_sets_no_cookie(api, redis, user):
    key, _index = _log_in(api, user)
    redis.expire(key, 1000)  # a refresh would put it back to 14 days
    stored = redis.get(key)
    response = api.client.get("/api/v1.0/session")
    assert response.status_code == 200 and response.get_json()["data"]["user_id"] == user["id"]
    assert not _sets_session_cookie(response)
    assert redis.ttl(key) <= 1000 and redis.get(key) == stored


def test_after_an_hour_a_request_extends_the_session_and_its_index(app, api, redis, user):
    key, index = _log_in(api, user)
    sid = key.removeprefix("ihome:session:")
    redis.expire(key, 1000)
    redis.srem(index, sid)  # as if the login's index had expired meanwhile
    with clock.frozen(clock.now() + timedelta(seconds=REFRESH_EVERY_SECONDS + 1)):
        response = api.client.get("/api/v1.0/session")
    assert response.status_code == 200 and _sets_session_cookie(response)
    assert FOURTEEN_DAYS - 60 < redis.ttl(key) <= FOURTEEN_DAYS
    assert redis.smembers(index) == {sid.encode()} and redis.ttl(index) > FOURTEEN_DAYS - 60
    # what the index is for: a suspension ends the session
    assert destroy_user_sessions(app, user["id"]) == 1
    assert redis.get(key) is None
    assert api.client.get("/api/v1.0/session").status_code == 401


def test_a_change_to_the_session_is_saved_at_once(api, redis, user):
    key, _index = _log_in(api, user)
    redis.expire(key, 1000)
    api.delete("/session").expect(200)  # logout: the session's data changes
    assert redis.get(key) is None

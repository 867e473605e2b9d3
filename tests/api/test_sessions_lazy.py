"""Lazy sessions (issue 14): a cookieless request draws no session id, touches no Redis, sets no session cookie."""

from __future__ import annotations

from ihome.core.sessions import LazySession
from tests.factories.accounts import DEFAULT_PASSWORD, make_user

SESSION_COOKIE = "ihome_session"


def _session_keys(redis) -> set[bytes]:
    return set(redis.scan_iter("ihome:session:*"))


def test_a_cookieless_api_read_sets_no_session_cookie_and_stores_nothing(client, redis):
    before = _session_keys(redis)
    response = client.get("/api/v1.0/areas")
    assert response.status_code == 200
    assert SESSION_COOKIE not in response.headers.get("Set-Cookie", "")
    assert _session_keys(redis) == before


def test_an_unknown_session_cookie_is_not_stored_again_on_a_read(client, redis):
    client.set_cookie(SESSION_COOKIE, "expired-or-invented")
    before = _session_keys(redis)
    response = client.get("/api/v1.0/areas")
    assert response.status_code == 200
    assert SESSION_COOKIE not in response.headers.get("Set-Cookie", "")
    assert _session_keys(redis) == before


def test_the_id_is_drawn_on_first_use_only():
    drawn: list[str] = []

    def new_sid() -> str:
        drawn.append("x")
        return "sid-1"

    session = LazySession(permanent=True, new_sid=new_sid)
    assert not session.has_sid and drawn == []
    assert session.sid == "sid-1" and session.sid == "sid-1"
    assert drawn == ["x"] and session.has_sid


def test_after_login_the_session_is_stored_under_a_drawn_id(api, redis, user):
    api.get("/api/v1.0/areas")
    before = _session_keys(redis)
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    session_id = api.client.get_cookie(SESSION_COOKIE).value
    assert _session_keys(redis) - before == {f"ihome:session:{session_id}".encode()}
    assert api.get("/session").expect(200).data["user_id"] == user["id"]


def test_a_login_over_a_planted_live_session_id_gets_a_new_id(app, api, redis, user):
    """Session fixation: an attacker plants the id of a session they hold; the victim's login must not reuse it."""
    from tests.support.api_client import ApiClient

    with app.app_context():
        attacker = make_user()
        attacker_mobile = attacker.mobile
    other = ApiClient(app.test_client())
    other.post("/sessions", json={"mobile": attacker_mobile, "password": DEFAULT_PASSWORD}).expect(200)
    planted = other.client.get_cookie(SESSION_COOKIE).value
    api.client.set_cookie(SESSION_COOKIE, planted)
    api.client.get("/healthz")  # (a planted csrf cookie would do the same) a token for the planted session
    api.post("/sessions", json={"mobile": user["mobile"], "password": DEFAULT_PASSWORD}).expect(200)
    assert api.client.get_cookie(SESSION_COOKIE).value != planted
    assert api.get("/session").expect(200).data["user_id"] == user["id"]
    other.get("/session").expect(401, "4101")  # the planted session is not the victim's

"""CSRF tokens are signed for the session: planted or foreign tokens are refused, a login rotates them.

The client protocol is unchanged: the ``csrf_token`` cookie's value echoed in ``X-CSRFToken``.
"""

from __future__ import annotations

import secrets

from ihome.accounts.models import User
from tests.conftest import login
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.support.api_client import API, ApiClient


def _rename(client, token: str, name: str):
    client.set_cookie("csrf_token", token)
    return client.put(API + "/user/name", json={"name": name}, headers={"X-CSRFToken": token})


def _user(app) -> tuple[int, str]:
    with app.app_context():
        person = make_user()
        return person.id, person.mobile


def test_a_planted_pair_not_minted_for_this_session_is_refused_and_nothing_changes(app, db):
    victim, attacker = app.test_client(), app.test_client()
    victim_id, _ = _user(app)
    attacker_id, _ = _user(app)
    login(victim, victim_id)
    login(attacker, attacker_id)
    ApiClient(attacker).csrf_token()
    foreign = attacker.get_cookie("csrf_token").value  # a real token, minted for the attacker's session
    anonymous = app.test_client()
    anonymous.get("/healthz")
    before_login = anonymous.get_cookie("csrf_token").value  # a real token, minted for no session
    for planted in (foreign, before_login, secrets.token_urlsafe(32), "x" * 24 + "." + "y" * 43):
        response = _rename(victim, planted, "planted-name")
        assert (response.status_code, response.json["errno"]) == (400, "4004"), planted
        assert "CSRF" in response.json["errmsg"]
    assert db.session.get(User, victim_id).name != "planted-name"


def test_a_token_minted_for_the_session_is_accepted(app, db):
    client = app.test_client()
    user_id, _ = _user(app)
    login(client, user_id)
    ApiClient(client).put("/user/name", json={"name": "own-token"}).expect(200)
    assert db.session.get(User, user_id).name == "own-token"


def test_a_planted_cookie_is_replaced_by_the_next_response(app):
    client = app.test_client()
    client.set_cookie("csrf_token", "planted-by-a-sibling-subdomain")
    client.get("/healthz")
    fresh = client.get_cookie("csrf_token").value
    assert fresh != "planted-by-a-sibling-subdomain"
    ApiClient(client).post("/sessions", json={"mobile": "13800000000", "password": "wrong"}).expect(401, "4102")


def test_the_token_changes_at_login_and_logout(app, db):
    client = app.test_client()
    _, mobile = _user(app)
    api = ApiClient(client)
    anonymous = api.csrf_token()
    api.post("/sessions", json={"mobile": mobile, "password": DEFAULT_PASSWORD}).expect(200)
    logged_in = client.get_cookie("csrf_token").value
    assert logged_in != anonymous
    # the pre-login token is useless now, the new one works
    stale = client.put(API + "/user/name", json={"name": "stale"}, headers={"X-CSRFToken": anonymous})
    assert stale.status_code == 400 and stale.json["errno"] == "4004"
    api.put("/user/name", json={"name": "fresh-token"}).expect(200)
    api.delete("/session").expect(200)
    assert client.get_cookie("csrf_token").value not in {anonymous, logged_in}


def test_pages_embed_the_cookies_token(app):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = client.get_cookie("csrf_token").value
    assert f'content="{token}"' in html


def test_a_cookieless_read_of_the_api_mints_no_token_but_pages_and_refusals_do(app):
    """Issue 14: anonymous API reads skip the HMAC and the Set-Cookie; every way to a state change still has one."""
    client = app.test_client()
    read = client.get(API + "/areas")
    assert read.status_code == 200 and "Set-Cookie" not in read.headers
    assert client.get_cookie("csrf_token") is None
    client.get("/login")  # a page: the token is in the cookie and in the page
    assert client.get_cookie("csrf_token") is not None
    bare = app.test_client()
    refused = bare.post(API + "/sessions", json={"mobile": "13800000000", "password": "wrong"})
    assert (refused.status_code, refused.json["errno"]) == (400, "4004")
    token = bare.get_cookie("csrf_token").value  # the refusal carries a fresh token: the retry passes the check
    retry = bare.post(API + "/sessions", json={"mobile": "13800000000", "password": "wrong"},
                      headers={"X-CSRFToken": token})
    assert (retry.status_code, retry.json["errno"]) == (401, "4102")


def test_a_logged_in_client_without_a_token_gets_one_from_an_api_read(app, db):
    client = app.test_client()
    user_id, _ = _user(app)
    login(client, user_id)  # a session cookie, no token
    client.get(API + "/areas")
    token = client.get_cookie("csrf_token").value
    assert client.put(API + "/user/name", json={"name": "read-then-write"},
                      headers={"X-CSRFToken": token}).status_code == 200
    assert db.session.get(User, user_id).name == "read-then-write"

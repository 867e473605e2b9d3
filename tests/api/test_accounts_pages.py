"""The accounts pages render, protect themselves, honour only local ``next`` paths; the dev outbox."""

from __future__ import annotations

import json

import pytest

from ihome import create_app
from ihome.integrations.sms import OUTBOX_KEY
from tests.conftest import login


def test_register_page_renders_the_form(client):
    page = client.get("/register?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for marker in ('id="register-form"', 'id="captcha"', 'id="send-sms"', 'name="password2"',
                   "js/accounts/register.js", 'data-countdown-label="Resend in {s} s"',
                   'data-resend-seconds="60"'):
        assert marker in html


def test_register_page_in_chinese_by_default(client):
    html = client.get("/register").get_data(as_text=True)
    assert "注册" in html and "获取验证码" in html


@pytest.mark.parametrize(("next_value", "expected"), [
    ("/my/orders", 'data-next="/my/orders"'),
    ("https://evil.example/", 'data-next="/my"'),
    ("//evil.example/x", 'data-next="/my"'),
    (None, 'data-next="/my"'),
])
def test_login_page_keeps_only_local_next_paths(client, next_value, expected):
    url = "/login" + (f"?next={next_value}" if next_value else "")
    assert expected in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/my", "/my/profile", "/my/auth"])
def test_account_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_login_page_sends_a_logged_in_user_on(client, user):
    login(client, user["id"])
    response = client.get("/login?next=/my/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/my/profile"


@pytest.mark.parametrize(("next_value", "expected"), [("/my/orders", "/my/orders"), ("//evil.example/", "/my"),
                                                     (None, "/my")])
def test_register_page_sends_a_logged_in_user_on(client, user, next_value, expected):
    """Back after signing up must not show the sign-up form to someone now logged in (as /login does)."""
    login(client, user["id"])
    response = client.get("/register" + (f"?next={next_value}" if next_value else ""))
    assert response.status_code == 302 and response.headers["Location"] == expected
    assert response.headers["Cache-Control"] == "no-store"


def test_hub_shows_the_user_and_links(client, user):
    login(client, user["id"])
    html = client.get("/my").get_data(as_text=True)
    assert user["mobile"] in html
    for link in ("/my/profile", "/my/auth", "/my/orders", "/my/houses/new"):
        assert f'href="{link}"' in html
    assert 'href="/my/lorders"' not in html and 'href="/my/houses"' not in html  # not a host (yet)
    assert 'id="logout"' in html


def test_the_hub_offers_the_host_links_to_people_who_host(client, user):
    from ihome.accounts.models import User
    from ihome.extensions import db
    from tests.factories.houses import make_house

    make_house(owner=db.session.get(User, user["id"]))
    login(client, user["id"])
    html = client.get("/my").get_data(as_text=True)
    for link in ("/my/houses", "/my/lorders"):
        assert f'href="{link}"' in html
    assert 'href="/my/houses/new"' not in html


def test_profile_page_has_upload_and_rename(client, user):
    login(client, user["id"])
    html = client.get("/my/profile").get_data(as_text=True)
    assert 'id="avatar-form"' in html and 'id="avatar-progress"' in html and 'id="name-form"' in html


def test_auth_page_is_a_form_until_set_then_read_only_and_masked(api, client, user):
    login(client, user["id"])
    assert 'id="auth-form"' in client.get("/my/auth").get_data(as_text=True)
    api.post("/user/auth", json={"real_name": "张三", "id_card": "11010519491231002X"}).expect(200)
    html = client.get("/my/auth").get_data(as_text=True)
    assert 'id="auth-form"' not in html
    assert "110***********002X" in html and "11010519491231002X" not in html


def test_dev_outbox_lists_messages(client, redis):
    entry = {"mobile": "13800138000", "body": "code 123456", "created_at": "2026-01-01T00:00:00+00:00"}
    redis.rpush(OUTBOX_KEY, json.dumps(entry))
    assert client.get("/dev/outbox.json").get_json() == [entry]
    html = client.get("/dev/outbox").get_data(as_text=True)
    assert "13800138000" in html and "code 123456" in html


def test_dev_outbox_is_absent_in_production(app, redis_server, tmp_path):
    from tests.conftest import redis_url

    production = create_app({
        "IHOME_ENV": "production", "SECRET_KEY": "x" * 40, "SMS_BACKEND": "ronglian",
        "PAYMENT_BACKEND": "alipay", "CAPTCHA_TEST_CODE": None,
        "RONGLIAN_ACCOUNT_SID": "sid", "RONGLIAN_AUTH_TOKEN": "token", "RONGLIAN_APP_ID": "app",
        "ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "app.pem"), "ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "ali.pem"),
        "ALIPAY_GATEWAY": "https://openapi.alipay.com/gateway.do", "PUBLIC_URL": "https://ihome.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "REDIS_URL": redis_url(redis_server, 9),
        "INSTANCE_PATH": str(tmp_path),
    })
    app.extensions["celery"].set_default()  # create_app made the production app's Celery the default
    client = production.test_client()
    assert client.get("/dev/outbox").status_code == 404
    assert client.get("/dev/outbox.json").status_code == 404
    assert client.get("/dev/alipay/refunds.json").status_code == 404  # nor the payment simulator

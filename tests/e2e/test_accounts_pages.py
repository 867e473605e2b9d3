"""A person in Chromium: registers (captcha test code, SMS code from the outbox), logs out and in,
uploads an avatar and sets real-name information."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support.accounts_fixtures import outbox_code

pytestmark = pytest.mark.e2e
PASSWORD = "browser-pass-1"


def test_register_log_out_log_in_avatar_and_real_name(page, live, unique_mobile, tmp_path):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # register
    page.goto(live.url + "/register")
    expect(page.locator("#captcha")).to_have_attribute("src", re.compile(r"^/api/v1\.0/image_codes/"))
    page.fill("#mobile", unique_mobile)
    page.fill("#image_code", "TEST")
    page.click("#send-sms")
    expect(page.locator("#send-sms")).to_be_disabled()  # the 60 s countdown
    expect(page.locator("#send-sms")).to_contain_text("秒")
    page.fill("#sms_code", outbox_code(live, unique_mobile))
    page.fill("#password", PASSWORD)
    page.fill("#password2", "something-else")
    page.click("#register-submit")
    expect(page.locator("#password2").locator("xpath=..").locator(".error")).to_contain_text("不一致")
    page.fill("#password2", PASSWORD)
    page.click("#register-submit")
    page.wait_for_url(live.url + "/my")
    expect(page.locator("#my-mobile")).to_have_text(unique_mobile)

    # log out, then a protected page sends us to the login page and back
    page.click("#logout")
    page.wait_for_url(live.url + "/")
    page.goto(live.url + "/my/profile")
    page.wait_for_url(re.compile(r"/login\?next=/my/profile$"))
    page.fill("#mobile", unique_mobile)
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#flash")).to_contain_text("手机号或密码错误")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(live.url + "/my/profile")

    # avatar: preview, upload with progress, stored as the user's avatar
    picture = tmp_path / "me.png"
    Image.new("RGB", (500, 400), (250, 120, 20)).save(picture)
    page.set_input_files("#avatar", str(picture))
    expect(page.locator("#avatar-preview")).to_have_attribute("src", re.compile(r"^blob:"))
    page.click("#avatar-submit")
    expect(page.locator("#flash")).to_contain_text("头像已保存")
    expect(page.locator("#avatar-preview")).to_have_attribute("src", re.compile(r"^/media/avatars/[0-9a-f]{64}\.jpg$"))

    # rename
    page.fill("#name", "浏览器用户" + unique_mobile[-4:])
    page.click("#name-submit")
    expect(page.locator("#flash")).to_contain_text("用户名已保存")

    # real-name verification: a wrong check digit first, then a valid ID; afterwards read-only and masked
    page.goto(live.url + "/my/auth")
    page.fill("#real_name", "张三")
    page.fill("#id_card", "110105194912310021")  # 18 digits, a wrong check digit: said so
    page.click("#auth-submit")
    expect(page.locator("#id_card").locator("xpath=..").locator(".error")).to_contain_text("身份证号校验位不正确")
    page.fill("#id_card", "11010519491231002X")
    page.click("#auth-submit")
    expect(page.locator("#auth-id-card")).to_have_text("110***********002X")
    expect(page.locator("#auth-form")).to_have_count(0)

    page.goto(live.url + "/my")
    expect(page.locator("#my-name")).to_have_text("浏览器用户" + unique_mobile[-4:])
    expect(page.locator("img#my-avatar")).to_have_attribute("src", re.compile(r"^/media/avatars/"))
    expect(page.locator(".badge.ok")).to_be_visible()
    # the 400 and 401 answers we provoked on purpose show as failed loads; anything else is a bug
    provoked = re.compile(r"^Failed to load resource: .* status of 40[01] ")
    assert [e for e in errors if not provoked.match(e)] == [], errors  # no CSP violations, no missing assets

"""In Chromium: a guest asks a host from the house page, they talk in two browsers, contact details are masked
until the booking is paid; a heart on the house page fills /my/favorites."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ihome.orders.models import OrderStatus
from tests.e2e.test_orders_flow import console_errors, log_in
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

pytestmark = pytest.mark.e2e
POLL = 30_000  # ms: the thread polls every 4 s, slowing to 30 s while nothing arrives

ASK = "我的手机 13800138000，微信 zhang_san88，<b>可以</b>带狗吗？"
ASK_MASKED = "我的手机 ***********，微信 ***********，<b>可以</b>带狗吗？"


def test_guest_and_host_talk_with_contacts_masked_until_paid(live, live_app, page: Page, browser,
                                                               browser_context_args):
    host, guest = make_user(verified=True), make_user()
    house = make_house(owner=host, title="Courtyard with a dog run")
    house_id, host_mobile, guest_mobile, guest_id = house.id, host.mobile, guest.mobile, guest.id
    errors = console_errors(page)

    # the guest asks from the house page (联系房东) before any booking
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}")
    page.click("#contact-host")
    page.wait_for_url(re.compile(r"/houses/\d+/contact$"))
    page.fill("#message-text", ASK)
    page.click("#contact-send")
    page.wait_for_url(re.compile(r"/my/messages/\d+$"))
    thread_url = page.url
    mine = page.locator("#messages li.message.mine .message-text")
    expect(mine).to_have_text([ASK])  # the sender sees what they wrote, as text (the <b> is not markup)

    host_context: BrowserContext = browser.new_context(**browser_context_args)
    try:
        host_page = host_context.new_page()
        host_errors = console_errors(host_page)
        log_in(host_page, live.url, host_mobile)
        host_page.goto(live.url + "/")
        expect(host_page.locator("#nav-unread")).to_have_text("1")
        host_page.click("#nav-messages")
        host_page.locator("#conversation-list a").first.click()
        host_page.wait_for_url(thread_url)
        expect(host_page.locator("#messages li.theirs .message-text")).to_have_text([ASK_MASKED])
        expect(host_page.locator("#masking-note")).to_be_visible()
        host_page.fill("#message-text", "可以的，我的电话 13912345678")
        host_page.click("#message-send")
        expect(host_page.locator("#messages li.mine .message-text")).to_have_text(["可以的，我的电话 13912345678"])
        expect(host_page.locator("#nav-unread")).to_be_hidden()  # the host read the guest's message

        # the guest's open thread gets the reply by polling, masked for them too
        expect(page.locator("#messages li.theirs .message-text")).to_have_text(["可以的，我的电话 ***********"],
                                                                             timeout=POLL)

        # the booking is paid: both sides now see the contact details
        make_order(house=house, guest=live_app_user(guest_id), status=OrderStatus.PAID)
        host_page.reload()
        expect(host_page.locator("#messages li.theirs .message-text")).to_have_text([ASK])
        expect(host_page.locator("#masking-note")).to_have_count(0)
        page.fill("#message-text", "好的，微信 zhang_san88 联系")
        page.click("#message-send")
        expect(host_page.locator("#messages li.theirs .message-text")).to_have_text(
            [ASK, "好的，微信 zhang_san88 联系"], timeout=POLL)
        page.reload()
        expect(page.locator("#messages li.theirs .message-text")).to_have_text(["可以的，我的电话 13912345678"])
        assert host_errors == [], host_errors
    finally:
        host_context.close()
    assert errors == [], errors


def live_app_user(user_id: int):
    from ihome.accounts.models import User
    from ihome.extensions import db

    return db.session.get(User, user_id)


def test_a_heart_on_the_house_page_fills_my_favourites(live, live_app, page: Page):
    guest = make_user()
    house = make_house(title="Loft near the Drum Tower")
    house_id, guest_mobile = house.id, guest.mobile
    errors = console_errors(page)

    page.goto(f"{live.url}/houses/{house_id}")  # anonymous: a tap leads to the login page
    expect(page.locator("html")).to_have_attribute("data-favorites-loaded", "anonymous")
    page.click("#house-favorite")
    page.wait_for_url(re.compile(r"/login\?next="))

    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}")
    heart = page.locator("#house-favorite")
    expect(page.locator("html")).to_have_attribute("data-favorites-loaded", "true")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    page.goto(f"{live.url}/my/favorites")
    card = page.locator("#favorite-houses li.house-card")
    expect(card).to_have_count(1)
    expect(card.locator(".house-title")).to_have_text("Loft near the Drum Tower")
    expect(card.locator(".fav-heart")).to_have_attribute("aria-pressed", "true")
    card.locator(".fav-heart").click()
    expect(card.locator(".fav-heart")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("#no-favorites")).to_be_visible()
    assert errors == [], errors

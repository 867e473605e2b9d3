"""In Chromium: a guest books through the date picker, the host accepts, the guest sees 待支付 (WAIT_PAYMENT)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import day_cell, log_in

pytestmark = pytest.mark.e2e




def wait_for_text(page: Page, base: str, mobile: str, fragment: str) -> str:
    """The live worker's SMS to ``mobile`` containing ``fragment`` (the task runs asynchronously)."""
    for _ in range(100):
        bodies = [m["body"] for m in page.request.get(base + "/dev/outbox.json").json() if m["mobile"] == mobile]
        found = [body for body in bodies if fragment in body]
        if found:
            return found[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f"no text to {mobile} with {fragment!r}: {bodies}")


def console_errors(page: Page) -> list[str]:
    """Console errors and failed responses of our pages (CSP violations, missing assets)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status == 404 else None)
    return errors


def test_guest_books_with_the_picker_host_accepts_guest_sees_awaiting_payment(
        live, live_app, page: Page, browser, browser_context_args):
    host, guest = make_user(verified=True), make_user()
    house = make_house(owner=host, price=25000, title="Courtyard by the lake")
    today = clock.today()
    make_order(house=house, start=today + timedelta(days=3), nights=2)  # nights +3 and +4 are taken
    house_id, host_mobile, guest_mobile = house.id, host.mobile, guest.mobile
    errors = console_errors(page)

    # the guest picks dates: booked nights are greyed out; check-out may fall on a booked night's morning
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    taken = day_cell(page, today + timedelta(days=3))
    expect(taken).to_have_class(re.compile(r"\bbooked\b"))
    expect(taken).to_be_disabled()
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    day_cell(page, today + timedelta(days=1)).click()
    day_cell(page, today + timedelta(days=3)).click()
    expect(page.locator("#nights")).to_have_text("2")
    expect(page.locator("#amount")).to_have_text("¥500")
    expect(page.locator("#start-date")).to_have_value((today + timedelta(days=1)).isoformat())
    page.click("#book-submit")
    page.wait_for_url(f"{live.url}/my/orders")
    card = page.locator("article.order").first
    expect(card).to_have_attribute("data-status", OrderStatus.WAIT_ACCEPT.value)
    expect(card.locator(".order-status")).to_have_text("待接单")
    order_id = card.get_attribute("data-order-id")
    assert "Courtyard by the lake" in wait_for_text(page, live.url, host_mobile, "新预订")

    # the host accepts in /my/lorders, in a browser of their own
    host_context: BrowserContext = browser.new_context(**browser_context_args)
    try:
        host_page = host_context.new_page()
        host_errors = console_errors(host_page)
        log_in(host_page, live.url, host_mobile)
        host_page.goto(f"{live.url}/my/lorders")
        host_card = host_page.locator(f'article.order[data-order-id="{order_id}"]')
        host_card.locator("button.order-accept").click()
        expect(host_page.locator(f'article.order[data-order-id="{order_id}"]')).to_have_attribute(
            "data-status", OrderStatus.WAIT_PAYMENT.value)
        host_page.reload()
        expect(host_page.locator(f'article.order[data-order-id="{order_id}"] .order-status')).to_have_text("待支付")
        assert host_errors == [], host_errors
    finally:
        host_context.close()

    # the guest sees the translated WAIT_PAYMENT label, and a pay button
    page.goto(f"{live.url}/my/orders")
    mine = page.locator(f'article.order[data-order-id="{order_id}"]')
    expect(mine).to_have_attribute("data-status", "WAIT_PAYMENT")
    expect(mine.locator(".order-status")).to_have_text("待支付")
    expect(mine.locator("button.order-pay")).to_be_visible()
    assert "Courtyard by the lake" in wait_for_text(page, live.url, guest_mobile, "已接单")
    assert errors == [], errors


def test_host_declines_with_a_reason_the_guest_reads_it(live, live_app, page: Page, browser,
                                                        browser_context_args):
    host, guest = make_user(verified=True), make_user()
    house = make_house(owner=host)
    order_id = make_order(house=house, guest=guest, start=clock.today() + timedelta(days=50)).id
    host_mobile, guest_mobile = host.mobile, guest.mobile

    log_in(page, live.url, host_mobile)
    page.goto(f"{live.url}/my/lorders")
    card = page.locator(f'article.order[data-order-id="{order_id}"]')
    card.locator("button.order-reject-open").click()
    card.locator("form.order-reject-form button[type=submit]").click()
    expect(card.locator(".field .error")).not_to_be_empty()  # the reason is required
    card.locator("form.order-reject-form textarea").fill("Closed for repairs")
    card.locator("form.order-reject-form button[type=submit]").click()
    expect(page.locator(f'article.order[data-order-id="{order_id}"]')).to_have_attribute("data-status", "REJECTED")

    guest_context = browser.new_context(**browser_context_args)
    try:
        guest_page = guest_context.new_page()
        log_in(guest_page, live.url, guest_mobile)
        guest_page.goto(f"{live.url}/my/orders")
        mine = guest_page.locator(f'article.order[data-order-id="{order_id}"]')
        expect(mine.locator(".order-status")).to_have_text("已拒单")
        expect(mine.locator(".order-reason")).to_have_text("Closed for repairs")
        wait_for_text(guest_page, live.url, guest_mobile, "Closed for repairs")
    finally:
        guest_context.close()


def test_guest_reviews_a_finished_stay_with_stars(live, live_app, page: Page):
    guest = make_user()
    order_id = make_order(house=make_house(), guest=guest, status=OrderStatus.WAIT_COMMENT,
                          start=clock.today() + timedelta(days=80)).id
    log_in(page, live.url, guest.mobile)
    page.goto(f"{live.url}/my/orders")
    card = page.locator(f'article.order[data-order-id="{order_id}"]')
    card.locator('button.star[data-rating="4"]').click()
    expect(card.locator("button.star.on")).to_have_count(4)
    card.locator('textarea[name="comment"]').fill("Quiet and clean")
    card.locator("button.order-comment-submit").click()
    expect(page.locator(f'article.order[data-order-id="{order_id}"] .order-status')).to_have_text("已完成")
    expect(page.locator(f'article.order[data-order-id="{order_id}"] .order-review')).to_contain_text("Quiet and clean")


def test_the_picker_enforces_min_and_max_nights_and_refuses_booked_nights(live, live_app, page: Page):
    house = make_house(min_days=2, max_days=4, price=10000)
    today = clock.today()
    make_order(house=house, start=today + timedelta(days=10), nights=1)  # night +10 is taken
    house_id, guest_mobile = house.id, make_user().mobile
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    hint, submit = page.locator("#picker-hint"), page.locator("#book-submit")

    day_cell(page, today + timedelta(days=1)).click()
    day_cell(page, today + timedelta(days=2)).click()  # 1 night: too short
    expect(hint).to_have_text("该房屋至少需入住 2 晚")
    expect(submit).to_be_disabled()
    day_cell(page, today + timedelta(days=1)).click()
    day_cell(page, today + timedelta(days=6)).click()  # 5 nights: too long
    expect(hint).to_have_text("该房屋最多可入住 4 晚")
    day_cell(page, today + timedelta(days=8)).click()
    day_cell(page, today + timedelta(days=11)).click()  # crosses the booked night +10: +11 becomes check-in
    expect(hint).to_have_text("所选日期中有已被预订的夜晚")
    expect(submit).to_be_disabled()
    expect(page.locator("#start-date")).to_have_value((today + timedelta(days=11)).isoformat())
    day_cell(page, today + timedelta(days=14)).click()  # 3 nights after the booked one
    expect(page.locator("#nights")).to_have_text("3")
    expect(page.locator("#amount")).to_have_text("¥300")
    expect(submit).to_be_enabled()


@pytest.mark.parametrize(("policy", "start_in", "expected"), [
    ("moderate", 20, "免费取消至 {date}"), ("strict", 20, "{date} 前取消退还房费的 50%"),
    ("moderate", 3, "这些日期取消将不退款"),  # the free-cancellation date is already past
])
def test_the_booking_page_shows_the_policy_with_the_concrete_date(live, live_app, page: Page, policy, start_in,
                                                                   expected):
    house = make_house(price=10000, cancellation_policy=policy)
    house_id, guest_mobile = house.id, make_user().mobile
    today = clock.today()
    check_in = today + timedelta(days=start_in)
    deadline = check_in - timedelta(days=5 if policy == "moderate" else 7)
    errors = console_errors(page)
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#policy-note")).to_contain_text("取消政策：" + ("适中" if policy == "moderate" else "严格"))
    day_cell(page, check_in).click()
    expect(page.locator("#policy-date")).to_have_text(
        expected.replace("{date}", f"{deadline.month}月{deadline.day}日"))
    assert errors == []

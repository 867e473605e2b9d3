"""In Chromium: a guest books, the host accepts, the guest pays on the simulator's cashier page, lands on
/pay/complete, and sees the booking PAID in /my/orders. Pages are driven by their ids and data attributes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ihome.core import clock
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house

pytestmark = pytest.mark.e2e


def log_in(page, live, mobile: str) -> None:
    """Log in through the JSON API in the browser's own cookie jar (as the login page does)."""
    page.context.clear_cookies()
    page.goto(live.url + "/")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    response = page.request.post(live.url + "/api/v1.0/sessions",
                                 data={"mobile": mobile, "password": DEFAULT_PASSWORD}, headers={"X-CSRFToken": csrf})
    assert response.ok, response.text()


def test_book_accept_pay_on_the_cashier_and_see_paid(page, live, live_db):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    host = make_user(verified=True)
    house = make_house(owner=host, price=18800, min_days=1)
    guest = make_user()
    host_mobile, guest_mobile, house_id = host.mobile, guest.mobile, house.id
    check_in = clock.today() + timedelta(days=2)

    # the guest books two nights on the booking page's calendar
    log_in(page, live, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid[data-loaded=true]")).to_have_count(1)
    for day in (check_in, check_in + timedelta(days=2)):
        while page.locator(f'#picker-grid [data-date="{day.isoformat()}"]').count() == 0:
            page.click("#picker-next")
        page.click(f'#picker-grid [data-date="{day.isoformat()}"]')
    expect(page.locator("#amount")).to_have_text("¥376")  # the nights' subtotal; the fee is added on booking
    expect(page.locator("#fee-note")).to_contain_text("5%")
    page.click("#book-submit")
    page.wait_for_url(re.compile(r"/my/orders"))
    card = page.locator("[data-order-id]").first
    order_id = card.get_attribute("data-order-id")

    # the host accepts it
    log_in(page, live, host_mobile)
    page.goto(live.url + "/my/lorders")
    page.locator(f'[data-order-id="{order_id}"] button[data-action=accept]').click()
    expect(page.locator(f'[data-order-id="{order_id}"][data-status=WAIT_PAYMENT]')).to_have_count(1)

    # the guest pays: /my/orders → the simulator's cashier → /pay/complete
    log_in(page, live, guest_mobile)
    page.goto(live.url + "/my/orders")
    page.locator(f'[data-order-id="{order_id}"] button[data-action=pay]').click()
    page.wait_for_url(re.compile(r"/dev/alipay/gateway\?"))
    expect(page.locator("[data-cashier-amount]")).to_have_text("394.80")  # 376.00 + the 5 % service fee
    page.click("button[data-decision=pay]")
    page.wait_for_url(re.compile(r"/pay/complete\?"))
    result = page.locator("[data-pay-result]")
    expect(result).to_have_attribute("data-state", re.compile("paid|processing"))
    page.click("[data-my-orders]")
    page.wait_for_url(re.compile(r"/my/orders"))
    paid = page.locator(f'[data-order-id="{order_id}"][data-status=PAID]')
    for _ in range(50):  # the notify is posted by the simulator's thread: reload until it has landed
        if paid.count():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(paid).to_have_count(1)
    assert errors == [], errors

"""In Chromium (390×844): Back and Forward show the truth. Each test presses Back for real.

A page restored from the back-forward cache is marked ``data-stale`` before it is left: seeing the
mark gone proves the page was fetched again, not shown from memory.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.houses.presenters import money
from ihome.orders.models import OrderStatus
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.accounts_fixtures import live_sms_code
from tests.support.browser import day_cell, log_in

pytestmark = pytest.mark.e2e



def mark_stale(page: Page) -> None:
    page.evaluate("document.body.dataset.stale = 'yes'")


def expect_fresh(page: Page) -> None:
    """The page on screen was loaded again (a page kept in memory would still carry the mark)."""
    expect(page.locator("body[data-stale]")).to_have_count(0)



def scroll_y(page: Page) -> int:
    return int(page.evaluate("Math.round(window.scrollY)"))


def test_back_from_my_orders_shows_the_nights_just_booked_as_taken(live, live_app, page: Page):
    house_id, guest_mobile = make_house(price=20000).id, make_user().mobile
    check_in = clock.today() + timedelta(days=5)
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}")
    page.click("#book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    day_cell(page, check_in).click()
    day_cell(page, check_in + timedelta(days=2)).click()
    expect(page.locator("#amount")).to_have_text("¥400")
    mark_stale(page)
    page.click("#book-submit")
    page.wait_for_url(f"{live.url}/my/orders")

    page.go_back()
    page.wait_for_url(f"{live.url}/houses/{house_id}/book")
    expect_fresh(page)
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    for night in (check_in, check_in + timedelta(days=1)):
        cell = day_cell(page, night)
        expect(cell).to_have_class(re.compile(r"\bbooked\b"))
        expect(cell).to_be_disabled()
    expect(page.locator("#start-date")).to_have_value("")  # the old choice is not offered again
    expect(page.locator("#book-submit")).to_be_disabled()


def test_back_twice_after_paying_shows_the_order_paid_without_a_pay_button(live, live_app, page: Page):
    guest = make_user()
    house = make_house(price=18850)
    order = make_order(house=house, guest=guest, status=OrderStatus.WAIT_PAYMENT,
                       start=clock.today() + timedelta(days=20))
    order_id, guest_mobile, amount = order.id, guest.mobile, money(order.amount)
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/my/orders")
    card = page.locator(f'article.order[data-order-id="{order_id}"]')
    expect(card.locator(".order-amount")).to_have_text(amount)  # nights + the guest's service fee
    mark_stale(page)
    card.locator("button.order-pay").click()
    page.wait_for_url(re.compile(r"/dev/alipay/gateway\?"))
    page.click("button[data-decision=pay]")
    page.wait_for_url(re.compile(r"/pay/complete\?"))
    # status words, never codes; the page asks again until the provider's notification has landed
    expect(page.locator("[data-pay-result]")).to_have_attribute("data-state", "paid", timeout=15000)
    expect(page.locator("[data-pay-status]")).to_have_text("已支付")
    expect(page.locator("[data-pay-order]")).to_have_text(f"#{order_id}")
    assert "PAID" not in page.locator("[data-page=pay-complete]").inner_text()

    page.go_back()
    page.wait_for_url(re.compile(r"/dev/alipay/gateway\?"))
    page.go_back()
    page.wait_for_url(f"{live.url}/my/orders")
    expect_fresh(page)
    card = page.locator(f'article.order[data-order-id="{order_id}"]')
    expect(card).to_have_attribute("data-status", "PAID")
    expect(card.locator(".order-status")).to_have_text("已支付")
    expect(card.locator("button.order-pay")).to_have_count(0)


def test_back_from_a_house_shows_the_same_forty_results_at_the_same_place(live, live_app, page: Page):
    owner = make_user(verified=True)
    area = 14  # a district no other browser test fills
    for n in range(45):
        make_house(owner=owner, area_id=area, title=f"Back test {n}", price=30000 + n)
    page.goto(f"{live.url}/search?aid={area}")
    results = page.locator("#results > li")
    expect(results).to_have_count(10)
    for shown in (20, 30, 40):  # the next page loads when the end of the list comes into view
        page.locator("#sentinel").scroll_into_view_if_needed()
        expect(results).to_have_count(shown)
    results.nth(34).scroll_into_view_if_needed()
    left_at = scroll_y(page)
    assert left_at > 5000
    hrefs = [results.nth(i).locator("a").get_attribute("href") for i in range(40)]
    mark_stale(page)
    results.nth(34).locator("a").click()
    page.wait_for_url(re.compile(r"/houses/\d+$"))

    page.go_back()
    page.wait_for_url(f"{live.url}/search?aid={area}")
    expect_fresh(page)
    expect(results).to_have_count(40)
    assert [results.nth(i).locator("a").get_attribute("href") for i in range(40)] == hrefs
    for _ in range(50):  # the position is restored once the pages are back
        if abs(scroll_y(page) - left_at) <= 2:
            break
        page.wait_for_timeout(100)
    assert abs(scroll_y(page) - left_at) <= 2, (scroll_y(page), left_at)


def test_back_after_registering_does_not_show_the_sign_up_form(live, live_app, page: Page, unique_mobile):
    code = live_sms_code(live, unique_mobile)
    page.goto(live.url + "/")
    page.goto(live.url + "/register")
    page.fill("#mobile", unique_mobile)
    page.fill("#sms_code", code)
    page.fill("#password", "a good password")
    page.fill("#password2", "a good password")
    page.click("#register-submit")
    page.wait_for_url(f"{live.url}/my")

    page.go_back()
    page.wait_for_url(f"{live.url}/")
    expect(page.locator("#register-form")).to_have_count(0)
    page.goto(live.url + "/register?next=/my/orders")  # logged in: /register sends you on, like /login
    page.wait_for_url(f"{live.url}/my/orders")
    expect(page.locator("#register-form")).to_have_count(0)


def test_back_after_logging_in_needs_one_press(live, live_app, page: Page):
    mobile = make_user().mobile
    page.goto(live.url + "/")
    page.click(".tabbar a[href='/my']")
    page.wait_for_url(f"{live.url}/login?next=/my")
    page.fill("#mobile", mobile)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{live.url}/my")

    page.go_back()
    page.wait_for_url(f"{live.url}/")
    expect(page.locator("#login-form")).to_have_count(0)


def test_prices_and_stars_read_the_same_from_jinja_and_from_script(live, live_app, page: Page):
    """One money rule (¥416, ¥416.50) and one star rule (4.5 → five stars) on server- and script-made cards."""
    from ihome.houses.presenters import money

    owner = make_user(verified=True)
    area = 15
    make_house(owner=owner, area_id=area, title="Rated on page two", price=41650, rating_sum=9, rating_count=2)
    for n in range(9):
        make_house(owner=owner, area_id=area, title=f"Filler {n}", price=50000)
    make_house(owner=owner, area_id=area, title="Rated on page one", price=41600, rating_sum=9, rating_count=2)
    page.goto(f"{live.url}/search?aid={area}")
    first = page.locator("#results > li", has_text="Rated on page one")
    expect(first.locator(".price")).to_have_text("¥416")
    expect(first.locator(".stars")).to_have_text("★★★★★")
    page.locator("#sentinel").scroll_into_view_if_needed()  # page two comes from the API, drawn by script
    expect(page.locator("#results > li")).to_have_count(11)
    second = page.locator("#results > li", has_text="Rated on page two")
    expect(second.locator(".price")).to_have_text("¥416.50")
    expect(second.locator(".stars")).to_have_text("★★★★★")

    samples = [0, 1, 5, 10, 99, 100, 101, 41600, 41605, 41650, 123456789, -250, 9007199254740]
    assert page.evaluate("(values) => values.map(window.ihome.money)", samples) == [money(v) for v in samples]

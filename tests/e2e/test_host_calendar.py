"""In Chromium: the host's calendar page blocks a range (still blocked after a reload), frees a night in the
middle, prices nights and puts one back to the base price; blocking a booked night is refused inline."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


def next_month_day(n: int) -> date:
    """The ``n``-th day of next month: one click of "next month" away, always inside the booking horizon."""
    today = clock.today()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return first + timedelta(days=n - 1)


def cell(page: Page, day: date):
    return page.locator(f'#cal-grid button.cal-day[data-date="{day.isoformat()}"]')


def open_next_month(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#cal-grid")).to_have_attribute("aria-busy", "false")
    page.click("#cal-next")
    expect(page.locator("#cal-grid")).to_have_attribute("data-loaded", next_month_day(1).isoformat())


def select(page: Page, first: date, last: date | None = None) -> None:
    cell(page, first).click()
    if last is not None:
        cell(page, last).click()
    expect(cell(page, first)).to_have_attribute("aria-pressed", "true")


def test_host_blocks_unblocks_and_prices_nights(live, live_app, page: Page):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    host = make_user(verified=True)
    mobile = host.mobile
    house = make_house(owner=host, price=20000, title="Calendar loft")
    house_id = house.id
    make_order(house=house, start=next_month_day(20), nights=2, status=OrderStatus.PAID)
    log_in(page, live.url, mobile)

    # from "my houses" to the calendar
    page.goto(live.url + "/my/houses?lang=en")
    page.click(f'a[href="/my/houses/{house_id}/calendar"]')
    expect(page.locator("h1")).to_have_text("Calendar and prices")
    url = page.url
    open_next_month(page, url)
    d = next_month_day
    expect(cell(page, d(10))).to_contain_text("¥200")
    expect(cell(page, d(20))).to_have_attribute("data-state", "booked")

    # block the 10th to the 12th
    select(page, d(10), d(12))
    expect(page.locator("#cal-selection")).to_contain_text("3 nights")
    page.click("#cal-block")
    for n in (10, 11, 12):
        expect(cell(page, d(n))).to_have_attribute("data-state", "blocked")
    expect(cell(page, d(13))).to_have_attribute("data-state", "free")

    # still blocked after a reload; free the 11th: the block splits around it
    open_next_month(page, url)
    expect(cell(page, d(10))).to_have_attribute("data-state", "blocked")
    select(page, d(11))
    page.click("#cal-unblock")
    expect(cell(page, d(11))).to_have_attribute("data-state", "free")
    expect(cell(page, d(10))).to_have_attribute("data-state", "blocked")
    expect(cell(page, d(12))).to_have_attribute("data-state", "blocked")

    # a range with a booked night cannot be blocked: said inline, nothing changes
    select(page, d(19), d(21))
    page.click("#cal-block")
    expect(page.locator("#cal-error")).not_to_be_empty()
    expect(cell(page, d(19))).to_have_attribute("data-state", "free")

    # price the 5th and 6th at ¥350.50, then the 5th back to the base price
    select(page, d(5), d(6))
    page.fill("#cal-price", "350.50")
    page.click("#cal-set-price")
    expect(cell(page, d(5))).to_contain_text("¥350.50")
    expect(cell(page, d(6))).to_contain_text("¥350.50")
    expect(page.locator("#cal-error")).to_be_empty()
    open_next_month(page, url)
    expect(cell(page, d(6))).to_contain_text("¥350.50")
    select(page, d(5))
    page.click("#cal-base-price")
    expect(cell(page, d(5))).to_contain_text("¥200")
    expect(cell(page, d(6))).to_contain_text("¥350.50")

    # a bad price is refused in the page, before any request
    select(page, d(7))
    page.fill("#cal-price", "-5")
    page.click("#cal-set-price")
    expect(page.locator("#cal-error")).not_to_be_empty()
    expect(cell(page, d(7))).to_contain_text("¥200")
    # the browser logs the refused request's 409 itself; no script error besides
    assert [e for e in errors if "409 (CONFLICT)" not in e] == [], errors


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_calendar_page_fits_the_screen_and_has_no_accessibility_violations(live, live_app, page: Page, width: int):
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.test_layout import assert_fits

    host = make_user(verified=True)
    mobile = host.mobile
    house = make_house(owner=host, price=123456, weekend_price=99950, title="一个很长的房源标题 · a long listing title")
    house_id = house.id
    make_order(house=house, start=clock.today() + timedelta(days=3), nights=2, status=OrderStatus.PAID)
    page.set_viewport_size({"width": width, "height": 844 if width < 1024 else 800})
    log_in(page, live.url, mobile)
    page.goto(f"{live.url}/my/houses/{house_id}/calendar")
    expect(page.locator("#cal-grid")).to_have_attribute("aria-busy", "false")
    assert_fits(page, "host-calendar")
    if os.environ.get("IHOME_SCREENSHOTS"):  # make screenshots: the page as people see it
        shot = os.path.join(os.environ["IHOME_SCREENSHOTS"], f"host-calendar-{width}.png")
        page.screenshot(path=shot, full_page=True)
    # the whole page, but colour contrast: the site's brand buttons and links (ihome.css) are not this page's
    no_contrast = {"runOnly": ["wcag2a", "wcag2aa"], "rules": {"color-contrast": {"enabled": False}}}
    results = Axe().run(page, options=no_contrast)
    assert results.response["violations"] == [], results.generate_report()
    # the month of nights with every rule, contrast included
    results = Axe().run(page, context="#cal-grid", options={"runOnly": ["wcag2a", "wcag2aa"]})
    assert results.response["violations"] == [], results.generate_report()

"""In Chromium, by keyboard and with motion turned down: the booking calendar keeps the focus and crosses
months with the arrows; the home slideshow pauses (its button, hover, reduced motion); the star rating is a
radio group the arrows drive; English dates and tab labels stay on one line at 320 px.

Timers are Playwright's fake clock (``page.clock``): the slideshow's turns are counted, never waited for.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.core.i18n import LANG_COOKIE
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.orders.models import Order, OrderStatus
from tests.e2e.test_layout import add_photos
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

FOCUSED_DATE = "() => document.activeElement.closest('#picker-grid') && document.activeElement.dataset.date"
SLIDE_TURN_MS = 4000  # the home page's interval (js/houses/home.js)


def set_language(page: Page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": base}])


def month_title(day: date, language: str) -> str:
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    return f"{months[day.month - 1]} {day.year}" if language == "en" else f"{day.year}年{day.month}月"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_calendar_is_driven_by_keyboard_and_keeps_the_focus(page: Page, live, live_app, language: str):
    house = make_house(price=20000)
    guest = make_user()
    house_id, mobile = house.id, guest.mobile
    log_in(page, live.url, mobile)
    set_language(page, live.url, language)
    page.goto(f"{live.url}/houses/{house_id}/book")
    grid = page.locator("#picker-grid")
    expect(grid).to_have_attribute("data-loaded", "true")
    today = date.fromisoformat(page.locator("#book-form").get_attribute("data-today") or "")
    expect(page.locator("#picker-title")).to_have_text(month_title(today, language))

    # a real grid: rows of gridcells under seven column headers, one tab stop
    assert grid.get_attribute("role") == "grid"
    expect(grid.locator("[role=row]").first.locator("[role=columnheader]")).to_have_count(7)
    assert grid.locator("[role=row]:not(.picker-weekdays)").evaluate_all(
        "rows => rows.every(r => r.querySelectorAll(':scope > [role=gridcell]').length === 7)")
    expect(grid.locator("button.day[tabindex='0']")).to_have_count(1)

    # Tab from the month buttons lands on the tab stop (today); the arrows move it
    page.focus("#picker-next")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_DATE) == today.isoformat()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    check_in = today + timedelta(days=2)
    assert page.evaluate(FOCUSED_DATE) == check_in.isoformat()

    # Enter chooses it; the grid is rebuilt and the focus is still on that day, now selected
    page.keyboard.press("Enter")
    expect(page.locator("#start-date")).to_have_value(check_in.isoformat())
    assert page.evaluate(FOCUSED_DATE) == check_in.isoformat()
    chosen = grid.locator(f'button.day[data-date="{check_in.isoformat()}"]')
    expect(chosen.locator("xpath=..")).to_have_attribute("aria-selected", "true")
    expect(chosen).to_have_attribute("tabindex", "0")

    # five weeks down crosses into the next month: the title turns, the focus follows
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    check_out = check_in + timedelta(days=35)
    assert page.evaluate(FOCUSED_DATE) == check_out.isoformat()
    expect(page.locator("#picker-title")).to_have_text(month_title(check_out, language))
    page.keyboard.press("Space")
    expect(page.locator("#end-date")).to_have_value(check_out.isoformat())
    expect(page.locator("#nights")).to_have_text("35")
    assert page.evaluate(FOCUSED_DATE) == check_out.isoformat()

    # and back: ArrowUp across the boundary shows the earlier month again; past days are not choosable
    for _ in range(5):
        page.keyboard.press("ArrowUp")
    assert page.evaluate(FOCUSED_DATE) == check_in.isoformat()
    expect(page.locator("#picker-title")).to_have_text(month_title(check_in, language))
    if today.day > 1 and check_in.month == today.month:
        past = grid.locator(f'button.day[data-date="{today.replace(day=1).isoformat()}"]')
        expect(past).to_have_attribute("aria-disabled", "true")


def test_the_slideshow_pauses_by_button_hover_and_reduced_motion(page: Page, live, live_app, browser,
                                                                 browser_context_args):
    host = make_user(verified=True)
    for n in range(3):
        house = make_house(owner=host, images=1, order_count=900 + n, title=f"Slide {n}")  # the most booked
        add_photos(live.instance, house)
        house_changed(db.session, house.id)
    db.session.commit()

    page.clock.install()
    page.goto(live.url + "/?lang=en")
    slides, button = page.locator("#slides"), page.locator("#slide-pause")
    expect(slides).to_have_attribute("data-current", "0")
    expect(button).to_have_attribute("aria-label", "Pause the slideshow")
    page.mouse.move(5, 840)  # the pointer away from the slideshow
    page.clock.run_for(SLIDE_TURN_MS + 100)
    expect(slides).to_have_attribute("data-current", "1")  # it turns by itself

    button.click()
    expect(button).to_have_attribute("aria-label", "Play the slideshow")
    button.blur()
    page.mouse.move(5, 840)
    page.clock.run_for(SLIDE_TURN_MS * 5)
    expect(slides).to_have_attribute("data-current", "1")  # paused: five turns' time, no turn

    button.click()  # play again, then hover: held while the pointer is over it
    expect(button).to_have_attribute("aria-label", "Pause the slideshow")
    button.blur()
    page.hover("#slides")
    page.clock.run_for(SLIDE_TURN_MS * 3)
    expect(slides).to_have_attribute("data-current", "1")
    page.mouse.move(5, 840)
    page.clock.run_for(SLIDE_TURN_MS + 100)
    expect(slides).to_have_attribute("data-current", "2")

    still = browser.new_context(**browser_context_args, reduced_motion="reduce")
    try:
        calm = still.new_page()
        calm.clock.install()
        calm.goto(live.url + "/?lang=en")
        expect(calm.locator("#slides")).to_have_attribute("data-current", "0")
        calm.mouse.move(5, 840)
        calm.clock.run_for(SLIDE_TURN_MS * 5)
        expect(calm.locator("#slides")).to_have_attribute("data-current", "0")  # never turns by itself
        expect(calm.locator("#slide-pause")).to_have_attribute("aria-label", "Play the slideshow")
    finally:
        still.close()


def test_the_star_rating_is_a_radio_group_driven_by_arrows(page: Page, live, live_app):
    guest = make_user()
    order = make_order(house=make_house(), guest=guest, status=OrderStatus.WAIT_COMMENT,
                       start=clock.today() - timedelta(days=4))
    order_id, mobile = order.id, guest.mobile
    log_in(page, live.url, mobile)
    set_language(page, live.url, "en")
    page.goto(live.url + "/my/orders")
    card = page.locator(f'[data-order-id="{order_id}"]')
    group = card.locator("[role=radiogroup]")
    expect(group).to_have_accessible_name("Your rating")
    stars = group.locator("[role=radio]")
    expect(stars).to_have_count(5)

    # no rating yet: the error is tied to the group
    card.locator("textarea[name=comment]").fill("Quiet and clean, a lovely host.")
    card.locator("button[type=submit]").click()
    expect(group).to_have_attribute("aria-invalid", "true")
    error_id = (group.get_attribute("aria-describedby") or "").split()[-1]
    expect(page.locator(f"#{error_id}")).to_have_text("Please choose 1 to 5 stars")

    # one tab stop (the first star until one is chosen); arrows move and choose, wrapping
    stars.first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(stars.nth(3)).to_be_focused()
    expect(stars.nth(3)).to_have_attribute("aria-checked", "true")
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    expect(stars.nth(0)).to_have_attribute("aria-checked", "true")  # wrapped to one star
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(stars.nth(3)).to_be_focused()
    assert group.locator("[aria-checked=true]").count() == 1
    assert stars.evaluate_all("s => s.map(b => b.tabIndex)") == [-1, -1, -1, 0, -1]
    expect(group).not_to_have_attribute("aria-invalid", "true")  # choosing clears the error
    ring = stars.nth(3).evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert ring.startswith("solid") and not ring.endswith(" 0px"), ring  # a visible focus ring

    card.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f'[data-order-id="{order_id}"][data-status=COMPLETE]')).to_have_count(1)
    db.session.expire_all()
    assert db.session.get(Order, order_id).rating == 4


# each element's text and how many line boxes it spans (an inline element that wraps has two or more)
ONE_LINE = ("(selector) => [...document.querySelectorAll(selector)]"
            ".map(el => [el.textContent, el.getClientRects().length])")


def test_english_dates_and_tab_labels_stay_on_one_line_at_320_px(page: Page, live, live_app):
    guest = make_user()
    house = make_house(title="A flat with a long name that takes the room beside the dates", min_days=1)
    order = make_order(house=house, guest=guest, start=clock.today() + timedelta(days=30))
    house_id, mobile, order_id = house.id, guest.mobile, order.id
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, live.url, mobile)
    set_language(page, live.url, "en")

    page.goto(live.url + "/my/orders")
    dates = page.evaluate(ONE_LINE, f'[data-order-id="{order_id}"] .order-dates .date')
    assert len(dates) == 2 and all(lines == 1 for _, lines in dates), dates
    labels = page.locator(".tabbar a").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.scrollWidth <= a.clientWidth])")
    assert [fits for _, fits in labels] == [True] * 5, labels
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.locator("button.btn").first.evaluate("b => getComputedStyle(b).fontFamily") == body_font

    # the booking page's cancellation deadline ("Free cancellation until December 25"): the date is one piece
    page.goto(f"{live.url}/houses/{house_id}/book")
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    today = date.fromisoformat(page.locator("#book-form").get_attribute("data-today") or "")
    check_in = today + timedelta(days=20)
    while page.locator(f'#picker-grid button.day[data-date="{check_in.isoformat()}"]').count() == 0:
        page.click("#picker-next")
    page.click(f'#picker-grid button.day[data-date="{check_in.isoformat()}"]')
    deadline = page.locator("#policy-date .date")
    expect(deadline).to_have_text(re.compile(r"^[A-Z][a-z]+ \d{1,2}$"))
    assert page.evaluate(ONE_LINE, "#policy-date .date")[0][1] == 1

"""In Chromium (390×844, zh-CN): the booking journey of issue 11, from search to the order's receipt.

Dates and guests carry from search to the house page and the booking page (and Back keeps them); the
house page shows its availability and the price of the chosen stay; the order page tells the whole
story in words and prints as a receipt; cancelling a paid stay says what comes back first; the host
sees who booked; the real-name page goes on to ``?next=``; the gallery counter is not cut off.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderStatus
from tests.e2e.test_layout import add_photos
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import add_event, make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e
S = OrderStatus


def unique_title(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_the_stay_chosen_in_search_carries_to_the_house_and_booking_pages_and_back_keeps_it(
        live, live_app, page: Page):
    title = unique_title("Lakeside journey")
    house = make_house(price=20000, capacity=4, title=title)
    house_id, guest_mobile = house.id, make_user().mobile
    start = clock.today() + timedelta(days=12)
    sd, ed = start.isoformat(), (start + timedelta(days=2)).isoformat()
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/search?q={title.split()[-1]}&sd={sd}&ed={ed}&guests=3")
    page.locator(f'#results a[href^="/houses/{house_id}"]').click()

    page.wait_for_url(re.compile(rf"/houses/{house_id}\?"))
    assert f"sd={sd}" in page.url and f"ed={ed}" in page.url and "guests=3" in page.url
    expect(page.locator("#stay-sd")).to_have_value(sd)
    expect(page.locator("#stay-guests")).to_have_value("3")
    expect(page.locator("#quote-total")).to_have_text("¥420")  # 2 × ¥200 + the 5 % fee, as the API writes it
    expect(page.locator("#quote-fee")).to_have_text("¥20")

    page.click("#book")
    page.wait_for_url(re.compile(rf"/houses/{house_id}/book\?"))
    expect(page.locator("#picker-grid")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#start-date")).to_have_value(sd)
    expect(page.locator("#end-date")).to_have_value(ed)
    expect(page.locator("#book-guests")).to_have_value("3")
    expect(page.locator("#nights")).to_have_text("2")
    expect(page.locator("#amount")).to_have_text("¥400")
    expect(page.locator("#book-total")).to_have_text("¥420")
    expect(page.locator("#book-submit")).to_be_enabled()

    page.go_back()  # the house page still has the stay
    page.wait_for_url(re.compile(rf"/houses/{house_id}\?"))
    expect(page.locator("#stay-sd")).to_have_value(sd)
    expect(page.locator("#stay-ed")).to_have_value(ed)
    expect(page.locator("#quote-total")).to_have_text("¥420")
    page.go_back()  # and search its filters
    page.wait_for_url(re.compile(r"/search\?"))
    expect(page.locator("#search-sd")).to_have_value(sd)
    expect(page.locator("#search-guests")).to_have_value("3")

    page.go_forward()
    page.wait_for_url(re.compile(rf"/houses/{house_id}\?"))
    page.click("#book")
    expect(page.locator("#book-total")).to_have_text("¥420")
    page.click("#book-submit")
    page.wait_for_url(f"{live.url}/my/orders")
    db.session.expire_all()
    order = db.session.query(Order).filter_by(house_id=house_id).one()
    assert (order.start_date.isoformat(), order.end_date.isoformat(), order.guests) == (sd, ed, 3)


def test_the_house_page_greys_booked_and_blocked_nights_and_prices_the_chosen_dates(live, live_app, page: Page):
    house = make_house(price=30000, min_days=2, capacity=2)
    today = clock.today()
    make_order(house=house, start=today + timedelta(days=3), nights=2)  # +3 and +4 booked
    house_id, guest_mobile = house.id, make_user().mobile
    blocked = {"start_date": (today + timedelta(days=8)).isoformat(),
               "end_date": (today + timedelta(days=9)).isoformat()}

    def with_blocked(route):  # the calendar helper adds `blocked` to the API; the page greys it the same
        response = route.fetch()
        body = response.json()
        body["data"]["blocked"] = [blocked]
        route.fulfill(response=response, body=json.dumps(body))

    page.route(re.compile(rf"/api/v1\.0/houses/{house_id}/calendar\?"), with_blocked)
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/houses/{house_id}")
    grid = page.locator("#avail-grid")
    expect(grid).to_have_attribute("data-loaded", "true")

    def night(day):
        cell = grid.locator(f'.night[data-date="{day.isoformat()}"]')
        if not cell.count():
            page.click("#avail-next")
        return cell

    for taken in (3, 4, 8):
        expect(night(today + timedelta(days=taken))).to_have_class(re.compile(r"\bunavailable\b"))
        expect(night(today + timedelta(days=taken))).to_contain_text("不可订")  # in words for screen readers
    for free in (2, 5, 9):
        expect(night(today + timedelta(days=free))).not_to_have_class(re.compile(r"\bunavailable\b"))
    assert "booked" not in (grid.inner_html() or "")  # no reason shown: booked and blocked look the same

    page.fill("#stay-sd", (today + timedelta(days=5)).isoformat())
    page.fill("#stay-ed", (today + timedelta(days=6)).isoformat())  # 1 night: too short
    expect(page.locator("#stay-error")).to_have_text("该房屋至少需入住 2 晚")
    expect(page.locator("#stay-quote")).to_be_hidden()
    page.fill("#stay-ed", (today + timedelta(days=8)).isoformat())  # 3 nights
    expect(page.locator("#quote-total")).to_have_text("¥945")
    expect(page.locator("#quote-subtotal")).to_have_text("¥900")
    expect(page.locator("#stay-error")).to_have_text("")
    assert f"sd={(today + timedelta(days=5)).isoformat()}" in page.url  # kept for Back and reload
    expect(page.locator("#book")).to_have_attribute("href", re.compile(r"/book\?sd="))


def paid_order(*, live, guest, host=None, price=20000, start_in=20, policy="moderate"):
    """A PAID order with its history (booked, accepted, paid), as the live server would have written it."""
    house = make_house(owner=host, price=price, capacity=3, cancellation_policy=policy, images=1,
                       title=unique_title("Receipt house"))
    add_photos(live.instance, house)  # real files: no page of any later test meets a missing photo
    order = make_order(house=house, guest=guest, status=S.PAID, start=clock.today() + timedelta(days=start_in),
                       nights=2, guests=2)
    add_event(order=order, from_status=None, to_status=S.WAIT_ACCEPT, actor=f"user:{guest.id}")
    add_event(order=order, from_status=S.WAIT_ACCEPT, to_status=S.WAIT_PAYMENT, actor=f"user:{house.user_id}")
    add_event(order=order, from_status=S.WAIT_PAYMENT, to_status=S.PAID, actor="system:alipay")
    return order


def test_the_order_page_tells_the_guest_the_host_and_nobody_else(live, live_app, page: Page, browser,
                                                                 browser_context_args):
    guest, host = make_user(), make_user(verified=True)
    order = paid_order(live=live, guest=guest, host=host)
    order_id, guest_mobile, host_mobile, title = order.id, guest.mobile, host.mobile, order.house.title
    start = order.start_date
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/my/orders")
    page.locator(f'article.order[data-order-id="{order_id}"] a.order-detail-link').click()
    page.wait_for_url(f"{live.url}/my/orders/{order_id}")

    expect(page.locator("#order-house-link")).to_have_text(title)
    expect(page.locator("#order-status")).to_have_text("已支付")
    expect(page.locator("#order-check-in")).to_have_text(start.isoformat())
    expect(page.locator("#order-nights")).to_have_text("2")
    expect(page.locator("#order-guests")).to_have_text("2")
    expect(page.locator("#order-subtotal")).to_have_text("¥400")
    expect(page.locator("#order-fee")).to_have_text("¥20")
    expect(page.locator("#order-amount")).to_have_text("¥420")
    expect(page.locator("#order-payout")).to_have_count(0)  # the guest never sees the host's payout
    expect(page.locator("#policy-full")).to_have_text(f"免费取消至 {(start - timedelta(days=5)).isoformat()}")
    steps = page.locator("#order-timeline li .what")
    expect(steps).to_have_text(["已预订", "房东已接单", "已支付"])
    assert "WAIT_" not in page.locator("#order").inner_text() and "PAID" not in page.locator("#order").inner_text()
    expect(page.locator("#order-conversation")).to_be_visible()
    expect(page.locator("#print-receipt")).to_be_visible()

    page.emulate_media(media="print")  # the receipt: no navigation, no buttons
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("nav.tabbar")).to_be_hidden()
    expect(page.locator("#print-receipt")).to_be_hidden()
    expect(page.locator("#order-amount")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(f"{live.url}/my/orders/{order_id}?lang=en")
    expect(steps).to_have_text(["Booked", "Accepted by the host", "Paid"])

    for mobile, expected in ((host_mobile, "host"), (make_user().mobile, "stranger")):
        context = browser.new_context(**browser_context_args)
        try:
            other = context.new_page()
            log_in(other, live.url, mobile)
            response = other.goto(f"{live.url}/my/orders/{order_id}")
            if expected == "host":
                expect(other.locator("#order-payout")).to_have_text("¥388")  # ¥400 less the 3 % commission
                expect(other.locator("#order-guest .guest-name")).to_be_visible()
                expect(other.locator("#order-cancel-open")).to_have_count(0)
            else:
                assert response is not None and response.status == 403
                expect(other.locator(".error-page")).to_contain_text("403")
                expect(other.locator("#order")).to_have_count(0)
        finally:
            context.close()


def test_cancelling_a_paid_stay_says_what_comes_back_asks_first_and_then_shows_the_refund(
        live, live_app, page: Page):
    guest = make_user()
    house = make_house(price=20000, cancellation_policy="moderate", title=unique_title("Cancel house"))
    order = make_order(house=house, guest=guest, status=S.WAIT_PAYMENT, start=clock.today() + timedelta(days=3))
    order_id, guest_mobile = order.id, guest.mobile  # moderate, 3 days before: half of the ¥400 nights back
    log_in(page, live.url, guest_mobile)
    page.goto(f"{live.url}/my/orders")  # pay for real, through the provider's simulator
    page.locator(f'article.order[data-order-id="{order_id}"] button.order-pay').click()
    page.wait_for_url(re.compile(r"/dev/alipay/gateway\?"))
    page.click("button[data-decision=pay]")
    page.wait_for_url(re.compile(r"/pay/complete\?"))
    expect(page.locator("[data-pay-result]")).to_have_attribute("data-state", "paid", timeout=15000)
    expect(page.locator("[data-pay-status]")).to_have_text("已支付")  # a word, never PAID

    page.goto(f"{live.url}/my/orders/{order_id}")
    page.on("dialog", lambda dialog: pytest.fail(f"a native dialog: {dialog.message}"))
    page.click("#order-cancel-open")
    dialog = page.get_by_role("dialog", name="确定取消这笔预订吗？")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("将退还您 ¥200")
    expect(page.locator("#cancel-keep")).to_be_focused()
    page.keyboard.press("Escape")  # Escape keeps the booking
    expect(dialog).to_be_hidden()
    expect(page.locator("#order-cancel-open")).to_be_focused()
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "PAID"

    page.click("#order-cancel-open")
    page.click("#cancel-confirm")
    expect(page.locator("#order-status")).to_have_text("已取消")
    refund = page.locator("#order-refund")
    expect(refund).to_contain_text("¥200")
    expect(refund).to_have_attribute("data-status", re.compile("PENDING|SUCCEEDED"))
    expect(page.locator("#order-timeline li .what").last).to_contain_text("¥200")
    expect(page.locator("#order-timeline")).to_contain_text("房客已取消")
    for _ in range(50):  # the worker sends the refund to the provider
        page.reload()
        if refund.get_attribute("data-status") == "SUCCEEDED":
            break
        page.wait_for_timeout(200)
    expect(refund).to_have_text("¥200 · 已退款")
    expect(page.locator("#order-cancel-open")).to_have_count(0)


def test_the_host_sees_who_booked_and_only_hosts_see_the_landlord_tab(live, live_app, page: Page, browser,
                                                                      browser_context_args):
    host, guest = make_user(verified=True), make_user(verified=True, name=unique_title("Guest")[:20])
    house = make_house(owner=host, capacity=4)
    pending = make_order(house=house, guest=guest, guests=3, start=clock.today() + timedelta(days=40))
    paid = make_order(house=house, guest=guest, status=S.PAID, start=clock.today() + timedelta(days=60))
    add_event(order=paid, from_status=S.WAIT_PAYMENT, to_status=S.PAID, actor="system:alipay")
    pending_id, paid_id, host_mobile, mobile, name = pending.id, paid.id, host.mobile, guest.mobile, guest.name
    log_in(page, live.url, host_mobile)
    page.goto(f"{live.url}/my/lorders")
    card = page.locator(f'article.order[data-order-id="{pending_id}"] .order-guest')
    expect(card.locator(".guest-name")).to_have_text(name)
    expect(card.locator(".guest-verified")).to_have_text("已实名认证")
    expect(card.locator(".guest-count")).to_have_text("3 位房客")
    expect(card.locator(".guest-mobile")).to_have_text(f"{mobile[:3]}****{mobile[-4:]}")  # masked until paid
    expect(page.locator(f'article.order[data-order-id="{paid_id}"] .guest-mobile')).to_have_text(mobile)
    page.goto(f"{live.url}/my/orders")
    expect(page.locator("#landlord-tab")).to_be_visible()
    expect(page.locator('header .site-nav a[href="/my/houses"]')).to_have_count(1)

    context = browser.new_context(**browser_context_args)  # someone who hosts nothing
    try:
        other = context.new_page()
        log_in(other, live.url, make_user().mobile)
        other.goto(f"{live.url}/my/orders")
        expect(other.locator("#landlord-tab")).to_have_count(0)
        expect(other.locator('header .site-nav a[href="/my/houses"]')).to_have_count(0)
        other.goto(f"{live.url}/my")
        expect(other.locator("#my-lorders-link")).to_have_count(0)
        expect(other.locator("#my-list-home")).to_have_attribute("href", "/my/houses/new")
    finally:
        context.close()


def test_real_name_verification_names_a_wrong_check_digit_and_goes_on_to_next(live, live_app, page: Page):
    mobile = make_user().mobile
    log_in(page, live.url, mobile)
    page.goto(f"{live.url}/my")
    page.goto(f"{live.url}/my/auth?next=/my/houses/new")
    page.fill("#real_name", "张三")
    page.fill("#id_card", "11010519491231002")  # 17 digits
    page.click("#auth-submit")
    error = page.locator("#id_card + .error")
    expect(error).to_have_text("身份证号码无效，请输入 18 位身份证号")
    page.fill("#id_card", "110105194912310022")  # 18 digits, the check character should be X
    page.click("#auth-submit")
    expect(error).to_have_text("身份证号校验位不正确")
    page.fill("#id_card", "11010519491231002X")
    page.click("#auth-submit")
    page.wait_for_url(f"{live.url}/my/houses/new")
    page.go_back()  # the form was replaced in history: Back goes to where the user was before it
    page.wait_for_url(f"{live.url}/my")


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize(("photos", "width", "height"), [(12, 320, 640), (3, 390, 844), (12, 1280, 800)])
def test_the_gallery_counter_is_shown_whole(live, live_app, page: Page, photos, width, height):
    """The "n/total" counter sits inside the photo, whole, and nothing (the slideshow's dots) covers it."""
    house = make_house(images=photos)
    add_photos(live.instance, house)  # real files: no page of any later test meets a missing photo
    house_id = house.id
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live.url}/houses/{house_id}")
    page.evaluate("document.getElementById('gallery-slides').scrollTo({left: 1e6})")  # the last photo: 12/12
    counter = page.locator("#gallery-counter")
    expect(counter).to_have_text(f"{photos}/{photos}")
    box, gallery = counter.bounding_box(), page.locator("#gallery").bounding_box()
    assert box and gallery and box["width"] > 0
    assert gallery["x"] <= box["x"] and box["x"] + box["width"] <= gallery["x"] + gallery["width"]
    assert gallery["y"] <= box["y"] and box["y"] + box["height"] <= gallery["y"] + gallery["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("(() => { const c = document.getElementById('gallery-counter');"
                         " return c.scrollWidth <= c.clientWidth && c.scrollHeight <= c.clientHeight; })()")
    for dot in page.locator("#gallery .dot").all():
        other = dot.bounding_box()
        assert other is None or not overlaps(box, other), (box, other)

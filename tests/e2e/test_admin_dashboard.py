"""In Chromium: an administrator reads the dashboard, changes the period, exports a CSV, unlists a house
(it leaves search at once) and finds the action in the audit log. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import OrderEvent, OrderStatus
from ihome.payments.models import Payment
from tests.e2e.test_orders_flow import console_errors, log_in
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

pytestmark = pytest.mark.e2e
CHARTS = ("chart-trend", "chart-funnel", "chart-districts", "chart-heatmap")


def marketplace() -> dict:
    """An administrator, a host's house and one paid stay of today (so the figures are not all zero)."""
    admin = make_user(admin=True)
    host = make_user(verified=True)
    house = make_house(owner=host, price=30000, title="后台测试 湖景房", images=1)
    order = make_order(house=house, status=OrderStatus.PAID, start=clock.today() + timedelta(days=5), nights=2)
    for before, after in ((None, "WAIT_ACCEPT"), ("WAIT_ACCEPT", "WAIT_PAYMENT"), ("WAIT_PAYMENT", "PAID")):
        db.session.add(OrderEvent(order_id=order.id, from_status=before, to_status=after, actor="test"))
    db.session.add(Payment(order_id=order.id, out_trade_no=f"ih{order.id}-e2e", amount=order.amount,
                           status="SUCCEEDED", paid_at=clock.now()))
    db.session.commit()
    return {"admin": admin.mobile, "house": house.id, "title": house.title, "amount": order.amount}


def summary(page: Page, base: str, start: str, end: str, aid: str = "") -> dict:
    district = f"&aid={aid}" if aid else ""
    response = page.request.get(f"{base}/api/v1.0/admin/stats/summary?start={start}&end={end}{district}")
    assert response.ok, response.text()
    return response.json()["data"]


def shown(page: Page, key: str):
    return json.loads(page.locator(f'.kpi[data-key="{key}"] .kpi-value').get_attribute("data-value"))


def test_an_administrator_runs_the_marketplace_from_the_dashboard(live, live_app, page: Page):
    world = marketplace()
    errors = console_errors(page)
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(live.url) and not request.url.startswith(("data:", "blob:")) else None)
    page.set_viewport_size({"width": 1280, "height": 900})  # operators sit at desks
    log_in(page, live.url, world["admin"])
    today = clock.today()

    # the dashboard: 30 days by default, every chart drawn on a canvas, numbers equal to the API's
    page.goto(f"{live.url}/admin")
    form = page.locator("#dashboard-filters")
    start30 = (today - timedelta(days=29)).isoformat()
    expect(form).to_have_attribute("data-loaded", f"{start30}:{today.isoformat()}:")
    for chart in CHARTS:
        expect(page.locator(f"#{chart} canvas").first).to_be_visible()
    expect(page.locator(".admin-nav")).to_be_visible()
    figures = summary(page, live.url, start30, today.isoformat())
    assert figures["gmv"] >= world["amount"]  # the live server is shared with other tests' stays
    for key in ("gmv", "revenue", "occupancy_rate", "adr", "revpar", "acceptance_rate", "cancellation_rate"):
        assert shown(page, key) == figures[key], key
    assert shown(page, "bookings.requested") == figures["bookings"]["requested"]
    expect(page.locator('.kpi[data-key="gmv"] .kpi-value')).to_contain_text("¥")

    # another period: 7 days
    page.click('button.preset[data-preset="7d"]')
    start7 = (today - timedelta(days=6)).isoformat()
    expect(form).to_have_attribute("data-loaded", f"{start7}:{today.isoformat()}:")
    assert shown(page, "gmv") == summary(page, live.url, start7, today.isoformat())["gmv"]

    # a district without any activity: every figure is empty, and the charts say so
    districts = [o for o in page.locator("#range-district option").evaluate_all("els => els.map(e => e.value)") if o]
    empty_district = next(aid for aid in reversed(districts) if not any(
        (lambda f: [f["gmv"], *f["bookings"].values()])(summary(page, live.url, start7, today.isoformat(), aid))))
    page.select_option("#range-district", empty_district)
    expect(form).to_have_attribute("data-loaded", f"{start7}:{today.isoformat()}:{empty_district}")
    expect(page.locator('.chart-state[data-for="chart-trend"]')).to_have_text("该时间段暂无数据")
    assert shown(page, "gmv") == 0
    page.select_option("#range-district", "")
    expect(form).to_have_attribute("data-loaded", f"{start7}:{today.isoformat()}:")

    # the CSV export of that period
    link = page.locator("#export-csv")
    href = link.get_attribute("href")
    assert href.startswith("/api/v1.0/admin/stats/export.csv?")
    assert parse_qs(urlsplit(href).query)["start"] == [start7]
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as csv_file:
        content = csv_file.read()
    assert content.startswith(b"\xef\xbb\xbf") and b"," in content.splitlines()[0]

    # unlist the house with a reason; it leaves search at once
    search = page.request.get(f"{live.url}/api/v1.0/houses").json()["data"]["houses"]
    assert world["house"] in [h["house_id"] for h in search]
    page.goto(f"{live.url}/admin/houses?q=湖景房")
    row = page.locator(f'tr[data-house-id="{world["house"]}"]')
    expect(row).to_have_attribute("data-listed", "true")
    row.locator("button.admin-action").click()
    expect(page.locator("#admin-confirm")).to_be_visible()
    page.click("#admin-confirm-ok")  # no reason yet: refused in the dialog
    expect(page.locator("#admin-confirm")).to_be_visible()
    page.fill("#admin-confirm-reason", "照片与实物不符")
    page.click("#admin-confirm-ok")
    expect(page.locator(f'tr[data-house-id="{world["house"]}"]')).to_have_attribute("data-listed", "false")
    search = page.request.get(f"{live.url}/api/v1.0/houses").json()["data"]["houses"]
    assert world["house"] not in [h["house_id"] for h in search]

    # the audit log shows it
    page.goto(f"{live.url}/admin/audit")
    entry = page.locator(f'tr[data-action="house.unlist"][data-target="house:{world["house"]}"]')
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("照片与实物不符")

    # a phone-sized screen gets the same pages (top navigation strip, tables as cards)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.url}/admin")
    expect(form).to_have_attribute("data-loaded", f"{start30}:{today.isoformat()}:")
    expect(page.locator("#chart-trend canvas").first).to_be_visible()

    assert errors == [], errors
    assert outside == [], outside

"""The host's calendar sync page in Chromium, against ``ihome serve`` with its real Celery worker: copy the
export address, add another site's calendar (served by a local HTTP server) and see it fetched, with
its conflict with a booking highlighted, make a new address (the old one answers 404), stop syncing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in
from tests.support.ical_server import IcalServer

pytestmark = pytest.mark.e2e


def airbnb_feed(start, end) -> bytes:
    """An Airbnb-shaped feed with one reservation [start, end), dates as Airbnb writes them."""
    return ("BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nCALSCALE:GREGORIAN\r\n"
            "VERSION:2.0\r\nBEGIN:VEVENT\r\n"
            f"DTEND;VALUE=DATE:{end:%Y%m%d}\r\nDTSTART;VALUE=DATE:{start:%Y%m%d}\r\n"
            "UID:e2e-reservation@airbnb.com\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def reload_until(page, selector: str, tries: int = 40) -> None:
    """The worker fetches in the background: reload until the page shows what it fetched."""
    for _ in range(tries):
        if page.locator(selector).count():
            return
        time.sleep(0.25)
        page.reload()
    expect(page.locator(selector).first).to_be_visible()


def test_host_syncs_a_calendar_from_the_page(page, live, live_app):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    host = make_user(verified=True)
    house = make_house(owner=host, title="胡同小院")
    start = clock.today() + timedelta(days=10)
    order_id = make_order(house=house, start=start + timedelta(days=2), nights=2, status=OrderStatus.PAID).id
    house_id, mobile = house.id, host.mobile

    with IcalServer() as feeds:
        feeds.routes["/airbnb.ics"] = airbnb_feed(start, start + timedelta(days=5))
        log_in(page, live.url, mobile)
        page.goto(live.url + "/my/houses")
        page.click(f'a[href="/my/houses/{house_id}/ical"]')
        expect(page.locator("h1")).to_have_text("日历同步")
        old_url = page.input_value("#export-url")
        assert f"/api/v1.0/houses/{house_id}/calendar.ics?token=" in old_url
        page.click("#copy-export")
        expect(page.locator("#flash")).to_have_text("已复制")

        page.fill("#f-url", "ftp://example.com/calendar.ics")
        page.click('#add-import button[type="submit"]')
        expect(page.locator("#add-import .field.invalid .error")).to_contain_text("http(s)")

        page.fill("#f-url", feeds.url("/airbnb.ics"))
        page.click('#add-import button[type="submit"]')
        reload_until(page, ".ical-import time")  # fetched by the worker: "上次同步 …"
        item = page.locator(".ical-import").first
        expect(item).to_have_class("ical-import has-conflicts")
        expect(item.locator(".ical-conflicts")).to_contain_text(f"#{order_id}")
        expect(item.locator("summary")).to_contain_text("(1)")
        assert feeds.hits["/airbnb.ics"] >= 1
        with live_app.app_context():
            db.session.rollback()
            rows = db.session.execute(select(HouseBlock.start_date, HouseBlock.end_date)
                                      .where(HouseBlock.house_id == house_id)).all()
        assert [tuple(r) for r in rows] == [(start, start + timedelta(days=5))]

        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#rotate-export")
        expect(page.locator("#export-url")).not_to_have_value(old_url)
        new_url = page.input_value("#export-url")
        base = live.url
        path = lambda url: url[url.index("/api/"):]  # noqa: E731 - the public URL may name another port
        assert requests.get(base + path(old_url), timeout=10).status_code == 404
        fresh = requests.get(base + path(new_url), timeout=10)
        assert fresh.status_code == 200 and fresh.headers["Content-Type"].startswith("text/calendar")
        assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in fresh.text and "胡同" not in fresh.text

        page.once("dialog", lambda dialog: dialog.accept())
        page.click(".delete-import")
        expect(page.locator("#no-imports")).to_be_visible()
        with live_app.app_context():
            db.session.rollback()
            assert db.session.scalars(select(CalendarImport).where(CalendarImport.house_id == house_id)).all() == []
            assert db.session.scalars(select(HouseBlock).where(HouseBlock.house_id == house_id)).all() == []
    assert [e for e in errors if "status of 400" not in e] == []  # the refused ftp URL is the one 400 logged

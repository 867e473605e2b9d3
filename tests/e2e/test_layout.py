"""In Chromium at 320, 360, 390 and 1280 px: no page is wider than the screen, phones get the tab bar and
wide screens a header menu, and the footer stays at the bottom.

With ``IHOME_SCREENSHOTS=DIR`` (``make screenshots``) the pages are also photographed at 390 and 1280 px,
in Chinese and English, into DIR.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.core.i18n import LANG_COOKIE
from ihome.extensions import db
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360, 390, 1280)
SCREENSHOTS = os.environ.get("IHOME_SCREENSHOTS")

# Elements whose right edge passes the viewport, leaving out what a scrolling or clipping box (a carousel
# track) holds: the box itself is checked like any other element.
WIDE_ELEMENTS = """() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > width + 1 && !clipped(el)) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className;
      wide.push(`${name} right=${Math.round(rect.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 10)};
}"""


@dataclass(frozen=True)
class Site:
    guest_mobile: str
    admin_mobile: str
    house_id: int
    area_id: int
    order_id: int = 0


def add_photos(instance: Path, house) -> None:
    """Real JPEG files behind the factory's photo rows (content-addressed keys, as uploads get), so pages
    show pictures."""
    colours = [(214, 120, 90), (90, 140, 200), (120, 170, 110)]
    for image in house.images:
        buffer = io.BytesIO()
        Image.new("RGB", (960, 640), colours[image.position % 3]).save(buffer, "JPEG")
        key = f"houses/{hashlib.sha256(buffer.getvalue()).hexdigest()}.jpg"
        target = instance / "uploads" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buffer.getvalue())
        image.key = image.thumb_key = key
        if image.position == 0:
            house.index_image_key = key
    db.session.commit()


@pytest.fixture
def site(live, live_app) -> Site:
    """A guest who also hosts (a house, a booking of another host's house), and an administrator.

    Made once for the live server (the tests only read it).
    """
    if live.url not in _sites:
        _sites[live.url] = make_site(live)
    return _sites[live.url]


_sites: dict[str, Site] = {}


def make_site(live) -> Site:
    area_id = 13
    host = make_user(verified=True, name="王房东")
    house = make_house(owner=host, area_id=area_id, images=3, price=41600,
                       title="朝阳公园旁 阳光两居 · Sunny two-bedroom flat by Chaoyang Park, quiet")  # a long title
    add_photos(live.instance, house)
    guest = make_user(verified=True, name="A guest with a rather long name")  # 31 of the 32 a name takes
    add_photos(live.instance, make_house(owner=guest, area_id=area_id, images=1, title="The guest's own studio"))
    order = make_order(house=house, guest=guest, status=OrderStatus.WAIT_PAYMENT,
                       start=clock.today() + timedelta(days=9))
    admin = make_user(admin=True)
    return Site(guest_mobile=guest.mobile, admin_mobile=admin.mobile, house_id=house.id, area_id=area_id,
                order_id=order.id)



def set_language(page: Page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": base}])


def public_pages(site: Site) -> dict[str, str]:
    return {"home": "/", "search": f"/search?aid={site.area_id}", "house": f"/houses/{site.house_id}",
            "login": "/login", "register": "/register"}


def member_pages(site: Site) -> dict[str, str]:
    return {"booking": f"/houses/{site.house_id}/book", "my": "/my", "my-orders": "/my/orders",
            "my-houses": "/my/houses", "messages": "/my/messages",
            "order": f"/my/orders/{site.order_id}", "my-lorders": "/my/lorders"}


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # pages that draw with script (calendar, lists) have drawn


def assert_fits(page: Page, name: str) -> None:
    found = page.evaluate(WIDE_ELEMENTS)
    assert found["scrollWidth"] <= found["innerWidth"], (name, found)
    assert found["wide"] == [], (name, found)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(page: Page, live, site: Site, width: int, language: str):
    page.set_viewport_size({"width": width, "height": 844 if width < 1024 else 800})
    set_language(page, live.url, language)
    for name, path in public_pages(site).items():
        open_page(page, live.url + path)
        assert_fits(page, name)
    log_in(page, live.url, site.guest_mobile)
    for name, path in member_pages(site).items():
        open_page(page, live.url + path)
        assert page.url == live.url + path, (name, page.url)  # the page itself, not a redirect
        assert_fits(page, name)


def nav_links(page: Page) -> list[str]:
    return page.locator(".site-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_wide_screens_get_a_header_menu_and_phones_the_tab_bar(page: Page, live, site: Site):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live.url, site.guest_mobile)
    open_page(page, live.url + "/login?lang=en")  # a short page: a logged-in user goes on to /my
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator(".tabbar")).to_be_hidden()
    assert nav_links(page) == ["/search", "/my/orders", "/my/houses", "/my/messages", "/my"]
    expect(page.locator(".site-nav a[href='/my']")).to_have_attribute("aria-current", "page")
    expect(page.locator(".lang a")).to_be_visible()
    footer = page.locator(".site-footer").bounding_box()
    assert footer is not None and abs(footer["y"] + footer["height"] - 800) <= 1, footer  # at the bottom

    open_page(page, live.url + f"/houses/{site.house_id}")  # two columns, the booking card beside the photos
    gallery, card = page.locator("#gallery").bounding_box(), page.locator(".book-bar").bounding_box()
    assert gallery and card and card["x"] >= gallery["x"] + gallery["width"], (gallery, card)
    page.mouse.wheel(0, 2000)
    expect(page.locator(".book-bar")).to_be_in_viewport()  # it stays in view: sticky

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".tabbar")).to_be_visible()
    tabbar = page.locator(".tabbar").bounding_box()
    assert tabbar is not None and abs(tabbar["y"] + tabbar["height"] - 844) <= 1, tabbar

    log_in(page, live.url, site.admin_mobile)  # the back office is offered to administrators only
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, live.url + "/")
    assert nav_links(page)[-1] == "/admin"
    expect(page.locator(".site-nav a[href='/admin']")).to_be_visible()


if SCREENSHOTS:  # collected only by `make screenshots` (never a skipped test in CI)
    def test_screenshots(page: Page, live, site: Site):
        """Home, search, house, booking, orders and my pages at 390 and 1280 px, in Chinese and English."""
        folder = Path(SCREENSHOTS or ".")
        folder.mkdir(parents=True, exist_ok=True)
        pages = {**public_pages(site), **member_pages(site)}
        log_in(page, live.url, site.guest_mobile)
        for language in ("zh", "en"):
            set_language(page, live.url, language)
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 844 if width < 1024 else 800})
                for name in ("home", "search", "house", "booking", "my-orders", "order", "my"):
                    open_page(page, live.url + pages[name])
                    page.screenshot(path=str(folder / f"{name}-{width}-{language}.png"), full_page=True)

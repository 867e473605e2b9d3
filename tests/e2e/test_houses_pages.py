"""A verified host publishes a house with two photos in Chromium, finds it by district and dates, opens it."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house

pytestmark = pytest.mark.e2e


def photo(colour: tuple[int, int, int]) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "PNG")
    return {"name": f"room-{colour[0]}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def log_in(page, live, mobile: str) -> None:
    """Log in through the JSON API, in the browser's own cookie jar (as the login page does)."""
    page.goto(live.url + "/")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    response = page.request.post(live.url + "/api/v1.0/sessions", data={"mobile": mobile, "password": DEFAULT_PASSWORD},
                                 headers={"X-CSRFToken": csrf})
    assert response.ok, response.text()


def test_host_publishes_a_house_with_photos_and_a_guest_finds_it(page, live, live_app):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    host = make_user(verified=True, name=f"host-{uuid.uuid4().hex[:6]}")
    host_name, mobile = host.name, host.mobile
    title = f"Sunny loft {uuid.uuid4().hex[:6]}"
    log_in(page, live, mobile)

    # publish through the form, with two facilities; the price is typed in yuan
    page.goto(live.url + "/my/houses/new")
    page.fill("#f-title", title)
    page.fill("#f-price", "288.50")
    page.select_option("#f-area_id", "3")  # 朝阳区
    page.fill("#f-address", "望京西路 8 号")
    page.fill("#f-acreage", "60")
    page.fill("#f-min_days", "1")
    page.check('input[name="facility"][value="1"]')
    page.check('input[name="facility"][value="3"]')
    page.click("#save-house")
    page.wait_for_selector("#photos-section:not([hidden])")
    assert "/my/houses/" in page.url and page.url.endswith("/edit")

    # two photos, uploaded one after the other with the progress bar
    page.set_input_files("#house_image", [photo((200, 80, 60)), photo((60, 120, 200))])
    page.locator("#photos li").nth(1).wait_for()  # (wait_for_function needs eval, which the CSP forbids)
    page.wait_for_selector("#upload-progress[hidden]", state="attached")
    house_path = page.get_attribute("#view-house", "href")
    assert house_path and house_path.startswith("/houses/")

    # find it by district and dates in the search page; the filters go into the URL
    start = date.today() + timedelta(days=30)
    page.goto(live.url + "/search")
    page.select_option("#search-aid", "3")
    page.fill("#search-sd", start.isoformat())
    page.fill("#search-ed", (start + timedelta(days=2)).isoformat())
    page.click("#search-submit")
    page.wait_for_url(f"**/search?aid=3&sd={start}&ed={start + timedelta(days=2)}")
    card = page.locator(f'#results a[href^="{house_path}?"]')
    card.wait_for()
    assert title in card.inner_text() and "¥288.50" in card.inner_text()

    page.reload()  # a reload shows the same results, rendered by the server
    assert page.locator("#search-aid").input_value() == "3"
    assert page.locator(f'#results a[href^="{house_path}?"]').count() == 1

    # each applied filter is a history entry: back shows the district without dates, forward the stay again
    page.go_back()  # same-document history entries: no load event, so expect() polls
    expect(page).to_have_url(live.url + "/search?aid=3")
    expect(page.locator("#search-sd")).to_have_value("")
    page.go_forward()
    expect(page).to_have_url(live.url + f"/search?aid=3&sd={start}&ed={start + timedelta(days=2)}")
    expect(page.locator("#search-aid")).to_have_value("3")
    page.locator(f'#results a[href^="{house_path}?"]').wait_for()

    # its detail page: two photos, the price in yuan, the facilities, the host; no book button for the owner
    page.locator(f'#results a[href^="{house_path}?"]').click()
    page.wait_for_url(f"**{house_path}?sd=*")  # the search's dates go on
    assert page.locator("#house-title").inner_text() == title
    assert page.locator("#house-price").inner_text() == "¥288.50"
    assert page.locator("#gallery-slides .slide").count() == 2
    assert page.locator("#facilities li").count() == 2
    assert page.locator("#host-name").inner_text() == host_name
    assert page.locator("#book").count() == 0 and page.locator("#edit-house").count() == 1
    for src in page.eval_on_selector_all("#gallery-slides img", "els => els.map(e => e.currentSrc)"):
        assert page.request.get(src).ok
    assert errors == [], errors


def test_search_loads_the_next_page_when_scrolled_to_the_end(page, live, live_app):
    host = make_user(verified=True)
    for n in range(12):  # more than one page (IHOME_PAGE_SIZE is 10) in a quiet district
        make_house(owner=host, area_id=16, title=f"Yanqing cabin {n}")
    page.goto(live.url + "/search?aid=16&lang=en")
    assert page.locator("#results > li").count() == 10
    page.locator("#sentinel").scroll_into_view_if_needed()
    page.locator("#results > li").nth(11).wait_for()
    page.locator("#end:not([hidden])").wait_for()
    assert page.locator("#more").is_hidden()

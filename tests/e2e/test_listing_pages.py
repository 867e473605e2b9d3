"""A host in Chromium writes a description and check-in time, uploads three photos, reorders them with the
keyboard, picks a cover, deletes one, and unpublishes the home from My homes: a stranger then gets a 404."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories.accounts import make_user
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


def photo(colour: tuple[int, int, int]) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "PNG")
    return {"name": f"room-{colour[0]}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def photo_ids(page) -> list[int]:
    return [int(i) for i in page.eval_on_selector_all("#photos li", "els => els.map(e => e.dataset.imageId)")]


def server_order(page, base: str, house_id: str) -> tuple[list[int], str]:
    """(image_ids, index_image_url) as the API tells the owner."""
    house = page.request.get(f"{base}/api/v1.0/houses/{house_id}").json()["data"]["house"]
    return house["image_ids"], house["index_image_url"]


def test_host_reorders_photos_and_unpublishes_the_home(page, live, live_app, browser):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    host = make_user(verified=True)
    log_in(page, live.url, host.mobile)
    title = f"Garden flat {uuid.uuid4().hex[:6]}"

    page.goto(live.url + "/my/houses/new")
    page.fill("#f-title", title)
    page.fill("#f-price", "300")
    page.select_option("#f-area_id", "2")
    page.fill("#f-address", "西城区 1 号")
    page.fill("#f-description", "第一行 <b>\n第二行")
    page.fill("#f-check_in_time", "15:30")
    page.click("#save-house")
    page.wait_for_selector("#photos-section:not([hidden])")
    house_id = page.url.split("/my/houses/")[1].split("/")[0]

    page.set_input_files("#house_image", [photo((200, 0, 0)), photo((0, 200, 0)), photo((0, 0, 200))])
    expect(page.locator("#photos li .photo-delete")).to_have_count(3)
    page.wait_for_selector("#upload-progress[hidden]", state="attached")
    first, second, third = photo_ids(page)
    expect(page.locator("#photos li").first.locator(".photo-cover-badge")).to_be_visible()
    assert page.locator("#photos li").first.locator(".photo-earlier").is_disabled()

    # move the first photo later with the keyboard: focus its button, press Enter
    page.locator("#photos li").first.locator(".photo-later").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#photo-status")).not_to_be_empty()
    expect(page.locator("#photos li").first).to_have_attribute("data-image-id", str(second))
    assert photo_ids(page) == [second, first, third]
    ids, cover = server_order(page, live.url, house_id)
    assert ids == [second, first, third]
    # the focus followed the moved photo, so a second Enter moves it again
    page.keyboard.press("Enter")
    expect(page.locator("#photos li").last).to_have_attribute("data-image-id", str(first))
    assert server_order(page, live.url, house_id)[0] == [second, third, first]

    # set the last one as the cover
    page.locator("#photos li").last.locator(".photo-cover").click()
    expect(page.locator("#photos li").first).to_have_attribute("data-image-id", str(first))
    ids, cover = server_order(page, live.url, house_id)
    assert ids == [first, second, third]
    thumb = page.locator("#photos li").first.locator("img").get_attribute("src")
    assert cover == thumb

    # delete the cover, after the confirm
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#photos li").first.locator(".photo-delete").click()
    expect(page.locator("#photos li")).to_have_count(2)
    ids, cover = server_order(page, live.url, house_id)
    assert ids == [second, third]
    assert cover == page.locator("#photos li").first.locator("img").get_attribute("src")
    assert page.request.get(live.url + thumb).status == 404  # its file is gone

    # the detail page shows the text escaped with its line break, and the check-in time
    page.goto(f"{live.url}/houses/{house_id}")
    assert page.locator("#house-description").inner_text() == "第一行 <b>\n第二行"
    assert "15:30" in page.locator("#check-in-time").inner_text()
    assert page.locator("#gallery-slides .slide").count() == 2

    # unpublish from My homes: the state changes, a stranger's detail is a 404, the owner still sees it
    page.goto(live.url + "/my/houses")
    toggle = page.locator(f"#publish-toggle-{house_id}")
    toggle.click()
    expect(page.locator(f"#publish-state-{house_id}")).to_have_text("已下架")
    expect(toggle).to_have_attribute("data-published", "false")
    stranger = browser.new_context()
    try:
        assert stranger.request.get(f"{live.url}/houses/{house_id}").status == 404
        found = stranger.request.get(f"{live.url}/api/v1.0/houses", params={"q": title}).json()["data"]
        assert found["total"] == 0
        page.goto(f"{live.url}/houses/{house_id}")
        expect(page.locator("#unpublished-note")).to_be_visible()
        page.goto(live.url + "/my/houses")
        page.locator(f"#publish-toggle-{house_id}").click()
        expect(page.locator(f"#publish-state-{house_id}")).to_have_text("已上架")
        assert stranger.request.get(f"{live.url}/houses/{house_id}").status == 200
    finally:
        stranger.close()
    assert errors == [], errors

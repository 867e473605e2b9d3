"""The home page in a real Chromium: districts in Chinese, and in English with ?lang=en."""

import pytest

pytestmark = pytest.mark.e2e


def test_home_page_shows_districts_in_chinese_and_english(page, live):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live.url + "/")
    areas = page.locator("#area-list a")
    assert areas.count() == 16
    assert areas.first.inner_text() == "东城区"
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    page.goto(live.url + "/?lang=en")
    assert page.locator("#area-list a").first.inner_text() == "Dongcheng"
    assert "Districts" in page.locator("h2").first.inner_text()
    assert errors == [], errors  # no CSP violations, no missing assets

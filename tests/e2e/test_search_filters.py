"""In Chromium: the search filters live in the URL, the count is shown, and Back brings both back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ihome.extensions import db
from ihome.houses.models import Facility
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

pytestmark = pytest.mark.e2e


def test_keyword_and_facility_filters_survive_back(live, live_app, page: Page):
    host = make_user(verified=True)
    wifi = db.session.get(Facility, 1)
    make_house(owner=host, title="鸟巢边的大三居", capacity=6, price=50000, facilities=[wifi])
    make_house(owner=host, title="鸟巢北小屋", capacity=2, price=20000)
    page.goto(f"{live.url}/search?lang=en")
    page.fill("#search-q", "鸟巢")
    page.locator("#search-submit").click()
    page.wait_for_url(re.compile(r"q=%E9%B8%9F%E5%B7%A2"))
    count = page.locator("#result-count")
    expect(count).to_have_text("Homes found: 2")

    page.locator('#search-fac input[value="1"]').check()  # a facility box searches at once
    page.wait_for_url(re.compile(r"fac=1"))
    expect(count).to_have_text("Homes found: 1")
    expect(page.locator("#results > li")).to_have_count(1)

    page.fill("#search-min-price", "600")  # yuan; the API gets fen
    page.locator("#search-submit").click()
    page.wait_for_url(re.compile(r"min_price=600"))
    expect(count).to_have_text("Homes found: 0")
    expect(page.locator("#empty")).to_be_visible()

    page.go_back()
    page.wait_for_url(re.compile(r"fac=1$"))
    expect(count).to_have_text("Homes found: 1")
    expect(page.locator("#search-min-price")).to_have_value("")
    expect(page.locator('#search-fac input[value="1"]')).to_be_checked()
    expect(page.locator("#search-q")).to_have_value("鸟巢")

    page.reload()  # the server renders the same filters and count
    expect(count).to_have_text("Homes found: 1")
    expect(page.locator('#search-fac input[value="1"]')).to_be_checked()

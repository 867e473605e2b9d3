"""The host's calendar page, the weekend price in the form and detail, and "from" on the house card, as rendered."""

from __future__ import annotations

import re

from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_owner_gets_the_calendar_page_linked_from_my_houses(client):
    house = make_house(title="Lake view", price=20000, weekend_price=30000)
    login(client, house.user_id)
    listing = html(client.get("/my/houses"))
    assert f'href="/my/houses/{house.id}/calendar"' in listing
    page = html(client.get(f"/my/houses/{house.id}/calendar"))
    assert f'data-house-id="{house.id}"' in page and "Lake view" in page
    assert "¥200" in page and "¥300" in page
    for control in ("cal-prev", "cal-next", "cal-grid", "cal-block", "cal-unblock", "cal-set-price", "cal-base-price",
                    "cal-price", "cal-error"):
        assert f'id="{control}"' in page
    assert 'for="cal-price"' in page and 'aria-label="' in page
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page) and not re.search(r"\sstyle\s*=", page)
    assert "/static/js/houses/calendar.js" in page


def test_the_page_is_chinese_by_default_and_english_on_request(client):
    house = make_house()
    login(client, house.user_id)
    zh = html(client.get(f"/my/houses/{house.id}/calendar"))
    en = html(client.get(f"/my/houses/{house.id}/calendar", headers={"Accept-Language": "en"}))
    assert "日历与价格" in zh and "设为不可订" in zh and "恢复基础价" in zh
    assert "Calendar and prices" in en and ">Block<" in en and "Back to base price" in en


def test_others_get_the_403_page_unknown_houses_404_anonymous_the_login(client):
    house_id = make_house().id
    assert client.get(f"/my/houses/{house_id}/calendar").status_code == 302
    login(client, make_user(verified=True).id)
    refused = client.get(f"/my/houses/{house_id}/calendar")
    assert refused.status_code == 403 and "text/html" in refused.content_type
    assert client.get("/my/houses/999999/calendar").status_code == 404


def test_weekend_price_in_the_form_and_on_the_detail_page(client):
    house = make_house(price=20000, weekend_price=35050)
    house_id, owner_id, plain_id = house.id, house.user_id, make_house(price=20000).id
    login(client, owner_id)
    form = html(client.get(f"/my/houses/{house_id}/edit"))
    assert 'id="f-weekend_price"' in form and 'value="350.50"' in form
    detail = html(client.get(f"/houses/{house_id}"))
    assert 'id="house-weekend-price"' in detail and "¥350.50" in detail
    assert 'id="house-weekend-price"' not in html(client.get(f"/houses/{plain_id}"))


def test_the_house_card_says_from_the_base_price(client):
    house_id = make_house(price=20000, weekend_price=1000, area_id=7, images=1).id
    page = html(client.get("/search?aid=7", headers={"Accept-Language": "zh-CN"}))
    card = page[page.index(f'href="/houses/{house_id}"'):]
    assert re.search(r"起价</span>\s*<span class=\"price\">¥200</span>", card)
    assert 'data-from="起价"' in page

"""A house's weekend price: published, shown, edited, removed; the same bounds as the base price."""

from __future__ import annotations

import pytest

from ihome.extensions import db
from ihome.houses.models import House

BODY = {"title": "Weekend loft", "price": 20000, "area_id": 1, "address": "1 Main St"}


def weekend_price(house_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(House, house_id).weekend_price


def test_publish_show_edit_and_remove_the_weekend_price(host_api):
    house_id = host_api.post("/houses", json={**BODY, "weekend_price": 35050}).expect(201).data["house_id"]
    assert weekend_price(house_id) == 35050
    house = host_api.get(f"/houses/{house_id}").expect(200).data["house"]
    assert (house["weekend_price"], house["weekend_price_display"]) == (35050, "¥350.50")
    host_api.put(f"/houses/{house_id}", json={"title": "Still a loft"}).expect(200)
    assert weekend_price(house_id) == 35050  # left out: kept
    host_api.put(f"/houses/{house_id}", json={"weekend_price": "0"}).expect(200)
    assert weekend_price(house_id) == 0
    host_api.put(f"/houses/{house_id}", json={"weekend_price": None}).expect(200)
    assert weekend_price(house_id) is None  # null: removed, Friday and Saturday cost the base price
    house = host_api.get(f"/houses/{house_id}").expect(200).data["house"]
    assert (house["weekend_price"], house["weekend_price_display"]) == (None, None)


def test_without_a_weekend_price_it_is_null(host_api):
    house_id = host_api.post("/houses", json=BODY).expect(201).data["house_id"]
    assert weekend_price(house_id) is None


@pytest.mark.parametrize("value", [-1, 100_000_001, "abc", 1.5, True, [], {}])
def test_bad_weekend_prices_are_named(host_api, value):
    result = host_api.post("/houses", json={**BODY, "weekend_price": value}).expect(400, "4103")
    assert list(result.fields) == ["weekend_price"]
    house_id = host_api.post("/houses", json=BODY).expect(201).data["house_id"]
    host_api.put(f"/houses/{house_id}", json={"weekend_price": value}).expect(400, "4103")
    assert weekend_price(house_id) is None

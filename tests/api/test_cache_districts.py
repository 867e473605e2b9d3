"""A change invalidates what it can affect, nothing more: a booking in one district leaves the cached
searches of the others cached, and makes its own district's searches of those weeks fresh (issue 14).

``X-Cache`` (hit or miss) on the cached endpoints says whether the cache answered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.orders.models import Order
from tests.factories.houses import make_house


@pytest.fixture(autouse=True)
def no_refresh_ahead(app, monkeypatch):
    """These tests watch the invalidation itself (a changed search misses); refreshing popular searches
    ahead of their readers, which turns such misses into fresh hits, is tested in test_search_refresh."""
    monkeypatch.setitem(app.config, "SEARCH_REFRESH", 0)


@pytest.fixture
def two_districts(stay):
    """``stay``'s house (district 1) and a second house of the same host in district 2, both with a photo."""
    house_id = stay.house.id
    other_id = make_house(owner=stay.host, area_id=2, images=1).id
    db.session.get(House, house_id).index_image_key = "house/cover.jpg"
    db.session.commit()
    return stay, house_id, other_id


def _dates() -> tuple[str, str]:
    start = clock.today() + timedelta(days=3)
    return start.isoformat(), (start + timedelta(days=2)).isoformat()


def _search(api, aid: int | None, dates: tuple[str, str] | None = None):
    sd, ed = dates or _dates()
    response = api.get(f"/houses?sd={sd}&ed={ed}" + (f"&aid={aid}" if aid else "")).expect(200)
    return response.headers["X-Cache"], [h["house_id"] for h in response.data["houses"]]


def _book(stay, house_id: int):
    sd, ed = _dates()
    return stay.guest_api.post("/orders", json={"house_id": house_id, "start_date": sd, "end_date": ed})


def test_a_booking_in_one_district_keeps_the_other_districts_search_cached(two_districts):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    assert _search(api, 1) == ("miss", [house_id])
    assert _search(api, 2) == ("miss", [other_id])
    assert _search(api, 2) == ("hit", [other_id])
    api.get(f"/houses/{other_id}").expect(200)
    api.get("/houses/index").expect(200)

    order_id = _book(stay, house_id).expect(201).data["order_id"]

    assert _search(api, 2) == ("hit", [other_id])  # district 2 saw no change: still cached
    assert _search(api, 1) == ("miss", [])  # district 1's search is fresh: the house is taken
    assert _search(api, None) == ("miss", [other_id])  # a search of every district is fresh too
    assert api.get(f"/houses/{other_id}").headers["X-Cache"] == "hit"
    assert api.get("/houses/index").headers["X-Cache"] == "hit"  # the home list shows no availability
    assert db.session.get(Order, order_id) is not None


def test_a_cancel_frees_the_nights_in_its_district_only(two_districts):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    order_id = _book(stay, house_id).expect(201).data["order_id"]
    assert _search(api, 1) == ("miss", [])
    assert _search(api, 2)[1] == [other_id]
    assert _search(api, 2) == ("hit", [other_id])

    api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)

    assert _search(api, 1) == ("miss", [house_id])
    assert _search(api, 2) == ("hit", [other_id])
    assert db.session.get(Order, order_id).status == "CANCELED"


def test_a_refused_booking_bumps_nothing(two_districts, redis):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    _book(stay, house_id).expect(201)
    assert _search(api, 1) == ("miss", [])
    assert _search(api, 1) == ("hit", [])
    _book(stay, house_id).expect(409, "4004")  # the same nights again: rolled back
    assert _search(api, 1) == ("hit", [])
    assert db.session.query(Order).filter_by(house_id=house_id).count() == 1


def test_an_edit_refreshes_the_home_list_and_both_districts_of_a_move(two_districts):
    stay, house_id, other_id = two_districts
    api = stay.host_api
    assert _search(api, 1)[1] == [house_id]
    assert _search(api, 3) == ("miss", [])
    assert _search(api, 3) == ("hit", [])
    api.get("/houses/index").expect(200)
    api.put(f"/houses/{house_id}", json={"area_id": 3, "title": "Moved"}).expect(200)
    assert _search(api, 1) == ("miss", [])
    assert _search(api, 3) == ("miss", [house_id])
    index = api.get("/houses/index")
    assert index.headers["X-Cache"] == "miss" and "Moved" in [h["title"] for h in index.data]


def test_a_booking_keeps_searches_of_other_weeks_and_without_dates_cached(two_districts):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    later = clock.today() + timedelta(days=40)
    far = (later.isoformat(), (later + timedelta(days=3)).isoformat())
    assert _search(api, 1, far) == ("miss", [house_id])
    assert api.get("/houses?aid=1").headers["X-Cache"] == "miss"
    _book(stay, house_id).expect(201)  # in 3 days: weeks apart
    assert _search(api, 1, far) == ("hit", [house_id])
    undated = api.get("/houses?aid=1")
    assert undated.headers["X-Cache"] == "hit" and [h["house_id"] for h in undated.data["houses"]] == [house_id]
    assert _search(api, 1) == ("miss", [])  # the booked week is fresh


def test_a_booking_across_a_week_boundary_reaches_searches_of_either_week(two_districts, texts):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    today = clock.today()
    sunday = today + timedelta(days=14 + (6 - today.toordinal() % 7))  # the last night of one week (ordinal // 7)
    assert (sunday.toordinal() + 1) % 7 == 0
    next_week = (sunday + timedelta(days=1)).isoformat(), (sunday + timedelta(days=3)).isoformat()
    assert _search(api, 1, next_week) == ("miss", [house_id])
    stay.guest_api.post("/orders", json={"house_id": house_id, "start_date": sunday.isoformat(),
                                         "end_date": (sunday + timedelta(days=2)).isoformat()}).expect(201)
    assert _search(api, 1, next_week) == ("miss", [])


def test_a_host_block_makes_its_districts_dated_search_fresh_and_keeps_the_rest_cached(two_districts):
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    assert _search(api, 1) == ("miss", [house_id])
    assert _search(api, 1) == ("hit", [house_id])
    assert _search(api, 2)[1] == [other_id]
    api.get("/houses/index").expect(200)
    sd, ed = _dates()

    stay.host_api.put(f"/houses/{house_id}/calendar/blocks",
                      json={"start_date": sd, "end_date": ed, "blocked": True}).expect(200)

    assert _search(api, 1) == ("miss", [])  # the blocked nights count as taken at once
    assert _search(api, 2) == ("hit", [other_id])  # another district saw no change
    assert api.get("/houses/index").headers["X-Cache"] == "hit"  # the home list shows no availability
    stay.host_api.put(f"/houses/{house_id}/calendar/blocks",
                      json={"start_date": sd, "end_date": ed, "blocked": False}).expect(200)
    assert _search(api, 1) == ("miss", [house_id])  # unblocked: free again

"""The owner's calendar API: block and free nights, price nights, ownership, and what guests then see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock, NightPrice
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def rows(house_id: int) -> list[tuple[date, date, int | None]]:
    """Every block row of the house: (start, end, import_id)."""
    db.session.expire_all()
    return [(b.start_date, b.end_date, b.import_id) for b in db.session.scalars(
        select(HouseBlock).where(HouseBlock.house_id == house_id).order_by(HouseBlock.start_date, HouseBlock.id))]


def d(n: int) -> date:
    return clock.today() + timedelta(days=n)


def block(api: ApiClient, house_id: int, start: int, end: int, blocked: bool = True):
    return api.put(f"/houses/{house_id}/calendar/blocks",
                   json={"start_date": day(start), "end_date": day(end), "blocked": blocked})


def test_block_merges_with_touching_blocks_and_guests_see_it(stay):
    house_id = stay.house.id
    data = block(stay.host_api, house_id, 5, 8).expect(200).data
    assert data == {"blocked": [{"start_date": day(5), "end_date": day(8)}]}
    block(stay.host_api, house_id, 8, 10).expect(200)
    block(stay.host_api, house_id, 6, 7).expect(200)  # inside: nothing new
    assert rows(house_id) == [(d(5), d(10), None)]
    cal = stay.guest_api.get(f"/houses/{house_id}/calendar?start={day(0)}&end={day(30)}").expect(200).data
    assert cal["blocked"] == [{"start_date": day(5), "end_date": day(10)}] and cal["booked"] == []


def test_unblock_splits_a_range_and_leaves_imported_nights(stay):
    house_id = stay.house.id
    feed = CalendarImport(house_id=house_id, url="https://example.com/cal.ics")
    db.session.add(feed)
    db.session.flush()
    feed_id = feed.id
    db.session.add(HouseBlock(house_id=house_id, start_date=d(12), end_date=d(14), import_id=feed_id))
    db.session.commit()
    block(stay.host_api, house_id, 5, 15).expect(200)
    data = block(stay.host_api, house_id, 8, 13, blocked=False).expect(200).data
    assert data["blocked"] == [{"start_date": day(5), "end_date": day(8)}, {"start_date": day(13), "end_date": day(15)}]
    assert rows(house_id) == [(d(5), d(8), None), (d(12), d(14), feed_id), (d(13), d(15), None)]
    # guests see the host's and the imported nights merged, with no source
    cal = stay.guest_api.get(f"/houses/{house_id}/calendar?start={day(0)}&end={day(30)}").data
    assert cal["blocked"] == [{"start_date": day(5), "end_date": day(8)}, {"start_date": day(12), "end_date": day(15)}]
    owner = stay.host_api.get(f"/houses/{house_id}/calendar/blocks").expect(200).data
    assert owner["imported"] == [{"start_date": day(12), "end_date": day(14)}]
    assert owner["blocked"] == data["blocked"]
    # freeing everything leaves the imported range alone
    block(stay.host_api, house_id, 0, 40, blocked=False).expect(200)
    assert rows(house_id) == [(d(12), d(14), feed_id)]


def test_blocking_a_booked_night_is_409_and_changes_nothing(stay):
    house_id = stay.house.id
    block(stay.host_api, house_id, 1, 3).expect(200)
    make_order(house=stay.house, start=d(10), nights=2, status=OrderStatus.PAID)
    make_order(house=stay.house, start=d(20), nights=2, status=OrderStatus.CANCELED)  # holds nothing
    before = rows(house_id)
    block(stay.host_api, house_id, 3, 11).expect(409, "4004")
    block(stay.host_api, house_id, 12, 13).expect(200)  # the check-out day of the stay is free
    block(stay.host_api, house_id, 20, 22).expect(200)
    assert rows(house_id) == before + [(d(12), d(13), None), (d(20), d(22), None)]


def test_prices_set_and_back_to_base(stay):
    house_id = stay.house.id
    data = stay.host_api.put(f"/houses/{house_id}/calendar/prices",
                             json={"start_date": day(3), "end_date": day(5), "price": 45650}).expect(200).data
    assert data["prices"] == [{"date": day(3), "price": 45650, "price_display": "¥456.50"},
                              {"date": day(4), "price": 45650, "price_display": "¥456.50"}]
    cal = stay.guest_api.get(f"/houses/{house_id}/calendar?start={day(2)}&end={day(6)}").data
    assert [p["price"] for p in cal["prices"]] == [20000, 45650, 45650, 20000]
    owner = stay.host_api.get(f"/houses/{house_id}/calendar/blocks").data
    assert [o["date"] for o in owner["overrides"]] == [day(3), day(4)]
    data = stay.host_api.put(f"/houses/{house_id}/calendar/prices",
                             json={"start_date": day(4), "end_date": day(5), "price": None}).expect(200).data
    assert data["prices"] == [{"date": day(4), "price": 20000, "price_display": "¥200"}]
    db.session.expire_all()
    assert [(n.night, n.price) for n in db.session.scalars(
        select(NightPrice).where(NightPrice.house_id == house_id))] == [(d(3), 45650)]
    cal = stay.guest_api.get(f"/houses/{house_id}/calendar?start={day(2)}&end={day(6)}").data
    assert [p["price"] for p in cal["prices"]] == [20000, 45650, 20000, 20000]


def test_someone_elses_house_is_403_and_nothing_changes(stay, app):
    other_id = make_user(verified=True).id
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = other_id
    intruder = ApiClient(client)
    house_id = stay.house.id
    block(intruder, house_id, 5, 8).expect(403, "4105")
    block(stay.guest_api, house_id, 5, 8).expect(403, "4105")
    intruder.put(f"/houses/{house_id}/calendar/prices",
                 json={"start_date": day(3), "end_date": day(5), "price": 1}).expect(403, "4105")
    intruder.get(f"/houses/{house_id}/calendar/blocks").expect(403, "4105")
    assert rows(house_id) == []
    assert db.session.scalars(select(NightPrice).where(NightPrice.house_id == house_id)).all() == []


def test_unknown_house_login_and_csrf(stay, api):
    block(stay.host_api, 999999, 1, 2).expect(404, "4002")
    block(stay.host_api, 2**40, 1, 2).expect(404, "4002")
    block(api, stay.house.id, 1, 2).expect(401, "4101")
    api.get(f"/houses/{stay.house.id}/calendar/blocks").expect(401, "4101")
    bare = ApiClient(stay.host_api.client, csrf=False)
    block(bare, stay.house.id, 1, 2).expect(400, "4004")
    bare.put(f"/houses/{stay.house.id}/calendar/prices",
             json={"start_date": day(1), "end_date": day(2), "price": 1}).expect(400, "4004")
    assert rows(stay.house.id) == []


@pytest.mark.parametrize(("body", "field"), [
    ({"start_date": day(-1), "end_date": day(2)}, "start_date"),
    ({"start_date": day(3), "end_date": day(3)}, "end_date"),
    ({"start_date": day(5), "end_date": day(2)}, "end_date"),
    ({"start_date": day(0), "end_date": day(367)}, "end_date"),
    ({"start_date": day(300), "end_date": day(400)}, "end_date"),  # beyond the booking horizon
    ({"start_date": "2030-02-30", "end_date": day(2)}, "start_date"),
    ({"start_date": "9999-12-31", "end_date": "9999-12-31"}, "start_date"),
    ({"start_date": 5, "end_date": day(2)}, "start_date"),
    ({"end_date": day(2)}, "start_date"),
])
def test_bad_ranges_are_4103_naming_the_field(stay, body, field):
    for path, extra in (("blocks", {"blocked": True}), ("prices", {"price": 100})):
        result = stay.host_api.put(f"/houses/{stay.house.id}/calendar/{path}", json={**body, **extra})
        result.expect(400, "4103")
        assert field in result.fields, result.json
    assert rows(stay.house.id) == []


@pytest.mark.parametrize("extra", [{"blocked": "yes"}, {"blocked": None}, {}, {"blocked": 1}])
def test_blocked_must_be_a_boolean(stay, extra):
    result = stay.host_api.put(f"/houses/{stay.house.id}/calendar/blocks",
                               json={"start_date": day(1), "end_date": day(2), **extra}).expect(400, "4103")
    assert "blocked" in result.fields


@pytest.mark.parametrize("price", [-1, 100_000_001, "abc", 1.5, True, 2**70])
def test_bad_prices_are_4103(stay, price):
    result = stay.host_api.put(f"/houses/{stay.house.id}/calendar/prices",
                               json={"start_date": day(1), "end_date": day(2), "price": price}).expect(400, "4103")
    assert "price" in result.fields
    assert db.session.scalars(select(NightPrice).where(NightPrice.house_id == stay.house.id)).all() == []


@pytest.mark.parametrize("body", ["not json", "[]", "null", '{"start_date": []}'])
def test_malformed_bodies_are_4xx_never_500(stay, body):
    for path in ("blocks", "prices"):
        result = stay.host_api.put(f"/houses/{stay.house.id}/calendar/{path}", data=body,
                                   headers={"Content-Type": "application/json"})
        assert 400 <= result.status < 500 and result.errno != "0", result.json


def test_the_calendar_window_has_a_price_for_every_night_and_weekend_prices(stay, app):
    house = make_house(price=10000, weekend_price=18000)
    data = stay.guest_api.get(f"/houses/{house.id}/calendar?start={day(0)}&end={day(14)}").expect(200).data
    assert len(data["prices"]) == 14
    for night in data["prices"]:
        weekend = date.fromisoformat(night["date"]).weekday() in (4, 5)
        assert night["price"] == (18000 if weekend else 10000)
        assert night["price_display"] == ("¥180" if weekend else "¥100")

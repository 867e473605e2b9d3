"""A stay's price night by night: GET /houses/{id}/quote and POST /orders agree, and both refuse the same stays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock, NightPrice
from ihome.orders.models import Order, OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import make_order


def next_weekday(weekday: int, *, after: int = 7) -> date:
    start = clock.today() + timedelta(days=after)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def order_count(house_id: int) -> int:
    return db.session.scalar(select(func.count(Order.id)).where(Order.house_id == house_id)) or 0


def quote(api, house_id: int, start: date, end: date, guests: int | None = None):
    extra = f"&guests={guests}" if guests is not None else ""
    return api.get(f"/houses/{house_id}/quote?start_date={start}&end_date={end}{extra}")


def book(api, house_id: int, start: date, end: date, guests: int = 1):
    return api.post("/orders", json={"house_id": house_id, "start_date": start.isoformat(),
                                     "end_date": end.isoformat(), "guests": guests})


@pytest.fixture
def priced(stay):
    """The stay's house at ¥200, ¥300 on Friday and Saturday nights, ¥123.45 on the Thursday."""
    stay.house.weekend_price = 30000
    db.session.add(stay.house)
    thursday = next_weekday(3)
    db.session.add(NightPrice(house_id=stay.house.id, night=thursday, price=12345))
    db.session.commit()
    return stay, thursday


def test_quote_sums_the_nights_and_the_booking_charges_exactly_that(priced):
    stay, thursday = priced
    start, end = thursday - timedelta(days=1), thursday + timedelta(days=4)  # Wed Thu Fri Sat Sun
    data = quote(stay.guest_api, stay.house.id, start, end, guests=2).expect(200).data
    assert [n["price"] for n in data["nightly"]] == [20000, 12345, 30000, 30000, 20000]
    assert [n["date"] for n in data["nightly"]] == [(start + timedelta(days=i)).isoformat() for i in range(5)]
    assert data["nights"] == 5 and data["subtotal"] == 112345
    assert data["service_fee"] == 5617  # 5 % of 112345 = 5617.25, half up
    assert data["amount"] == 117962
    assert (data["subtotal_display"], data["service_fee_display"], data["amount_display"]) == (
        "¥1123.45", "¥56.17", "¥1179.62")
    assert data["nightly"][1]["price_display"] == "¥123.45"
    booked = book(stay.guest_api, stay.house.id, start, end, guests=2).expect(201).data
    assert (booked["subtotal"], booked["service_fee"], booked["amount"]) == (112345, 5617, 117962)
    order = db.session.get(Order, booked["order_id"])
    assert (order.subtotal, order.service_fee, order.amount) == (112345, 5617, 117962)
    assert order.commission == 3370 and order.host_payout == 112345 - 3370  # 3 % half up
    assert order.house_price == 20000  # the base price, as before


def test_a_later_price_change_never_touches_the_order(priced):
    stay, thursday = priced
    order_id = book(stay.guest_api, stay.house.id, thursday, thursday + timedelta(days=1)).expect(201).data["order_id"]
    stay.host_api.put(f"/houses/{stay.house.id}/calendar/prices", json={
        "start_date": thursday.isoformat(), "end_date": (thursday + timedelta(days=1)).isoformat(),
        "price": 99900}).expect(200)
    db.session.expire_all()
    assert db.session.get(Order, order_id).subtotal == 12345


def test_the_quote_is_public(priced, api):
    stay, thursday = priced
    assert quote(api, stay.house.id, thursday, thursday + timedelta(days=1)).expect(200).data["subtotal"] == 12345


@pytest.mark.parametrize("imported", [False, True])
def test_booking_a_blocked_night_is_4103_and_no_order_is_made(stay, imported):
    house_id = stay.house.id
    start = clock.today() + timedelta(days=10)
    import_id = None
    if imported:
        feed = CalendarImport(house_id=house_id, url="https://example.com/other.ics")
        db.session.add(feed)
        db.session.flush()
        import_id = feed.id
    db.session.add(HouseBlock(house_id=house_id, start_date=start + timedelta(days=2),
                              end_date=start + timedelta(days=3), import_id=import_id))
    db.session.commit()
    before = order_count(house_id)
    for api_call in (lambda: book(stay.guest_api, house_id, start, start + timedelta(days=4)),
                     lambda: quote(stay.guest_api, house_id, start, start + timedelta(days=4))):
        result = api_call().expect(400, "4103")
        assert "start_date" in result.fields and (start + timedelta(days=2)).isoformat() in result.errmsg
    assert order_count(house_id) == before
    # the nights around the block are free
    book(stay.guest_api, house_id, start, start + timedelta(days=2)).expect(201)


def test_a_block_through_the_api_refuses_the_booking(stay):
    start = clock.today() + timedelta(days=5)
    stay.host_api.put(f"/houses/{stay.house.id}/calendar/blocks", json={
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=1)).isoformat(), "blocked": True,
    }).expect(200)
    before = order_count(stay.house.id)
    book(stay.guest_api, stay.house.id, start - timedelta(days=1), start + timedelta(days=1)).expect(400, "4103")
    assert order_count(stay.house.id) == before


def test_quote_refuses_a_booked_night_with_409(stay):
    start = clock.today() + timedelta(days=3)
    make_order(house=stay.house, start=start, nights=2, status=OrderStatus.WAIT_PAYMENT)
    quote(stay.guest_api, stay.house.id, start + timedelta(days=1), start + timedelta(days=3)).expect(409, "4004")
    quote(stay.guest_api, stay.house.id, start + timedelta(days=2), start + timedelta(days=3)).expect(200)


@pytest.mark.parametrize(("house_fields", "start_in", "nights", "guests", "field"), [
    ({"min_days": 3}, 2, 2, 1, "end_date"),
    ({"max_days": 2}, 2, 3, 1, "end_date"),
    ({}, -1, 2, 1, "start_date"),
    ({}, 366, 1, 1, "start_date"),       # beyond IHOME_BOOKING_HORIZON_DAYS
    ({}, 2, 366, 1, "end_date"),         # more than IHOME_MAX_NIGHTS
    ({"capacity": 2}, 2, 1, 3, "guests"),
    ({}, 2, 0, 1, "end_date"),
])
def test_quote_refuses_what_booking_refuses(stay, house_fields, start_in, nights, guests, field):
    house = make_house(owner=stay.host, **house_fields)
    start = clock.today() + timedelta(days=start_in)
    end = start + timedelta(days=nights)
    result = quote(stay.guest_api, house.id, start, end, guests=guests).expect(400, "4103")
    assert field in result.fields, result.json
    booked = book(stay.guest_api, house.id, start, end, guests=guests).expect(400, "4103")
    assert field in booked.fields
    assert order_count(house.id) == 0


@pytest.mark.parametrize("query", [
    "", "start_date=2030-01-01", "start_date=nope&end_date=2030-01-02", "start_date=2030-02-30&end_date=2030-03-01",
    "start_date=2030-01-01&end_date=2030-01-02&guests=0", "start_date=2030-01-01&end_date=2030-01-02&guests=x",
    "start_date=9999-12-31&end_date=9999-12-31",
])
def test_bad_quote_queries_are_4103(stay, query):
    stay.guest_api.get(f"/houses/{stay.house.id}/quote?{query}").expect(400, "4103")


def test_quote_of_an_unknown_or_hidden_house_is_404(stay, api):
    start = clock.today() + timedelta(days=2)
    quote(api, 999999, start, start + timedelta(days=1)).expect(404, "4002")
    quote(api, 2**40, start, start + timedelta(days=1)).expect(404, "4002")
    hidden = make_house(listed=False)
    quote(api, hidden.id, start, start + timedelta(days=1)).expect(404, "4002")

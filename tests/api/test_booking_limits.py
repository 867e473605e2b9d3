"""Booking abuse (issue 9 §2): horizon, longest stay, guests, pending limits, 64-bit money, late accept/pay.

Each refusal is checked with its status, errno and field, and that nothing was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ihome.core import clock
from ihome.houses.fields import MAX_MONEY
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment
from tests.api.test_orders import client_of, day
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


def orders_of(db, **where) -> int:
    query = select(func.count()).select_from(Order)
    for column, value in where.items():
        query = query.where(getattr(Order, column) == value)
    return db.session.scalar(query)


def book(api, house_id: int, start: int, nights: int, **extra):
    return api.post("/orders", json={"house_id": house_id, "start_date": day(start),
                                     "end_date": day(start + nights), **extra})


# ---- how far ahead, how long ------------------------------------------------------------------------------

def test_check_in_365_days_ahead_is_fine_366_is_4103_on_start_date(stay, db):
    book(stay.guest_api, stay.house.id, 365, 1).expect(201)
    other = client_of(stay.host_api.client.application, make_user())
    response = book(other, stay.house.id, 366, 1).expect(400, "4103")
    assert list(response.fields) == ["start_date"]
    assert orders_of(db, house_id=stay.house.id) == 1


def test_365_nights_are_fine_366_are_4103_on_end_date(stay, db):
    response = book(stay.guest_api, stay.house.id, 1, 366).expect(400, "4103")
    assert list(response.fields) == ["end_date"]
    assert orders_of(db, user_id=stay.guest.id) == 0
    assert book(stay.guest_api, stay.house.id, 1, 365).expect(201).data["days"] == 365


def test_the_limits_are_settings(stay, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "BOOKING_HORIZON_DAYS", 30)
    monkeypatch.setitem(app.config, "MAX_NIGHTS", 7)
    assert "start_date" in book(stay.guest_api, stay.house.id, 31, 1).expect(400, "4103").fields
    assert "end_date" in book(stay.guest_api, stay.house.id, 1, 8).expect(400, "4103").fields
    book(stay.guest_api, stay.house.id, 30, 7).expect(201)


# ---- guests -----------------------------------------------------------------------------------------------

def test_guests_default_to_one_and_are_stored(stay, db):
    order_id = book(stay.guest_api, stay.house.id, 1, 1).expect(201).data["order_id"]
    assert db.session.get(Order, order_id).guests == 1
    house = make_house(capacity=4)
    order_id = book(stay.guest_api, house.id, 1, 1, guests=4).expect(201).data["order_id"]
    assert db.session.get(Order, order_id).guests == 4


@pytest.mark.parametrize("guests", [0, -1, 3, 10**12, "two"])
def test_guests_outside_1_to_capacity_are_4103_naming_guests(stay, db, guests):
    response = book(stay.guest_api, stay.house.id, 1, 1, guests=guests).expect(400, "4103")  # capacity 2
    assert "guests" in response.fields
    assert orders_of(db, user_id=stay.guest.id) == 0


# ---- pending orders per guest -----------------------------------------------------------------------------

def test_a_second_pending_booking_of_the_same_house_is_429_with_retry_after(stay, db):
    book(stay.guest_api, stay.house.id, 1, 1).expect(201)
    response = book(stay.guest_api, stay.house.id, 10, 1).expect(429, "4201")
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 24 * 3600  # when the first one expires unanswered (IHOME_ACCEPT_TIMEOUT_HOURS)
    assert orders_of(db, user_id=stay.guest.id) == 1


@pytest.mark.parametrize("status", [S.WAIT_ACCEPT, S.WAIT_PAYMENT])
def test_a_fourth_pending_booking_is_429_and_writes_nothing(stay, db, status):
    for _ in range(3):
        make_order(house=make_house(), guest=stay.guest, status=status)
    events_before = db.session.scalar(select(func.count()).select_from(OrderEvent))
    response = book(stay.guest_api, stay.house.id, 1, 1).expect(429, "4201")
    assert int(response.headers["Retry-After"]) >= 1
    assert orders_of(db, user_id=stay.guest.id) == 3
    assert db.session.scalar(select(func.count()).select_from(OrderEvent)) == events_before


@pytest.mark.parametrize("status", [S.PAID, S.WAIT_COMMENT, S.COMPLETE, S.CANCELED, S.REJECTED])
def test_orders_past_the_pending_states_do_not_count(stay, db, status):
    for _ in range(3):
        make_order(house=make_house(), guest=stay.guest, status=status)
    make_order(house=stay.house, guest=stay.guest, status=status, start=clock.today() + timedelta(days=50))
    book(stay.guest_api, stay.house.id, 1, 1).expect(201)


def test_a_cancelled_request_frees_its_place(stay, db):
    order_id = book(stay.guest_api, stay.house.id, 1, 1).expect(201).data["order_id"]
    book(stay.guest_api, stay.house.id, 5, 1).expect(429, "4201")
    stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)
    book(stay.guest_api, stay.house.id, 5, 1).expect(201)


def test_the_pending_limit_is_a_setting(stay, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PENDING_PER_GUEST", 1)
    book(stay.guest_api, make_house().id, 1, 1).expect(201)
    book(stay.guest_api, stay.house.id, 1, 1).expect(429, "4201")


# ---- 64-bit money -----------------------------------------------------------------------------------------

def test_22_nights_at_the_highest_price_book_fine(stay, db):
    """22 × 1,000,000 yuan = 2.2 × 10⁹ fen: beyond a 32-bit integer (a 500 on PostgreSQL before 0003)."""
    house = make_house(price=MAX_MONEY)
    data = book(stay.guest_api, house.id, 1, 22).expect(201).data
    subtotal = 22 * MAX_MONEY
    assert data["subtotal"] == subtotal and data["service_fee"] == subtotal * 5 // 100
    assert data["amount"] == subtotal + data["service_fee"] > 2**31
    db.session.expire_all()
    order = db.session.get(Order, data["order_id"])
    assert (order.amount, order.subtotal, order.host_payout) == (data["amount"], subtotal, subtotal * 97 // 100)
    listed = stay.guest_api.get("/user/orders").expect(200).data["orders"]
    assert listed[0]["amount"] == data["amount"]


# ---- nothing after check-in -------------------------------------------------------------------------------

def yesterday_order(db, stay, status: OrderStatus) -> Order:
    return make_order(house=stay.house, guest=stay.guest, status=status,
                      start=clock.today() - timedelta(days=1), nights=3)


def test_accepting_after_check_in_passed_is_409_and_changes_nothing(stay, db):
    order = yesterday_order(db, stay, S.WAIT_ACCEPT)
    order_id, updated = order.id, order.update_time
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "accept"}).expect(409, "4004")
    db.session.expire_all()
    row = db.session.get(Order, order_id)
    assert (row.status, row.update_time) == (S.WAIT_ACCEPT, updated)
    assert db.session.scalar(select(func.count()).select_from(OrderEvent)
                             .where(OrderEvent.order_id == order_id)) == 0


def test_accepting_on_the_check_in_day_is_fine(stay, db):
    order = make_order(house=stay.house, guest=stay.guest, start=clock.today(), nights=1)
    stay.host_api.put(f"/orders/{order.id}/status", json={"action": "accept"}).expect(200)


def test_paying_after_check_in_passed_is_409_and_opens_no_trade(stay, db):
    order = yesterday_order(db, stay, S.WAIT_PAYMENT)
    order_id = order.id
    stay.guest_api.post(f"/orders/{order_id}/payment").expect(409, "4004")
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == S.WAIT_PAYMENT
    assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 0


def test_the_check_in_day_follows_the_marketplace_clock(stay, db):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_PAYMENT,
                       start=clock.today() + timedelta(days=2), nights=1)
    order_id = order.id
    later = datetime.now(UTC) + timedelta(days=3)
    with clock.frozen(later):
        stay.guest_api.post(f"/orders/{order_id}/payment").expect(409, "4004")
    assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 0

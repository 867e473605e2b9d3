"""Races on the booking limits and the pay button, against the real multi-process server (issue 9 §2).

(a) Two "Pay" clicks at once, 10 times: both answer 200 with the same trade, and the order has one
    open (STARTED) payment — the partial unique index decides, not a read-then-write.
(b) One guest fires 8 bookings of 8 houses at once: exactly IHOME_MAX_PENDING_PER_GUEST (3) succeed, the
    rest answer 429/4201 — the guest's row lock holds on PostgreSQL, where the house locks differ.
(c) One guest fires 6 bookings of one house (different nights) at once: exactly one succeeds.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderStatus
from ihome.payments.models import Payment, PaymentStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.server.test_order_races import errno_of, fire_together
from tests.support.orders_fixtures import live_session

pytestmark = pytest.mark.server
S = OrderStatus
ROUNDS = 10


def trade_of(response) -> str:
    """The out_trade_no inside a pay_url's signed biz_content."""
    query = parse_qs(urlsplit(response.json()["data"]["pay_url"]).query)
    return json.loads(query["biz_content"][0])["out_trade_no"]


def test_two_pay_clicks_at_once_open_one_trade(live, live_app):
    guest = make_user()
    house = make_house()
    orders = [make_order(house=house, guest=guest, status=S.WAIT_PAYMENT,
                         start=clock.today() + timedelta(days=5 + 3 * n)).id for n in range(ROUNDS)]
    http = live_session(live, guest)
    for order_id in orders:
        url = f"{live.url}/api/v1.0/orders/{order_id}/payment"
        first, second = fire_together([lambda url=url: http.post(url, timeout=60)] * 2)
        assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
        assert trade_of(first) == trade_of(second)
        db.session.rollback()
        open_trades = db.session.scalars(select(Payment.out_trade_no).where(
            Payment.order_id == order_id, Payment.status == PaymentStatus.STARTED.value)).all()
        assert open_trades == [trade_of(first)]
        assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 1


def test_one_guest_booking_eight_houses_at_once_gets_three(live, live_app):
    guest = make_user()
    houses = [make_house().id for _ in range(8)]
    guest_id = guest.id
    http = live_session(live, guest)
    start = clock.today() + timedelta(days=20)
    calls = [
        (lambda house_id=house_id: http.post(live.url + "/api/v1.0/orders", timeout=60, json={
            "house_id": house_id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=2)).isoformat()}))
        for house_id in houses
    ]
    responses = fire_together(calls)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 3, 429: 5}, (statuses, [r.text for r in responses if r.status_code >= 500])
    assert {errno_of(r) for r in responses if r.status_code == 429} == {"4201"}
    assert all(int(r.headers["Retry-After"]) >= 1 for r in responses if r.status_code == 429)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.user_id == guest_id)) == 3


def test_one_guest_booking_one_house_six_times_at_once_gets_one(live, live_app):
    guest, house = make_user(), make_house()
    guest_id, house_id = guest.id, house.id
    http = live_session(live, guest)
    calls = []
    for n in range(6):
        start = clock.today() + timedelta(days=40 + 3 * n)
        body = {"house_id": house_id, "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=1)).isoformat()}
        calls.append(lambda body=body: http.post(live.url + "/api/v1.0/orders", json=body, timeout=60))
    statuses = Counter(r.status_code for r in fire_together(calls))
    assert statuses == {201: 1, 429: 5}, statuses
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.user_id == guest_id)) == 1

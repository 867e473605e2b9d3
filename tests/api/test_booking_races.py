"""Races on the pay button and the per-guest limits, with real threads on a real database (issue 9 §2).

Each test runs on a database of its own (SQLite or PostgreSQL, as under test), outside the unit tests'
rolled-back transaction: every thread is a client of its own with its own session and connection, as
requests in different workers are, and a barrier releases them together.

(a) Two "Pay" clicks at once, 10 times: both answer 200 with the same trade and the order has one open
    (STARTED) payment. The partial unique index decides: the read-then-write alone opens two.
(b) One guest books 8 houses at once: exactly IHOME_MAX_PENDING_PER_GUEST (3) succeed, 5 answer 429.
    On PostgreSQL the house locks differ: the guest's row lock is what serialises them.
(c) One guest books one house 6 times (different nights) at once: exactly one succeeds.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session, sessionmaker

from ihome import create_app
from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderStatus
from ihome.payments.models import Payment, PaymentStatus
from tests.conftest import login, redis_url
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient

S = OrderStatus
ROUNDS = 10


@pytest.fixture
def race_app(db, new_database_url, redis_server, tmp_path):
    """An app on a fresh, migrated database; ``db.session`` is thread-local on it for the test."""
    from ihome.cli import prepare_database

    application = create_app({"IHOME_ENV": "testing", "DATABASE_URL": new_database_url("race"),
                              "REDIS_URL": redis_url(redis_server, 13), "INSTANCE_PATH": str(tmp_path),
                              # tasks go to this Redis database's queue (flushed after): eager tasks in
                              # threads would race on Celery's process-wide "join will block" flag
                              "CELERY_ALWAYS_EAGER": False, "CAPTCHA_TEST_CODE": None,
                              "PUBLIC_URL": "http://localhost"})
    with application.app_context():
        unit_session = db.session
        db.session = scoped_session(sessionmaker(bind=db.engine))
        try:
            prepare_database()
            yield application
        finally:
            db.session.remove()
            db.session = unit_session
            application.extensions["ihome.redis"].flushdb()


def clients_of(app, user_id: int, count: int) -> list[ApiClient]:
    clients = []
    for _ in range(count):
        client = app.test_client()
        login(client, user_id)
        clients.append(ApiClient(client))
    return clients


def fire_together(calls):
    """Run the callables at the same moment (a barrier), each in its own thread; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        try:
            return call()
        finally:
            db.session.remove()  # this thread's session

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def trade_of(response) -> str:
    """The out_trade_no inside a pay_url's signed biz_content."""
    query = parse_qs(urlsplit(response.data["pay_url"]).query)
    return json.loads(query["biz_content"][0])["out_trade_no"]


def test_two_pay_clicks_at_once_open_one_trade(race_app):
    guest = make_user()
    house = make_house()
    guest_id = guest.id
    orders = [make_order(house=house, guest=guest, status=S.WAIT_PAYMENT,
                         start=clock.today() + timedelta(days=5 + 3 * n)).id for n in range(ROUNDS)]
    db.session.remove()
    for order_id in orders:
        first, second = fire_together([lambda api=api, order_id=order_id: api.post(f"/orders/{order_id}/payment")
                                       for api in clients_of(race_app, guest_id, 2)])
        first.expect(200), second.expect(200)
        assert trade_of(first) == trade_of(second)
        open_trades = db.session.scalars(select(Payment.out_trade_no).where(
            Payment.order_id == order_id, Payment.status == PaymentStatus.STARTED.value)).all()
        assert open_trades == [trade_of(first)]
        assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 1
        db.session.remove()


def book_calls(app, guest_id: int, bodies: list[dict]):
    return [lambda api=api, body=body: api.post("/orders", json=body)
            for api, body in zip(clients_of(app, guest_id, len(bodies)), bodies, strict=True)]


def test_one_guest_booking_eight_houses_at_once_gets_three(race_app):
    guest = make_user()
    guest_id = guest.id
    houses = [make_house().id for _ in range(8)]
    db.session.remove()
    start = clock.today() + timedelta(days=20)
    bodies = [{"house_id": house_id, "start_date": start.isoformat(),
               "end_date": (start + timedelta(days=2)).isoformat()} for house_id in houses]
    responses = fire_together(book_calls(race_app, guest_id, bodies))
    statuses = Counter((r.status, r.errno) for r in responses)
    assert statuses == {(201, "0"): 3, (429, "4201"): 5}, [r.json for r in responses]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in responses if r.status == 429)
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.user_id == guest_id)) == 3


def test_one_guest_booking_one_house_six_times_at_once_gets_one(race_app):
    guest, house = make_user(), make_house()
    guest_id, house_id = guest.id, house.id
    db.session.remove()
    bodies = []
    for n in range(6):
        start = clock.today() + timedelta(days=40 + 3 * n)
        bodies.append({"house_id": house_id, "start_date": start.isoformat(),
                       "end_date": (start + timedelta(days=1)).isoformat()})
    responses = fire_together(book_calls(race_app, guest_id, bodies))
    assert Counter((r.status, r.errno) for r in responses) == {(201, "0"): 1, (429, "4201"): 5}
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.user_id == guest_id)) == 1

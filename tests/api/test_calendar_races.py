"""A host's block and a guest's booking of the same nights at once: never both (the house's calendar lock).

Real threads on a database of their own (SQLite or PostgreSQL, as under test), as in test_booking_races.py:
each round fires the block and the booking together; exactly one wins, and the database then holds either
the order or the block over those nights, never both.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import event, func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses import calendar
from ihome.houses.calendar_models import HouseBlock
from ihome.orders.models import Order
from tests.api.test_booking_races import clients_of, fire_together, race_app  # noqa: F401 - the fixture
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

ROUNDS = 8


def test_a_block_and_a_booking_of_the_same_nights_never_both_succeed(race_app):  # noqa: F811
    host = make_user(verified=True)
    house = make_house(owner=host)
    host_id, house_id = host.id, house.id
    guests = [make_user().id for _ in range(ROUNDS)]
    db.session.remove()
    outcomes: Counter = Counter()
    for n, guest_id in enumerate(guests):
        start = clock.today() + timedelta(days=10 + 4 * n)
        body = {"start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat()}
        [host_api], [guest_api] = clients_of(race_app, host_id, 1), clients_of(race_app, guest_id, 1)
        blocked, booked = fire_together([
            lambda host_api=host_api, body=body: host_api.put(f"/houses/{house_id}/calendar/blocks",
                                                              json={**body, "blocked": True}),
            lambda guest_api=guest_api, body=body: guest_api.post("/orders", json={"house_id": house_id, **body}),
        ])
        results = {(blocked.status, blocked.errno), (booked.status, booked.errno)}
        assert results in ({(200, "0"), (400, "4103")}, {(409, "4004"), (201, "0")}), (blocked.json, booked.json)
        outcomes["block" if blocked.status == 200 else "booking"] += 1
        orders = db.session.scalar(select(func.count()).select_from(Order).where(
            Order.house_id == house_id, Order.start_date == start)) or 0
        blocks = db.session.scalar(select(func.count()).select_from(HouseBlock).where(
            HouseBlock.house_id == house_id, HouseBlock.start_date == start)) or 0
        assert (orders, blocks) == ((0, 1) if blocked.status == 200 else (1, 0))
        db.session.remove()
    assert sum(outcomes.values()) == ROUNDS


def test_the_block_takes_the_booking_lock_before_it_looks_at_the_bookings(app_ctx):
    house = make_house()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(" ".join(statement.lower().split()))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        start = clock.today() + timedelta(days=3)
        calendar.set_blocked(house_id=house.id, user_id=house.user_id, start_date=start,
                             end_date=start + timedelta(days=1), blocked=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    lock = next(i for i, sql in enumerate(statements)  # SQLite: a write; PostgreSQL: a row lock
                if sql.startswith("update ih_house set booking_version")
                or sql.endswith("for no key update of ih_house"))
    booked_check = next(i for i, sql in enumerate(statements) if sql.startswith("select") and "from ih_order" in sql)
    insert = next(i for i, sql in enumerate(statements) if sql.startswith("insert into ih_house_block"))
    assert lock < booked_check < insert
    assert not [sql for sql in statements[:lock] if sql.startswith(("insert", "update", "delete"))]

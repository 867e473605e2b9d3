"""Races on publication, with real threads on a real database of its own (SQLite or PostgreSQL, as under test):
the guest's stars join the house's rating exactly once however the two reviews and the window-close job
interleave.

(a) The guest's review and the host's review of the guest at once, 8 stays: every stay is public and the
    house counts each guest's stars once.
(b) A guest's late review and the window-close job at once, 8 stays: the same.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.reviews import tasks
from tests.api import test_booking_races
from tests.api.test_booking_races import clients_of, fire_together
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

ROUNDS = 8
FINE, LATE = {"comment": "Fine", "rating": 4}, {"comment": "Late", "rating": 3}
race_app = test_booking_races.race_app  # the same fixture: a fresh database, thread-local sessions


def stays(*, ended_days_ago: int):
    """``ROUNDS`` finished stays of one guest in one house, awaiting reviews; (host id, guest id, house id, ids)."""
    host, guest = make_user(verified=True), make_user()
    house = make_house(owner=host)
    last_end = clock.today() - timedelta(days=ended_days_ago)
    ids = [make_order(house=house, guest=guest, status=OrderStatus.WAIT_COMMENT, nights=1,  # back to back
                      start=last_end - timedelta(days=1 + n)).id for n in range(ROUNDS)]
    found = (host.id, guest.id, house.id, ids)
    db.session.remove()
    return found


def settled(house_id: int, ids: list[int]) -> tuple[int, int, int]:
    """(rating_sum, rating_count, stays still blind) as committed."""
    db.session.remove()
    house = db.session.get(House, house_id)
    blind = db.session.scalar(select(func.count()).select_from(Order)
                              .where(Order.id.in_(ids), Order.reviews_public_at.is_(None)))
    return house.rating_sum, house.rating_count, blind


def test_both_reviews_at_once_count_the_stars_once(race_app):
    host_id, guest_id, house_id, ids = stays(ended_days_ago=1)
    for order_id in ids:
        [guest_api], [host_api] = clients_of(race_app, guest_id, 1), clients_of(race_app, host_id, 1)
        first, second = fire_together([
            lambda api=guest_api, oid=order_id: api.put(f"/orders/{oid}/comment", json=FINE),
            lambda api=host_api, oid=order_id: api.put(f"/orders/{oid}/guest_review",
                                                       json={"rating": 5, "comment": "Kind"}),
        ])
        first.expect(200), second.expect(200)
    assert settled(house_id, ids) == (4 * ROUNDS, ROUNDS, 0)


def test_a_late_review_and_the_job_at_once_count_the_stars_once(race_app):
    _host_id, guest_id, house_id, ids = stays(ended_days_ago=20)

    def job() -> int:
        with race_app.app_context():
            return tasks.publish_closed_windows()

    for order_id in ids:
        [guest_api] = clients_of(race_app, guest_id, 1)
        review, _published = fire_together([
            lambda api=guest_api, oid=order_id: api.put(f"/orders/{oid}/comment", json=LATE),
            job])
        review.expect(200)
    assert settled(house_id, ids) == (3 * ROUNDS, ROUNDS, 0)

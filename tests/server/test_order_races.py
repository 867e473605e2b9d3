"""Races against the real multi-process server (gunicorn 2 workers x 4 threads), on SQLite and PostgreSQL.

(a) 50 guests book the same nights at once: exactly one 201, 49 x 409, no 5xx, one row.
(b) a host's accept (or reject) races the guest's cancel, 20 times: exactly one takes the order out of
    WAIT_ACCEPT, the loser gets 409, and the event log agrees with the responses and the final state.
(c) two runs of each expiry job at once, on an injected clock: every transition applies exactly once.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.orders import jobs
from ihome.orders.models import Order, OrderEvent, OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import add_event, make_order
from tests.support.orders_fixtures import live_session

pytestmark = pytest.mark.server
S = OrderStatus
GUESTS = 50
ROUNDS = 20


def fire_together(calls):
    """Run the callables at the same moment (a barrier), each in its own thread; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def errno_of(response) -> str | None:
    try:
        return response.json().get("errno")
    except ValueError:
        return None


def test_fifty_guests_booking_the_same_nights_get_exactly_one_order(live, live_app):
    house = make_house(price=30000)
    house_id = house.id
    guests = [SimpleNamespace(id=u.id, mobile=u.mobile) for u in (make_user() for _ in range(GUESTS))]
    with ThreadPoolExecutor(max_workers=8) as pool:  # logins hash passwords: do them in parallel
        sessions = list(pool.map(lambda guest: live_session(live, guest), guests))
    start = clock.today() + timedelta(days=30)
    body = {"house_id": house_id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=3)).isoformat()}

    responses = fire_together([
        (lambda http=http: http.post(live.url + "/api/v1.0/orders", json=body, timeout=60)) for http in sessions
    ])

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: GUESTS - 1}, (statuses, [r.text for r in responses if r.status_code >= 500])
    assert {errno_of(r) for r in responses if r.status_code == 409} == {"4004"}
    db.session.rollback()
    rows = db.session.scalars(select(Order).where(Order.house_id == house_id)).all()
    assert len(rows) == 1
    winner = next(r for r in responses if r.status_code == 201)
    assert rows[0].id == winner.json()["data"]["order_id"]
    assert (rows[0].days, rows[0].amount, rows[0].status) == (3, 94500, S.WAIT_ACCEPT)  # 3 × 300 yuan + the 5 % fee


def race_rounds(live, *, host_body: dict):
    """ROUNDS orders in WAIT_ACCEPT; for each, the host's ``host_body`` and the guest's cancel fire at once.

    Yields (order_id, host response, guest response, final status, [(from, to, actor)] events).
    """
    host, guest = make_user(verified=True), make_user()
    house = make_house(owner=host)
    orders = [make_order(house=house, guest=guest, start=clock.today() + timedelta(days=10 + 3 * n), nights=2).id
              for n in range(ROUNDS)]
    host_actor, guest_actor = f"user:{host.id}", f"user:{guest.id}"
    host_http, guest_http = live_session(live, host), live_session(live, guest)
    for order_id in orders:
        url = f"{live.url}/api/v1.0/orders/{order_id}/status"
        host_response, guest_response = fire_together([
            lambda url=url: host_http.put(url, json=host_body, timeout=60),
            lambda url=url: guest_http.put(url, json={"action": "cancel"}, timeout=60),
        ])
        db.session.rollback()
        final = db.session.get(Order, order_id).status
        events = [(e.from_status, e.to_status, "host" if e.actor == host_actor else "guest" if e.actor == guest_actor
                   else e.actor)
                  for e in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id)
                                              .order_by(OrderEvent.id))]
        yield order_id, host_response, guest_response, final, events


def test_accept_racing_cancel_has_exactly_one_winner_every_time(live, live_app):
    """Exactly one of the two takes the order out of WAIT_ACCEPT; the loser gets 409/4004.

    The one legal way for both to succeed is in sequence: the accept commits before the guest's
    request even reads the order, and the guest then cancels an accepted (WAIT_PAYMENT) booking,
    which the contract allows. Never does a cancel of WAIT_ACCEPT and an accept both apply.
    """
    for _order_id, accept, cancel, final, events in race_rounds(live, host_body={"action": "accept"}):
        codes = (accept.status_code, cancel.status_code)
        assert codes in {(200, 409), (409, 200), (200, 200)}, (accept.text, cancel.text)
        for loser in (r for r in (accept, cancel) if r.status_code == 409):
            assert errno_of(loser) == "4004"
        if codes == (200, 409):
            assert (final, events) == (S.WAIT_PAYMENT, [(S.WAIT_ACCEPT, S.WAIT_PAYMENT, "host")])
        elif codes == (409, 200):
            assert (final, events) == (S.CANCELED, [(S.WAIT_ACCEPT, S.CANCELED, "guest")])
        else:  # one after the other, never both from WAIT_ACCEPT
            assert (final, events) == (S.CANCELED, [(S.WAIT_ACCEPT, S.WAIT_PAYMENT, "host"),
                                                    (S.WAIT_PAYMENT, S.CANCELED, "guest")])
        assert len([e for e in events if e[0] == S.WAIT_ACCEPT]) == 1


def test_reject_racing_cancel_has_exactly_one_winner_every_time(live, live_app):
    """Both only apply to WAIT_ACCEPT, so in any timing exactly one wins and the other gets 409/4004."""
    for _order_id, reject, cancel, final, events in race_rounds(
            live, host_body={"action": "reject", "reason": "busy"}):
        assert sorted([reject.status_code, cancel.status_code]) == [200, 409], (reject.text, cancel.text)
        loser = reject if reject.status_code == 409 else cancel
        assert errno_of(loser) == "4004"
        expected = (S.REJECTED, "host") if reject.status_code == 200 else (S.CANCELED, "guest")
        assert final == expected[0]
        assert events == [(S.WAIT_ACCEPT, expected[0], expected[1])]


@pytest.mark.parametrize(("job", "status", "setup_hours"), [
    (jobs.expire_unanswered, S.WAIT_ACCEPT, 25),
    (jobs.expire_unpaid, S.WAIT_PAYMENT, 3),
    (jobs.finish_stays, S.PAID, 0),
])
def test_two_runs_of_a_job_at_once_apply_each_transition_once(live, live_app, job, status, setup_hours):
    """Orders are made now; the jobs run on a clock moved into the future (the live beat never sees them due)."""
    application = live_app
    base = clock.today() + timedelta(days=400)
    later = max(datetime.now(UTC) + timedelta(hours=setup_hours, minutes=5),
                datetime.combine(base + timedelta(days=40), datetime.min.time(), UTC))
    job(now=later)  # first clear what other tests left due at that time, so only ours remain
    house = make_house()
    orders = [make_order(house=house, status=status, start=base + timedelta(days=2 * n), nights=1) for n in range(12)]
    ids = [o.id for o in orders]
    if status is S.WAIT_PAYMENT:
        for order in orders:
            add_event(order=order, from_status=S.WAIT_ACCEPT, to_status=S.WAIT_PAYMENT, commit=False)
        db.session.commit()

    def run() -> int:
        with application.app_context():
            return job(now=later)

    applied = fire_together([run, run])

    assert sum(applied) == len(ids)
    db.session.rollback()
    final = db.session.scalars(select(Order.status).where(Order.id.in_(ids))).all()
    target = S.WAIT_COMMENT if status is S.PAID else S.CANCELED
    assert set(final) == {target}
    system_events = db.session.execute(
        select(OrderEvent.order_id, func.count()).where(OrderEvent.order_id.in_(ids), OrderEvent.actor.like("system:%"))
        .group_by(OrderEvent.order_id)
    ).all()
    assert sorted(system_events) == [(order_id, 1) for order_id in sorted(ids)]

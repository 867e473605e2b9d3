"""Payouts made by the beat job with the clock moved: none the day before check-in + 1 day, one that
day, still one after a second run, none for a stay cancelled before; the amount is the order's stored
``host_payout`` (odd fen included), never recomputed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from ihome.core import clock
from ihome.orders.models import OrderStatus
from ihome.payments.models import Payout
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.payments_fixtures import run_task

S = OrderStatus
CHECK_IN = date(2030, 3, 10)


def at_shanghai(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """That moment in Asia/Shanghai (UTC+8), as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def payouts(db) -> list[tuple[int, int, int, str, date]]:
    db.session.expire_all()
    return [(p.order_id, p.host_id, p.amount, p.status, p.due_date)
            for p in db.session.scalars(select(Payout).order_by(Payout.id))]


def run_job(app, moment: datetime) -> int:
    with clock.frozen(moment):
        return run_task(app, "ihome.payments.create_payouts")


@pytest.fixture
def paid_stay(app_ctx):
    """A paid 3-night stay at 333.33 a night: host_payout 99999 − 3000 commission = 96999 fen (odd)."""
    house = make_house(price=33333)
    order = make_order(house=house, status=S.PAID, start=CHECK_IN, nights=3)
    assert (order.subtotal, order.commission, order.host_payout) == (99999, 3000, 96999)
    return order


def test_a_payout_is_made_from_the_day_after_check_in_once(app, db, paid_stay):
    order = paid_stay
    assert run_job(app, at_shanghai(CHECK_IN, 23, 59)) == 0  # check-in day, late evening: not yet
    assert payouts(db) == []
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=1))) == 1  # midnight in Shanghai: due
    expected = [(order.id, order.house.user_id, 96999, "pending", CHECK_IN + timedelta(days=1))]
    assert payouts(db) == expected
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=2))) == 0  # twice: still one
    assert payouts(db) == expected


def test_the_amount_is_the_stored_host_payout_not_a_recomputation(app, db, app_ctx):
    house = make_house(price=10001)
    order = make_order(house=house, status=S.WAIT_COMMENT, start=CHECK_IN, nights=1, host_payout=4321)
    run_job(app, at_shanghai(CHECK_IN + timedelta(days=5)))
    assert [(p[0], p[2]) for p in payouts(db)] == [(order.id, 4321)]


@pytest.mark.parametrize("status", [S.CANCELED, S.REJECTED, S.WAIT_PAYMENT, S.WAIT_ACCEPT])
def test_a_stay_that_was_not_paid_or_was_cancelled_gets_none(app, db, app_ctx, status):
    make_order(house=make_house(), status=status, start=CHECK_IN)
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=3))) == 0
    assert payouts(db) == []


def test_finished_and_reviewed_stays_get_theirs_too(app, db, app_ctx):
    house = make_house(price=20000)
    done = [make_order(house=house, status=status, start=CHECK_IN + timedelta(days=4 * n))
            for n, status in enumerate((S.PAID, S.WAIT_COMMENT, S.COMPLETE))]
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=30))) == 3
    assert sorted(p[0] for p in payouts(db)) == sorted(order.id for order in done)


def test_a_cancel_before_the_day_leaves_no_payout(app, db, paid_stay):
    from ihome.orders.transitions import apply_transition

    with clock.frozen(at_shanghai(CHECK_IN - timedelta(days=3), 12)):
        assert apply_transition(order_id=paid_stay.id, action="admin_cancel", actor="admin:1") == S.PAID
        db.session.commit()
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=1), 9)) == 0
    assert payouts(db) == []


def test_an_administrators_late_cancel_takes_the_pending_payout_away_not_a_paid_one(app, db, paid_stay):
    from ihome.orders.transitions import apply_transition

    other = make_order(house=paid_stay.house, status=S.PAID, start=CHECK_IN + timedelta(days=5), nights=1)
    run_job(app, at_shanghai(CHECK_IN + timedelta(days=7)))
    assert len(payouts(db)) == 2
    db.session.execute(update(Payout).where(Payout.order_id == other.id).values(status="paid"))
    for order in (paid_stay, other):  # cancelled mid-stay by an administrator, refunded in full
        assert apply_transition(order_id=order.id, action="admin_cancel", actor="admin:1") == S.PAID
    db.session.commit()
    assert [(p[0], p[3]) for p in payouts(db)] == [(other.id, "paid")]
    assert run_job(app, at_shanghai(CHECK_IN + timedelta(days=8))) == 0  # cancelled: never made again

"""Host and guest actions: roles, states, the refund of a paid cancel, notices, lists (reviews: tests/unit/reviews)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound
from ihome.orders import service
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.transitions import apply_transition
from ihome.payments import service as payments
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


@pytest.fixture
def parties(app_ctx, db):
    """(host, guest, house) with nothing booked yet."""
    host, guest = make_user(verified=True), make_user()
    return host, guest, make_house(owner=host, title="Hutong Loft")


def events(db, order_id: int) -> list[tuple]:
    return [(e.from_status, e.to_status, e.actor) for e in db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id))]


def test_host_accepts(parties, texts, db):
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    assert service.change_status(user_id=host.id, order_id=order.id, action="accept").status == S.WAIT_PAYMENT
    db.session.commit()
    assert events(db, order.id) == [(S.WAIT_ACCEPT, S.WAIT_PAYMENT, f"user:{host.id}")]
    [text] = texts
    assert text[0] == guest.mobile and "Hutong Loft" in text[1]


def test_host_rejects_with_a_reason_that_reaches_the_guest(parties, texts, db):
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    result = service.change_status(user_id=host.id, order_id=order.id, action="reject", reason="  renovating  ")
    db.session.commit()
    assert (result.status, result.reject_reason) == (S.REJECTED, "renovating")
    [text] = texts
    assert text[0] == guest.mobile and "renovating" in text[1]


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_reject_needs_a_reason_of_1_to_500_characters(parties, texts, db, reason):
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    with pytest.raises(Invalid) as error:
        service.change_status(user_id=host.id, order_id=order.id, action="reject", reason=reason)
    assert "reason" in error.value.fields
    assert db.session.get(Order, order.id).status == S.WAIT_ACCEPT


@pytest.mark.parametrize("status", [S.WAIT_ACCEPT, S.WAIT_PAYMENT])
def test_guest_cancels_an_unpaid_booking(parties, texts, db, status):
    host, guest, house = parties
    order = make_order(house=house, guest=guest, status=status)
    assert service.change_status(user_id=guest.id, order_id=order.id, action="cancel").status == S.CANCELED
    db.session.commit()
    assert events(db, order.id) == [(status, S.CANCELED, f"user:{guest.id}")]
    assert texts == []  # the guest did it: no text


def test_guest_cancels_a_paid_stay_before_check_in_with_a_refund(parties, texts, db, monkeypatch):
    host, guest, house = parties
    refunded = []
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda *, order_id, **_: refunded.append(order_id))
    order = make_order(house=house, guest=guest, status=S.PAID, start=clock.today() + timedelta(days=1))
    assert service.change_status(user_id=guest.id, order_id=order.id, action="cancel").status == S.CANCELED
    db.session.commit()
    assert refunded == [order.id]
    assert events(db, order.id) == [(S.PAID, S.CANCELED, f"user:{guest.id}")]


@pytest.mark.parametrize("start_in", [0, -1])
def test_paid_stay_cannot_be_cancelled_on_or_after_check_in(parties, texts, db, monkeypatch, start_in):
    host, guest, house = parties
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: pytest.fail("no refund"))
    order = make_order(house=house, guest=guest, status=S.PAID, start=clock.today() + timedelta(days=start_in))
    with pytest.raises(Conflict):
        service.change_status(user_id=guest.id, order_id=order.id, action="cancel")
    assert db.session.get(Order, order.id).status == S.PAID


@pytest.mark.parametrize(("action", "states"), [
    ("accept", [S.WAIT_PAYMENT, S.PAID, S.WAIT_COMMENT, S.COMPLETE, S.CANCELED, S.REJECTED]),
    ("reject", [S.WAIT_PAYMENT, S.PAID, S.WAIT_COMMENT, S.COMPLETE, S.CANCELED, S.REJECTED]),
    ("cancel", [S.WAIT_COMMENT, S.COMPLETE, S.CANCELED, S.REJECTED]),
])
def test_actions_in_a_wrong_state_conflict_and_change_nothing(parties, texts, db, action, states):
    host, guest, house = parties
    actor = guest if action == "cancel" else host
    for n, status in enumerate(states):
        order = make_order(house=house, guest=guest, status=status, start=clock.today() + timedelta(days=30 + 5 * n))
        with pytest.raises(Conflict):
            service.change_status(user_id=actor.id, order_id=order.id, action=action, reason="r")
        assert db.session.get(Order, order.id).status == status
        assert events(db, order.id) == []


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_only_the_host_answers(parties, texts, db, action):
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    for intruder in (guest, make_user()):
        with pytest.raises(Forbidden):
            service.change_status(user_id=intruder.id, order_id=order.id, action=action, reason="r")


def test_only_the_guest_cancels(parties, texts, db):
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    for intruder in (host, make_user()):
        with pytest.raises(Forbidden):
            service.change_status(user_id=intruder.id, order_id=order.id, action="cancel")


def test_unknown_order_is_not_found(parties, texts, db):
    host, _, _ = parties
    with pytest.raises(NotFound):
        service.change_status(user_id=host.id, order_id=999999, action="accept")


def test_cancel_loses_when_the_host_accepted_after_the_guest_looked(parties, texts, db, monkeypatch):
    """The race, replayed in order: the guest's request saw WAIT_ACCEPT, the host's accept lands first."""
    host, guest, house = parties
    order = make_order(house=house, guest=guest)
    real_apply = service.apply_transition

    def host_first(**kwargs):
        apply_transition(order_id=order.id, action="accept", actor=f"user:{host.id}")
        return real_apply(**kwargs)

    monkeypatch.setattr(service, "apply_transition", host_first)
    with pytest.raises(Conflict):
        service.change_status(user_id=guest.id, order_id=order.id, action="cancel")
    db.session.commit()
    assert db.session.get(Order, order.id).status == S.WAIT_PAYMENT
    assert events(db, order.id) == [(S.WAIT_ACCEPT, S.WAIT_PAYMENT, f"user:{host.id}")]


def test_lists_by_role_newest_first(parties, texts, db):
    host, guest, house = parties
    other_house = make_house(owner=host)
    with clock.frozen(datetime(2020, 1, 1, tzinfo=UTC)):
        older = make_order(house=house, guest=guest, start=clock.today() + timedelta(days=400))
    newer = make_order(house=other_house, guest=guest)
    strangers = make_order(house=make_house())
    mine = service.list_orders(user_id=guest.id, role="custom")
    assert [o["order_id"] for o in mine] == [newer.id, older.id]
    assert [o["order_id"] for o in service.list_orders(user_id=host.id, role="landlord")] == [newer.id, older.id]
    assert service.list_orders(user_id=host.id, role="custom") == []
    assert strangers.id not in [o["order_id"] for o in mine]
    assert mine[1]["title"] == "Hutong Loft" and mine[1]["amount"] == older.amount
    with pytest.raises(Invalid):
        service.list_orders(user_id=guest.id, role="admin")

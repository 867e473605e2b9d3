"""The state machine table and its guarded, atomic application."""

import pytest
from sqlalchemy import select

from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.transitions import TRANSITIONS, apply_transition
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


@pytest.mark.parametrize(("action", "source", "target"), [
    ("accept", S.WAIT_ACCEPT, S.WAIT_PAYMENT),
    ("reject", S.WAIT_ACCEPT, S.REJECTED),
    ("cancel", S.WAIT_ACCEPT, S.CANCELED),
    ("cancel", S.WAIT_PAYMENT, S.CANCELED),
    ("cancel_paid", S.PAID, S.CANCELED),
    ("pay", S.WAIT_PAYMENT, S.PAID),
    ("expire_unanswered", S.WAIT_ACCEPT, S.CANCELED),
    ("expire_unpaid", S.WAIT_PAYMENT, S.CANCELED),
    ("finish_stay", S.PAID, S.WAIT_COMMENT),
    ("comment", S.WAIT_COMMENT, S.COMPLETE),
])
def test_allowed_transition_applies_and_is_logged(app_ctx, db, action, source, target):
    order = make_order(house=make_house(), status=source)
    assert apply_transition(order_id=order.id, action=action, actor="user:1") == source
    db.session.commit()
    assert db.session.get(Order, order.id).status == target
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).one()
    assert (event.from_status, event.to_status, event.actor) == (source, target, "user:1")


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_transition_from_any_other_state_is_refused_and_changes_nothing(app_ctx, db, action):
    for status in set(S) - TRANSITIONS[action].sources:
        order = make_order(house=make_house(), status=status)
        assert apply_transition(order_id=order.id, action=action, actor="user:1") is None
        db.session.commit()
        assert db.session.get(Order, order.id).status == status
        assert db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all() == []


def test_second_of_two_competing_actions_loses(app_ctx, db):
    order = make_order(house=make_house(), status=S.WAIT_ACCEPT)
    assert apply_transition(order_id=order.id, action="accept", actor="user:1") == S.WAIT_ACCEPT
    assert apply_transition(order_id=order.id, action="reject", actor="user:1") is None
    db.session.commit()
    assert db.session.get(Order, order.id).status == S.WAIT_PAYMENT


def test_values_are_set_in_the_same_update(app_ctx, db):
    order = make_order(house=make_house(), status=S.WAIT_ACCEPT)
    apply_transition(order_id=order.id, action="reject", actor="user:1", values={"reject_reason": "busy"})
    db.session.commit()
    assert db.session.get(Order, order.id).reject_reason == "busy"

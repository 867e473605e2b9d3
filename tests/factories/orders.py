"""Orders in any state, inserted directly (the booking rules are tested through the service)."""

from __future__ import annotations

from datetime import date, timedelta

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.money import stay_quote
from tests.factories.accounts import make_user


def make_order(*, house, guest=None, start: date | None = None, nights: int = 2,
               status: OrderStatus = OrderStatus.WAIT_ACCEPT, commit: bool = True, **fields) -> Order:
    """An order of ``guest`` (a new user by default) for ``house`` from ``start`` (tomorrow by default)."""
    guest = guest or make_user()
    start = start or clock.today() + timedelta(days=1)
    money = stay_quote(price=house.price, nights=nights).order_columns()
    money.update({k: fields.pop(k) for k in list(fields) if k in money})
    fields.setdefault("cancellation_policy", house.cancellation_policy or "moderate")  # copied at booking time
    if fields.get("comment") is not None:  # a review made by a factory is public, as every review was before 0012
        fields.setdefault("comment_time", clock.now())
        fields.setdefault("reviews_public_at", clock.now())
    order = Order(user_id=guest.id, house_id=house.id, start_date=start, end_date=start + timedelta(days=nights),
                  days=nights, house_price=house.price, status=status.value, **money, **fields)
    db.session.add(order)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return order


def add_event(*, order, from_status: OrderStatus | None, to_status: OrderStatus, actor: str = "test",
              commit: bool = True) -> OrderEvent:
    """A transition event for an order made by ``make_order`` (its history, e.g. when it was accepted)."""
    event = OrderEvent(order_id=order.id, from_status=from_status.value if from_status else None,
                       to_status=to_status.value, actor=actor)
    db.session.add(event)
    if commit:
        db.session.commit()
    return event

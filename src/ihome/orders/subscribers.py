"""What the orders domain does when the payments domain tells it something (domain events).

A verified payment moves the order to PAID through the one guarded transition (ten copies of a
notice make one transition) and texts guest and host; a confirmed refund texts the guest the
amount. Payments imports orders, never the other way round.
"""

from __future__ import annotations

from typing import Any

from ihome.core.events import house_stays_requested, house_taken_requested, payment_succeeded, refund_succeeded
from ihome.extensions import db
from ihome.orders.house_parts import on_house_stays, on_house_taken
from ihome.orders.models import Order
from ihome.orders.texts import notify_paid, notify_refunded
from ihome.orders.transitions import apply_transition


def on_payment_succeeded(_sender: Any, *, order_id: int, actor: str, out_trade_no: str, **_kwargs: Any) -> bool:
    """Receiver of ``payment_succeeded``: True when the order took the money (WAIT_PAYMENT → PAID)."""
    if apply_transition(order_id=order_id, action="pay", actor=actor, note=out_trade_no) is None:
        return False
    order = db.session.get(Order, order_id)
    if order is not None:
        notify_paid(order)
    return True


def on_refund_succeeded(_sender: Any, *, order_id: int, amount: int, **_kwargs: Any) -> None:
    """Receiver of ``refund_succeeded``: the guest hears what came back."""
    order = db.session.get(Order, order_id)
    if order is not None and amount > 0:
        notify_refunded(order, amount)


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    payment_succeeded.connect(on_payment_succeeded)
    refund_succeeded.connect(on_refund_succeeded)
    house_taken_requested.connect(on_house_taken)
    house_stays_requested.connect(on_house_stays)

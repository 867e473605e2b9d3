"""What the payments domain does when the orders domain tells it something (domain events).

A cancel that gives money back (``order_changed`` with a ``refund``) becomes a refund of the order's
payments, and a cancelled stay's pending payout goes; an order's detail gets its refund from here.
The orders domain never imports payments.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ihome.core.events import order_changed, order_detail_requested
from ihome.extensions import db
from ihome.houses.presenters import money
from ihome.orders.models import Order, OrderStatus
from ihome.payments import payouts, service
from ihome.payments.models import Payment, Refund, RefundStatus

FULL_REFUNDS = frozenset({"host_cancel", "admin_cancel"})


def on_order_changed(_sender: Any, *, order_id: int, action: str, to_status: str | None = None,
                     note: str | None = None, refund: int | None = None, **_kwargs: Any) -> None:
    """Receiver of ``order_changed``: refund what the cancel gives back (once per payment).

    A host's or an administrator's cancel gives back everything: all the order's payments are refunded.
    """
    if to_status == OrderStatus.CANCELED:
        payouts.drop_pending(order_id=order_id)
    if not refund or refund <= 0:
        return
    if action in FULL_REFUNDS:
        service.refund_cancelled_order(order_id=order_id, reason=_reason(order_id, action, note))
    else:
        service.refund_cancelled_order(order_id=order_id, amount=refund, reason=_reason(order_id, action, note))


def _reason(order_id: int, action: str, note: str | None) -> str:
    if action == "cancel_paid":
        order = db.session.get(Order, order_id)
        policy = order.cancellation_policy if order is not None else "?"
        return f"cancelled by the guest ({policy} policy)"
    if action == "host_cancel":
        return "cancelled by the host before check-in"
    if action == "admin_cancel":
        return f"cancelled by iHome: {note or ''}"[:255]
    return f"order {action}"


def on_order_detail(_sender: Any, *, order_id: int, **_kwargs: Any) -> dict[str, Any]:
    """Receiver of ``order_detail_requested``: the order's ``refund``."""
    return {"refund": refund_summary(order_id)}


def refund_summary(order_id: int) -> dict[str, Any] | None:
    """The order's refund: the sum of its refunds, PENDING while any is, FAILED if any failed; else None."""
    rows = db.session.execute(select(Refund.amount, Refund.status).join(Payment, Payment.id == Refund.payment_id)
                              .where(Payment.order_id == order_id)).all()
    if not rows:
        return None
    statuses = {status for _amount, status in rows}
    status = next((s.value for s in (RefundStatus.FAILED, RefundStatus.PENDING) if s.value in statuses),
                  RefundStatus.SUCCEEDED.value)
    amount = sum(amount for amount, _status in rows)
    return {"amount": amount, "amount_display": money(amount), "status": status}


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    order_changed.connect(on_order_changed)
    order_detail_requested.connect(on_order_detail)

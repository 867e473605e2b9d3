"""The order state machine: one table of allowed transitions, one function that applies them.

A transition is applied with ``UPDATE ih_order SET status = :to WHERE id = :id AND status IN (:from)``.
The database decides: of two concurrent actions on one order (accept racing cancel), exactly one
updates a row and the other sees 0 rows and loses. Every applied transition writes an OrderEvent
in the same transaction, so the event log always agrees with the final state, and sends the
``order_changed`` domain event (the payments domain refunds what a cancel gives back).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Insert, insert, update

from ihome.core.clock import now
from ihome.core.db import table_of
from ihome.core.events import order_changed
from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus


@dataclass(frozen=True)
class Transition:
    """``action`` moves an order from any of ``sources`` to ``target``; ``role`` says who may ask."""

    action: str
    sources: frozenset[OrderStatus]
    target: OrderStatus
    role: str  # "host", "guest" or "system"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", frozenset({S.WAIT_ACCEPT}), S.WAIT_PAYMENT, "host"),
        Transition("reject", frozenset({S.WAIT_ACCEPT}), S.REJECTED, "host"),
        Transition("cancel", frozenset({S.WAIT_ACCEPT, S.WAIT_PAYMENT}), S.CANCELED, "guest"),
        Transition("cancel_paid", frozenset({S.PAID}), S.CANCELED, "guest"),
        # the host calls off an accepted or paid stay before check-in: a paid one is refunded in full
        Transition("host_cancel", frozenset({S.WAIT_PAYMENT, S.PAID}), S.CANCELED, "host"),
        Transition("pay", frozenset({S.WAIT_PAYMENT}), S.PAID, "system"),
        Transition("expire_unanswered", frozenset({S.WAIT_ACCEPT}), S.CANCELED, "system"),
        Transition("expire_unpaid", frozenset({S.WAIT_PAYMENT}), S.CANCELED, "system"),
        Transition("finish_stay", frozenset({S.PAID}), S.WAIT_COMMENT, "system"),
        Transition("comment", frozenset({S.WAIT_COMMENT}), S.COMPLETE, "guest"),
        # an administrator's cancel (back office, or a suspended account's bookings): paid ones refunded in full
        Transition("admin_cancel", frozenset({S.WAIT_ACCEPT, S.WAIT_PAYMENT, S.PAID}), S.CANCELED, "admin"),
    )
}


def apply_transition(*, order_id: int, action: str, actor: str, note: str | None = None,
                     values: dict[str, Any] | None = None, extra_where: Any = None,
                     refund: int | None = None) -> OrderStatus | None:
    """Apply ``action`` to the order atomically; returns the status it left, or None if not allowed now.

    Each source state is tried with its own guarded UPDATE (``WHERE status = :source``), so the event
    records exactly the state the order left, and a concurrent change makes the UPDATE match nothing.
    ``values`` are more columns set in the same UPDATE (a reject reason, a comment and rating);
    ``extra_where`` adds a condition (an expiry job's age cut-off); ``refund`` is what the guest gets
    back (fen, from ``orders.money``), carried by the ``order_changed`` event. The caller commits.
    """
    transition = TRANSITIONS[action]
    conditions = [extra_where] if extra_where is not None else []
    for source in sorted(transition.sources, key=_ORDER.index):
        result = db.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == source.value, *conditions)
            .values(status=transition.target.value, update_time=now(), **(values or {}))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            db.session.add(OrderEvent(order_id=order_id, from_status=source.value,
                                      to_status=transition.target.value, actor=actor, note=note))
            _expire_loaded(order_id)
            order_changed.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                               order_id=order_id, action=action, from_status=source, to_status=transition.target,
                               actor=actor, note=note, refund=refund)
            return source
    return None


# The life cycle's order: a multi-source transition tries the earlier state first.
_ORDER = [S.WAIT_ACCEPT, S.WAIT_PAYMENT, S.PAID, S.WAIT_COMMENT, S.COMPLETE, S.CANCELED, S.REJECTED]


def record_creation(*, order_id: int, actor: str) -> None:
    """The first event of an order: created in WAIT_ACCEPT (a Core insert, as the order's own; issue 14)."""
    db.session.execute(_creation_statement(), {"order_id": order_id, "to_status": S.WAIT_ACCEPT.value,
                                               "actor": actor})


@cache
def _creation_statement() -> Insert:
    return insert(table_of(OrderEvent))


def _expire_loaded(order_id: int) -> None:
    """Make an Order already loaded in this session re-read its new state on next access."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Order) and instance.id == order_id:
            db.session.expire(instance)

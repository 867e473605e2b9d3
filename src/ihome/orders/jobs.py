"""The time-driven transitions, run by Celery beat: expiry of unanswered and unpaid bookings, stay end.

Each job selects candidate ids, then applies the guarded transition to each id with ``extra_where``
re-checking the cut-off, and commits each order by itself. A second run at the same time (or a
second beat) finds the row already moved and skips it: every transition applies once, and the
jobs are idempotent. ``now`` is injected (default ``clock.now()``), so tests move time instead of
sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, literal, select

from ihome.core import clock
from ihome.core.db import UTCDateTime
from ihome.core.tasks import one_transaction_each
from ihome.extensions import db
from ihome.houses.cache import stays_changed
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.service import notify_guest
from ihome.orders.transitions import apply_transition

log = logging.getLogger(__name__)
S = OrderStatus


def expire_unanswered(*, now: datetime | None = None) -> int:
    """WAIT_ACCEPT bookings the host left unanswered for ACCEPT_TIMEOUT_HOURS → CANCELED."""
    now = now or clock.now()
    cutoff = _at(now - timedelta(hours=current_app.config["ACCEPT_TIMEOUT_HOURS"]))
    condition = Order.create_time < cutoff
    return _run("expire_unanswered", S.WAIT_ACCEPT, condition, on_applied=_free_and_tell(
        lambda order: _("iHome: your booking of %(title)s (%(start)s to %(end)s) was cancelled: the host did "
                        "not answer in time.", **_stay(order))))


def expire_unpaid(*, now: datetime | None = None) -> int:
    """WAIT_PAYMENT bookings unpaid PAYMENT_TIMEOUT_HOURS after acceptance → CANCELED."""
    now = now or clock.now()
    cutoff = _at(now - timedelta(hours=current_app.config["PAYMENT_TIMEOUT_HOURS"]))
    return _run("expire_unpaid", S.WAIT_PAYMENT, _accepted_at() < cutoff, on_applied=_free_and_tell(
        lambda order: _("iHome: your booking of %(title)s (%(start)s to %(end)s) was cancelled: it was not "
                        "paid in time.", **_stay(order))))


def finish_stays(*, now: datetime | None = None) -> int:
    """PAID stays whose check-out date has come → WAIT_COMMENT (the guest may now review)."""
    now = now or clock.now()
    today = now.astimezone(clock.marketplace_zone()).date()
    return _run("finish_stay", S.PAID, Order.end_date <= today, on_applied=None)


def _run(action: str, source: OrderStatus, condition: ColumnElement[bool],
         on_applied: Callable[[Order], None] | None) -> int:
    """Apply ``action`` to every order in ``source`` meeting ``condition``; one commit per order."""
    ids = db.session.scalars(
        select(Order.id).where(Order.status == source.value, condition).order_by(Order.id)
    ).all()

    def apply(order_id: int) -> bool:
        if not apply_transition(order_id=order_id, action=action, actor=f"system:{action}", extra_where=condition):
            return False
        order = db.session.get(Order, order_id) if on_applied is not None else None
        if on_applied is not None and order is not None:
            on_applied(order)
        return True

    applied = one_transaction_each(ids, apply, what=action)
    if applied:
        log.info("%s: %d order(s)", action, applied)
    return applied


def _accepted_at() -> ColumnElement[Any]:
    """When the order entered WAIT_PAYMENT (its accept event), else its last update."""
    accepted = (
        select(func.max(OrderEvent.create_time))
        .where(OrderEvent.order_id == Order.id, OrderEvent.to_status == S.WAIT_PAYMENT.value)
        .correlate(Order)
        .scalar_subquery()
    )
    return func.coalesce(accepted, Order.update_time, type_=UTCDateTime())


def _at(moment: datetime) -> ColumnElement[Any]:
    """A timestamp bound the way the columns store it (UTC; naive text on SQLite)."""
    return literal(moment, UTCDateTime())


def _stay(order: Order) -> dict[str, str]:
    return {"title": order.house.title, "start": order.start_date.isoformat(), "end": order.end_date.isoformat()}


def _free_and_tell(message: Callable[[Order], str]) -> Callable[[Order], None]:
    """After an automatic cancel: the nights are free again, and the guest is told why."""

    def applied(order: Order) -> None:
        stays_changed(db.session, order.house_id, order.start_date, order.end_date)
        with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
            body = message(order)
        notify_guest(order=order, body=body)

    return applied

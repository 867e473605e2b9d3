"""How many bookings one guest may hold at once: the rule that stops one account holding every house.

A guest may hold at most ``IHOME_MAX_PENDING_PER_GUEST`` orders waiting for an answer or a payment
(WAIT_ACCEPT, WAIT_PAYMENT), and at most one of them on any one house; past that, 429/4201 with a
``Retry-After`` of when the soonest of them expires unanswered or unpaid.

Race-safe: the check runs inside the booking transaction, in a statement after the one that locked
the guest's own user row (``SELECT ... FOR UPDATE``, taken with the house in
``ihome.orders.booking.booking_house``), so two bookings by one guest (even of different houses,
which the house lock does not serialise) are checked one after the other on PostgreSQL, and the
second sees the first's committed row (a statement started before the lock was granted would not).
On SQLite the booking's first write already holds the database's write lock, and ``FOR UPDATE`` is
not emitted. The guest's pending orders are read before the booking's own row is inserted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from ihome.core import clock
from ihome.core.errors import RateLimited
from ihome.orders.models import OrderStatus

PENDING_STATUSES = (OrderStatus.WAIT_ACCEPT.value, OrderStatus.WAIT_PAYMENT.value)


@dataclass(frozen=True)
class PendingOrder:
    """One of the guest's orders waiting for an answer or a payment."""

    house_id: int
    status: str
    create_time: datetime
    update_time: datetime


def check_pending(*, pending: Sequence[PendingOrder], house_id: int) -> None:
    """``RateLimited`` when the guest already holds a pending order of this house or too many pending orders.

    ``pending``: the guest's pending orders before this booking, read after the guest's row was locked
    (``ihome.orders.booking_reads``).
    """
    same_house = [row for row in pending if row.house_id == house_id]
    if same_house:
        raise RateLimited(_("You already have a booking request for this house waiting for an answer or a payment"),
                          retry_after=_seconds_until_free(same_house))
    limit = int(current_app.config["MAX_PENDING_PER_GUEST"])
    if len(pending) >= limit:
        raise RateLimited(_("You can have at most %(count)d bookings waiting for an answer or a payment",
                            count=limit), retry_after=_seconds_until_free(pending))


def _seconds_until_free(rows: Sequence[PendingOrder]) -> int:
    """Seconds until the soonest of these pending orders is cancelled by the expiry jobs (at least 1)."""
    config = current_app.config
    accept = timedelta(hours=int(config["ACCEPT_TIMEOUT_HOURS"]))
    pay = timedelta(hours=int(config["PAYMENT_TIMEOUT_HOURS"]))
    ends: list[datetime] = [
        (row.create_time + accept) if row.status == OrderStatus.WAIT_ACCEPT.value else (row.update_time + pay)
        for row in rows
    ]
    return max(1, int((min(ends) - clock.now()).total_seconds()))

"""Payouts: what each stay earns its host, owed from check-in + 1 day, marked paid by an administrator.

The beat job creates one ``Payout`` per PAID (or later finished) stay whose check-in + 1 day has come
(marketplace time zone, ``core.clock``), with the order's stored ``host_payout``: the money rules
were applied once, at booking time, by ``orders.money``; nothing here recomputes them. A stay
cancelled before that day is CANCELED and gets none. ``order_id`` is unique, so two runs (or two
beat processes) never create a second payout for a stay. A real transfer is out of scope: an
administrator marks a payout paid, and the row records who and when.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from ihome.core import clock
from ihome.core.errors import Conflict, Invalid, NotFound
from ihome.extensions import db
from ihome.houses.presenters import iso_utc, money
from ihome.orders.models import Order, OrderStatus
from ihome.payments.models import Payout, PayoutStatus

#: the states of a stay that was paid and not cancelled
EARNING_STATES = (OrderStatus.PAID.value, OrderStatus.WAIT_COMMENT.value, OrderStatus.COMPLETE.value)
DUE_AFTER = timedelta(days=1)  # a payout is owed from the day after check-in
BATCH = 500
PAGE_SIZE = 20
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_ID = 2**31 - 1


def due_order_ids(*, limit: int = BATCH) -> list[int]:
    """Stays owed a payout today and still without one, oldest check-in first."""
    last_check_in = clock.today() - DUE_AFTER
    return list(db.session.scalars(
        select(Order.id).where(Order.status.in_(EARNING_STATES), Order.start_date <= last_check_in,
                               ~exists().where(Payout.order_id == Order.id))
        .order_by(Order.start_date, Order.id).limit(limit)
    ))


def create_payout(*, order_id: int) -> bool:
    """The payout of one stay (True), or nothing when it has one already or is not owed one (False)."""
    order = db.session.get(Order, order_id)
    if order is None or order.status not in EARNING_STATES or order.start_date + DUE_AFTER > clock.today():
        return False
    payout = Payout(order_id=order.id, host_id=order.house.user_id, amount=order.host_payout,
                    status=PayoutStatus.PENDING.value, due_date=order.start_date + DUE_AFTER)
    try:
        with db.session.begin_nested():  # another run made it first: the unique order_id refuses this row
            db.session.add(payout)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def drop_pending(*, order_id: int) -> int:
    """A stay cancelled after its payout was made (an administrator's cancel, refunded in full) earns nothing:
    its pending payout goes; a paid one stays (the money has left: an operator settles it)."""
    return int(db.session.execute(
        delete(Payout).where(Payout.order_id == order_id, Payout.status == PayoutStatus.PENDING.value)
        .execution_options(synchronize_session=False)
    ).rowcount)  # type: ignore[attr-defined]


# ---- the host's earnings -----------------------------------------------------------------------------------

def parse_month(month: str | None) -> tuple[int, int] | None:
    """``YYYY-MM`` as (year, month); None for none; ``Invalid`` (4103, field month) otherwise."""
    if month is None or month == "":
        return None
    match = MONTH.match(month)
    if match is None:
        message = _("A month is written YYYY-MM, e.g. 2026-12")
        raise Invalid(message, fields={"month": [message]})
    return int(match.group(1)), int(match.group(2))


def host_earnings(*, host_id: int, month: str | None = None) -> dict[str, Any]:
    """``{months, payouts, pending, paid}`` of a host: per month of the due date, newest first; ``month``
    narrows ``payouts`` to that month (every payout when absent). Money in fen, with display strings."""
    wanted = parse_month(month)
    rows = list(db.session.scalars(select(Payout).where(Payout.host_id == host_id)
                                   .order_by(Payout.due_date.desc(), Payout.id.desc())))
    months: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row.due_date.strftime("%Y-%m")  # a payout counts in the month it is due
        entry = months.setdefault(key, {"month": key, "pending": 0, "paid": 0, "count": 0})
        entry["paid" if row.status == PayoutStatus.PAID.value else "pending"] += row.amount
        entry["count"] += 1
    shown = [row for row in rows if wanted is None or (row.due_date.year, row.due_date.month) == wanted]
    pending = sum(m["pending"] for m in months.values())
    paid = sum(m["paid"] for m in months.values())
    return {
        "months": [{**m, "pending_display": money(m["pending"]), "paid_display": money(m["paid"])}
                   for m in months.values()],
        "payouts": [payout_out(row) for row in shown],
        "pending": pending, "paid": paid, "pending_display": money(pending), "paid_display": money(paid),
    }


def payout_out(payout: Payout) -> dict[str, Any]:
    """A payout with its stay, as the host's page and the back office show it."""
    order = payout.order
    return {
        "payout_id": payout.id, "order_id": payout.order_id, "host_id": payout.host_id,
        "house_id": order.house_id, "title": order.house.title,
        "start_date": order.start_date, "end_date": order.end_date, "due_date": payout.due_date,
        "amount": payout.amount, "amount_display": money(payout.amount), "status": payout.status,
        "created_at": iso_utc(payout.create_time),
        "paid_at": iso_utc(payout.paid_at) if payout.paid_at is not None else None,
        "paid_by": payout.paid_by, "note": payout.note,
    }


# ---- the back office -----------------------------------------------------------------------------------------

def list_payouts(*, status: str | None = None, page: int = 1) -> dict[str, Any]:
    """``{payouts, total, total_page, current_page}``, oldest due first (what to pay next); ``status`` filters."""
    conditions = [Payout.status == status] if status else []
    total = db.session.scalar(select(func.count(Payout.id)).where(*conditions)) or 0
    rows = db.session.scalars(select(Payout).where(*conditions).order_by(Payout.due_date, Payout.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return {"payouts": [payout_out(row) for row in rows], "total": total,
            "total_page": (total + PAGE_SIZE - 1) // PAGE_SIZE, "current_page": page}


def mark_paid(*, admin_id: int, payout_id: int, note: str | None) -> Payout:
    """A pending payout becomes paid, recording who and when; ``Conflict`` if it already is (nothing changes)."""
    payout = db.session.get(Payout, payout_id) if 0 < payout_id <= MAX_ID else None
    if payout is None:
        raise NotFound(_("No such payout"))
    changed = db.session.execute(  # guarded: of two administrators at once, one marks it
        update(Payout).where(Payout.id == payout_id, Payout.status == PayoutStatus.PENDING.value)
        .values(status=PayoutStatus.PAID.value, paid_at=clock.now(), paid_by=admin_id, note=note or None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise Conflict(_("This payout is already marked paid"))
    db.session.expire(payout)
    return payout

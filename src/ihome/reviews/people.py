"""What the public sees of a person: the host card of a house page, and the host's response rate.

``response_rate`` is the one definition of the figure (house detail ``host`` and ``GET /users/{id}``).
No mobile number ever appears here (API.md's privacy rule).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select

from ihome.accounts.models import User
from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.integrations.storage import media_url
from ihome.orders.models import Order, OrderEvent, OrderStatus

RESPONSE_DAYS = 90
EXPIRED_ACTOR = "system:expire_unanswered"  # the job of ihome.orders.jobs.expire_unanswered
ANSWERS = (OrderStatus.WAIT_PAYMENT.value, OrderStatus.REJECTED.value)


def response_rate(host_id: int, *, now: datetime | None = None) -> float | None:
    """Of the booking requests to this host made in the last 90 days that the host answered (accepted or
    rejected) or left to expire, the share answered: 0..1 with 4 decimals; null when there are none.

    Requests still waiting, withdrawn by the guest, or closed by an administrator do not count.
    """
    since = (now or clock.now()) - timedelta(days=RESPONSE_DAYS)
    answered = OrderEvent.actor == f"user:{host_id}"
    row = db.session.execute(
        select(func.count(), func.sum(case((answered, 1), else_=0)))
        .select_from(OrderEvent)
        .join(Order, Order.id == OrderEvent.order_id)
        .join(House, House.id == Order.house_id)
        .where(House.user_id == host_id, Order.create_time >= since,
               OrderEvent.from_status == OrderStatus.WAIT_ACCEPT.value,
               or_(answered & OrderEvent.to_status.in_(ANSWERS), OrderEvent.actor == EXPIRED_ACTOR))
    ).one()
    total, done = int(row[0] or 0), int(row[1] or 0)
    return round(done / total, 4) if total else None


def person_card(user: User) -> dict[str, Any]:
    """``{user_id, name, avatar_url, joined}``: the public face of a user (joined: the date, marketplace time)."""
    return {"user_id": user.id, "name": user.name, "avatar_url": media_url(user.avatar_key),
            "joined": user.create_time.astimezone(clock.marketplace_zone()).date().isoformat()}


def host_card(user: User) -> dict[str, Any]:
    """The house detail's ``host``: the person card and the response rate."""
    return {**person_card(user), "response_rate": response_rate(user.id)}

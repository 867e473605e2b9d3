"""Who booked, as the host's booking list and the order page show it: name, avatar, verification, mobile.

The privacy rule of API.md lives here once: the host sees the guest's mobile masked (``138****8000``)
until the order has reached PAID (an event into PAID, even if it was cancelled since); the guest sees
their own and an administrator all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ihome.extensions import db
from ihome.integrations.sms import mask_mobile
from ihome.integrations.storage import media_url
from ihome.orders.models import Order, OrderEvent, OrderStatus


def guest_card(order: Order, *, role: str, reached_paid: bool) -> dict[str, Any]:
    """The order's guest for a viewer of ``role`` (``guest``, ``host`` or ``admin``)."""
    guest = order.guest
    shown = guest.mobile if role != "host" or reached_paid else mask_mobile(guest.mobile)
    return {"user_id": guest.id, "name": guest.name, "avatar_url": media_url(guest.avatar_key),
            "verified": bool(guest.real_name_verified), "mobile": shown}


def reached_paid(order_ids: Iterable[int]) -> set[int]:
    """The ids among ``order_ids`` that were ever PAID (one query for a whole list)."""
    ids = list(order_ids)
    if not ids:
        return set()
    rows = db.session.scalars(select(OrderEvent.order_id).where(
        OrderEvent.order_id.in_(ids), OrderEvent.to_status == OrderStatus.PAID.value).distinct())
    return set(rows)

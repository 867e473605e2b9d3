"""One order as its guest, its host or an administrator sees it: money, policy, guest, history, refund.

The refund and the conversation belong to other domains: they add them as receivers of the
``order_detail_requested`` event, so this module imports neither.

The host's view of the guest follows the privacy rule of API.md: the guest's mobile is masked
(``138****8000``) until the order has reached PAID; the guest sees their own, an administrator all.
Only the host and administrators see ``host_payout``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ihome.accounts.models import User
from ihome.core.errors import Forbidden
from ihome.core.events import order_detail_requested
from ihome.extensions import db
from ihome.houses.presenters import iso_utc
from ihome.integrations.sms import mask_mobile
from ihome.integrations.storage import media_url
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.money import policy_terms
from ihome.orders.service import get_order, order_summary


def order_detail(*, user_id: int, order_id: int) -> dict[str, Any]:
    """GET /orders/{id}: the order for its guest, its host or an administrator; ``Forbidden`` for anyone else."""
    order = get_order(order_id=order_id)
    viewer = db.session.get(User, user_id)
    if user_id == order.user_id:
        role = "guest"
    elif user_id == order.house.user_id:
        role = "host"
    elif viewer is not None and viewer.is_admin:
        role = "admin"
    else:
        raise Forbidden(_("This order is not yours"))
    events = _events(order)
    terms = policy_terms(policy=order.cancellation_policy, start_date=order.start_date)
    return {
        **order_summary(order, viewer=role),
        "guests": order.guests, "subtotal": order.subtotal, "service_fee": order.service_fee,
        "host_payout": order.host_payout if role != "guest" else None,
        "cancellation_policy": order.cancellation_policy,
        "full_refund_until": terms.full_refund_until, "half_refund_until": terms.half_refund_until,
        "viewer_role": role,
        "guest": _guest(order, role=role, reached_paid=any(e["to_status"] == OrderStatus.PAID for e in events)),
        "events": events,
        **_from_other_domains(order),
    }


def _from_other_domains(order: Order) -> dict[str, Any]:
    """``refund`` (payments) and ``conversation_id`` (conversations): the ``order_detail_requested`` receivers'."""
    parts: dict[str, Any] = {"refund": None, "conversation_id": None}
    for _receiver, part in order_detail_requested.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            order_id=order.id, guest_id=order.user_id, house_id=order.house_id):
        parts.update(part or {})
    return parts


def _guest(order: Order, *, role: str, reached_paid: bool) -> dict[str, Any]:
    guest = order.guest
    shown = guest.mobile if role != "host" or reached_paid else mask_mobile(guest.mobile)
    return {"user_id": guest.id, "name": guest.name, "avatar_url": media_url(guest.avatar_key), "mobile": shown}


def actor_role(actor: str, order: Order) -> str:
    """``guest``, ``host``, ``admin`` or ``system``: who an event's actor (``user:<id>``, ``admin:<id>``...) was."""
    kind, _sep, ident = actor.partition(":")
    if kind == "user":
        if ident == str(order.house.user_id):
            return "host"
        return "guest" if ident == str(order.user_id) else "user"
    return kind if kind in ("admin", "system") else "system"


def _events(order: Order) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                              .order_by(OrderEvent.create_time, OrderEvent.id))
    return [{"from_status": row.from_status, "to_status": row.to_status, "actor_role": actor_role(row.actor, order),
             "note": row.note, "at": iso_utc(row.create_time)} for row in rows]

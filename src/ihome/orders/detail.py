"""One order as its guest, its host or an administrator sees it: money, policy, guest, history, refund.

The refund and the conversation belong to other domains: they add them as receivers of the
``order_detail_requested`` event, so this module imports neither.

The host's view of the guest follows the privacy rule of API.md: the guest's mobile is masked
(``138****8000``) until the order has reached PAID; the guest sees their own, an administrator all.
Only the host and administrators see ``host_payout``. Money comes with its display string, and a paid
stay before check-in with ``cancel_refund``: what a guest's cancel would refund today, by the policy
stored on the order (``ihome.orders.money.policy_refund``, through ``service.guest_cancel_refund``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ihome.accounts.models import User
from ihome.core import clock
from ihome.core.errors import Forbidden
from ihome.core.events import order_detail_requested
from ihome.extensions import db
from ihome.houses.presenters import iso_utc
from ihome.houses.presenters import money as money_text
from ihome.orders.guest_card import guest_card
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.orders.money import policy_terms
from ihome.orders.service import get_order, guest_cancel_refund, order_summary


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
        "guest": guest_card(order, role=role, reached_paid=any(e["to_status"] == OrderStatus.PAID for e in events)),
        "events": events,
        **_from_other_domains(order),
        **_displays(order, role=role),
    }


def _from_other_domains(order: Order) -> dict[str, Any]:
    """``refund`` (payments) and ``conversation_id`` (conversations): the ``order_detail_requested`` receivers'."""
    parts: dict[str, Any] = {"refund": None, "conversation_id": None}
    for _receiver, part in order_detail_requested.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            order_id=order.id, guest_id=order.user_id, house_id=order.house_id):
        parts.update(part or {})
    return parts


def _displays(order: Order, *, role: str) -> dict[str, Any]:
    """The money as the pages show it (``ihome.houses.presenters.money``), and the guest-cancel preview."""
    preview = None
    if order.status == OrderStatus.PAID and order.start_date > clock.today():  # a guest cancel is possible
        refund = guest_cancel_refund(order)
        preview = {"amount": refund, "amount_display": money_text(refund)}
    return {
        "subtotal_display": money_text(order.subtotal), "service_fee_display": money_text(order.service_fee),
        "amount_display": money_text(order.amount),
        "host_payout_display": money_text(order.host_payout) if role != "guest" else None,
        "cancel_refund": preview,
    }


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

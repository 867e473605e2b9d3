"""What hosts and guests do to an order: accept, reject, cancel (guest or host); the lists of orders.

Every change goes through ``transitions.apply_transition``: a guarded ``UPDATE ... WHERE status = ?``.
A user's action is guarded by the state that user's request saw, so when a host's accept and a
guest's cancel race, exactly one applies and the other gets 409 (the order changed under it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound
from ihome.core.events import orders_listed
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.houses.models import House
from ihome.integrations.storage import media_url
from ihome.orders.booking import MAX_ID
from ihome.orders.guest_card import guest_card, reached_paid
from ihome.orders.models import Order, OrderStatus
from ihome.orders.money import days_before_check_in, policy_refund
from ihome.orders.texts import notify_guest, notify_guest_of, notify_paid_cancel
from ihome.orders.transitions import TRANSITIONS, apply_transition

S = OrderStatus
REASON_MAX = 500
__all__ = ["notify_guest"]  # other domains text an order's guest through this module


def get_order(*, order_id: int) -> Order:
    """The order, or ``NotFound``."""
    order = db.session.get(Order, order_id) if 0 < order_id <= MAX_ID else None
    if order is None:
        raise NotFound(_("Order not found"))
    return order


def change_status(*, user_id: int, order_id: int, action: str, reason: str | None = None) -> Order:
    """Apply a host's ``accept``/``reject``/``host_cancel`` or a guest's ``cancel``; returns the updated order."""
    order = get_order(order_id=order_id)
    seen = S(order.status)
    if action in ("accept", "reject", "host_cancel"):
        _require_host(order, user_id)
    else:
        _require_guest(order, user_id)
    values: dict[str, Any] = {}
    note = _clean_reason(reason, cancel=action == "host_cancel") if action in ("reject", "host_cancel") else None
    if action == "reject":
        values["reject_reason"] = note
    if action == "cancel" and seen is S.PAID:
        action = _paid_cancel_action(order)
    if seen not in TRANSITIONS[action].sources:
        raise Conflict(_("This order cannot be changed in its current state"))
    if action == "accept" and check_in_passed(order):
        raise Conflict(_("Check-in has passed: this booking can no longer be accepted"))
    if action == "host_cancel" and order.start_date <= clock.today():
        raise Conflict(_("A booking cannot be cancelled on or after check-in"))
    refund = None  # what comes back, decided before the change: the payments domain refunds it on the event
    if action == "cancel_paid":
        refund = guest_cancel_refund(order)
    elif action == "host_cancel" and seen is S.PAID:
        refund = order.amount  # a host's cancel refunds everything the guest paid
    applied = apply_transition(order_id=order.id, action=action, actor=f"user:{user_id}",
                               note=note, values=values, refund=refund,
                               extra_where=Order.status == seen.value)
    if applied is None:
        raise Conflict(_("This order was changed meanwhile, please reload"))
    if action == "cancel_paid":
        notify_paid_cancel(order, refund or 0)
    if action != "accept":  # the nights are free again
        house_changed(db.session, order.house_id)
    notify_guest_of(order, action, note)
    return get_order(order_id=order_id)


def guest_cancel_refund(order: Order) -> int:
    """What a guest's cancel of this paid order today refunds, by the policy stored on the order (fen)."""
    return policy_refund(policy=order.cancellation_policy, amount=order.amount, subtotal=order.subtotal,
                         days_before=days_before_check_in(start_date=order.start_date, cancel_date=clock.today()))


def list_orders(*, user_id: int, role: str = "custom") -> list[dict[str, Any]]:
    """My bookings (``custom``) or the bookings of my houses (``landlord``), newest first."""
    query = select(Order).join(House, House.id == Order.house_id)
    if role == "landlord":
        query = query.where(House.user_id == user_id)
    elif role == "custom":
        query = query.where(Order.user_id == user_id)
    else:
        raise Invalid(_("Unknown role"), fields={"role": [_("Must be custom or landlord")]})
    orders = db.session.scalars(query.order_by(Order.create_time.desc(), Order.id.desc())).unique().all()
    summaries = order_summaries(orders, viewer="host" if role == "landlord" else "guest")
    if role == "landlord":  # the host's list shows who booked (the booking journey)
        paid = reached_paid(order.id for order in orders)
        for order, summary in zip(orders, summaries, strict=True):
            summary["guest"] = guest_card(order, role="host", reached_paid=order.id in paid)
    return summaries


def order_summaries(orders: Sequence[Order], *, viewer: str = "guest") -> list[dict[str, Any]]:
    """Orders as the list endpoint and the pages show them to their ``guest``, ``host`` or an ``admin``:
    the order's own fields, plus what other domains add (``orders_listed``: the reviews' fields)."""
    extra: dict[int, dict[str, Any]] = defaultdict(dict)
    for _receiver, parts in orders_listed.send(
            current_app._get_current_object(), orders=orders, viewer=viewer):  # type: ignore[attr-defined]
        for order_id, fields in (parts or {}).items():
            extra[order_id].update(fields)
    return [{**_own_fields(order), **extra[order.id]} for order in orders]


def order_summary(order: Order, *, viewer: str = "guest") -> dict[str, Any]:
    """One order as ``order_summaries`` shows it."""
    return order_summaries([order], viewer=viewer)[0]


def _own_fields(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id, "house_id": order.house_id, "title": order.house.title,
        "img_url": media_url(order.house.index_image_key),
        "start_date": order.start_date, "end_date": order.end_date,
        "ctime": order.create_time.isoformat(), "days": order.days, "amount": order.amount,
        "status": order.status, "comment": order.comment, "rating": order.rating,
        "reject_reason": order.reject_reason,
        "guests": order.guests,
    }


def _require_host(order: Order, user_id: int) -> None:
    if order.house.user_id != user_id:
        raise Forbidden(_("Only the host can accept, reject or cancel this booking"))


def _require_guest(order: Order, user_id: int) -> None:
    if order.user_id != user_id:
        raise Forbidden(_("Only the guest who booked can do this"))


def _clean_reason(reason: str | None, *, cancel: bool = False) -> str:
    reason = (reason or "").strip()
    if not reason:
        field = (_("A reason is required to cancel a booking") if cancel
                 else _("A reason is required to reject a booking"))
        raise Invalid(_("Please give a reason"), fields={"reason": [field]})
    if len(reason) > REASON_MAX:
        message = _("At most %(count)d characters", count=REASON_MAX)
        raise Invalid(message, fields={"reason": [message]})
    return reason


def check_in_passed(order: Order) -> bool:
    """Is the order's check-in day already over (in the marketplace's time zone)?"""
    return order.start_date < clock.today()


def _paid_cancel_action(order: Order) -> str:
    """A paid stay can be cancelled (with a refund) only before check-in."""
    if order.start_date <= clock.today():
        raise Conflict(_("A paid stay cannot be cancelled on or after check-in"))
    return "cancel_paid"

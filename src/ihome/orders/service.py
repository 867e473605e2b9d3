"""What hosts and guests do to an order: accept, reject, cancel (guest or host), review; the lists of orders.

Every change goes through ``transitions.apply_transition``: a guarded ``UPDATE ... WHERE status = ?``.
A user's action is guarded by the state that user's request saw, so when a host's accept and a
guest's cancel race, exactly one applies and the other gets 409 (the order changed under it).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ihome.accounts.models import User
from ihome.accounts.tasks import send_sms_message
from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses.cache import house_changed, stays_changed
from ihome.houses.models import House
from ihome.houses.presenters import money as money_text
from ihome.integrations.storage import media_url
from ihome.orders.booking import MAX_ID
from ihome.orders.models import Order, OrderStatus
from ihome.orders.money import days_before_check_in, policy_refund
from ihome.orders.transitions import TRANSITIONS, apply_transition
from ihome.payments import service as payments

S = OrderStatus
REASON_MAX = 500


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
    applied = apply_transition(order_id=order.id, action=action, actor=f"user:{user_id}",
                               note=note, values=values,
                               extra_where=Order.status == seen.value)
    if applied is None:
        raise Conflict(_("This order was changed meanwhile, please reload"))
    if action == "cancel_paid":
        refund = guest_cancel_refund(order)
        if refund > 0:  # strict, late: nothing to give back and no gateway call; the order is still CANCELED
            payments.refund_cancelled_order(order_id=order.id, amount=refund,
                                            reason=f"cancelled by the guest ({order.cancellation_policy} policy)")
        _notify_paid_cancel(order, refund)
    elif action == "host_cancel" and seen is S.PAID:
        payments.refund_cancelled_order(order_id=order.id, reason="cancelled by the host before check-in")
    if action != "accept":  # the nights are free again
        stays_changed(db.session, order.house_id, order.start_date, order.end_date)
    _notify_guest_of(order, action, note)
    return get_order(order_id=order_id)


def guest_cancel_refund(order: Order) -> int:
    """What a guest's cancel of this paid order today refunds, by the policy stored on the order (fen)."""
    return policy_refund(policy=order.cancellation_policy, amount=order.amount, subtotal=order.subtotal,
                         days_before=days_before_check_in(start_date=order.start_date, cancel_date=clock.today()))


def add_comment(*, user_id: int, order_id: int, comment: str, rating: int) -> Order:
    """The guest's review of a finished stay: COMPLETE, and the house's counters move in the same transaction."""
    order = get_order(order_id=order_id)
    _require_guest(order, user_id)
    comment = comment.strip()
    if not comment:
        raise Invalid(_("Please write a comment"), fields={"comment": [_("Please write a comment")]})
    applied = apply_transition(order_id=order.id, action="comment", actor=f"user:{user_id}",
                               values={"comment": comment, "rating": rating})
    if applied is None:
        raise Conflict(_("Only a finished stay can be reviewed"))
    # increments in SQL, never read-modify-write: two reviews of one house at once both count
    db.session.execute(
        update(House).where(House.id == order.house_id)
        .values(order_count=House.order_count + 1, rating_sum=House.rating_sum + rating,
                rating_count=House.rating_count + 1)
        .execution_options(synchronize_session=False)
    )
    house_changed(db.session, order.house_id)
    return get_order(order_id=order_id)


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
    return [order_summary(order) for order in orders]


def order_summary(order: Order) -> dict[str, Any]:
    """An order as the list endpoint and the pages show it."""
    return {
        "order_id": order.id, "house_id": order.house_id, "title": order.house.title,
        "img_url": media_url(order.house.index_image_key),
        "start_date": order.start_date, "end_date": order.end_date,
        "ctime": order.create_time.isoformat(), "days": order.days, "amount": order.amount,
        "status": order.status, "comment": order.comment, "rating": order.rating,
        "reject_reason": order.reject_reason,
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


def _notify_guest_of(order: Order, action: str, reason: str | None) -> None:
    with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
        if action == "accept":
            body = _("iHome: your booking of %(title)s (%(start)s to %(end)s) was accepted. Please pay within "
                     "%(hours)d hours.", title=order.house.title, start=order.start_date.isoformat(),
                     end=order.end_date.isoformat(), hours=_payment_hours())
        elif action == "reject":
            body = _("iHome: your booking of %(title)s (%(start)s to %(end)s) was declined: %(reason)s",
                     title=order.house.title, start=order.start_date.isoformat(),
                     end=order.end_date.isoformat(), reason=reason or "")
        elif action == "host_cancel":
            body = _("iHome: the host cancelled your booking of %(title)s (%(start)s to %(end)s): %(reason)s. "
                     "Anything you paid is refunded in full.", title=order.house.title,
                     start=order.start_date.isoformat(), end=order.end_date.isoformat(), reason=reason or "")
        else:
            return
    notify_guest(order=order, body=body)


def _notify_paid_cancel(order: Order, refund: int) -> None:
    """A guest cancelled a paid stay: the guest hears what comes back, the host that the nights are free."""
    with force_locale("zh_Hans_CN"):
        words = {"title": order.house.title, "start": order.start_date.isoformat(), "end": order.end_date.isoformat()}
        guest_body = _("iHome: you cancelled %(title)s (%(start)s to %(end)s); %(refund)s is refunded under the "
                       "%(policy)s cancellation policy.", refund=money_text(refund),
                       policy=_policy_name(order.cancellation_policy), **words)
        host_body = _("iHome: the guest cancelled the paid stay at %(title)s (%(start)s to %(end)s); those "
                      "nights are free again.", **words)
    notify_guest(order=order, body=guest_body)
    host = db.session.get(User, order.house.user_id)
    if host is not None:
        send_after_commit(db.session, send_sms_message, host.mobile, host_body)


def _policy_name(policy: str) -> str:
    """The policy's name in the current language (the same words as templates/orders/_policy.html)."""
    names = {"flexible": _("Flexible"), "moderate": _("Moderate"), "strict": _("Strict")}
    return names.get(policy, policy)


def notify_guest(*, order: Order, body: str) -> None:
    """Text the order's guest after the transaction commits."""
    guest = db.session.get(User, order.user_id)
    if guest is not None:
        send_after_commit(db.session, send_sms_message, guest.mobile, body)


def _payment_hours() -> int:
    return int(current_app.config["PAYMENT_TIMEOUT_HOURS"])

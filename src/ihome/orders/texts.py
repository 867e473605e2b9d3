"""Every text the orders domain sends about an order (one place for their words), after commit.

Texts go out in the marketplace's language (``force_locale``) through the SMS task, queued on the
session by ``send_after_commit``: a rolled-back change texts nobody. Amounts come from the order's
stored columns and are shown by ``houses.presenters.money``.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ihome.accounts.models import User
from ihome.accounts.tasks import send_sms_message
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses.presenters import money as money_text
from ihome.orders.models import Order


def _stay(order: Order) -> dict[str, str]:
    return {"title": order.house.title, "start": order.start_date.isoformat(), "end": order.end_date.isoformat()}


def notify_guest_of(order: Order, action: str, reason: str | None) -> None:
    """The guest hears of a host's accept, reject or cancel."""
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


def notify_paid_cancel(order: Order, refund: int) -> None:
    """A guest cancelled a paid stay: the guest hears what comes back, the host that the nights are free."""
    with force_locale("zh_Hans_CN"):
        words = _stay(order)
        guest_body = _("iHome: you cancelled %(title)s (%(start)s to %(end)s); %(refund)s is refunded under the "
                       "%(policy)s cancellation policy.", refund=money_text(refund),
                       policy=_policy_name(order.cancellation_policy), **words)
        host_body = _("iHome: the guest cancelled the paid stay at %(title)s (%(start)s to %(end)s); those "
                      "nights are free again.", **words)
    notify_guest(order=order, body=guest_body)
    notify_host(order=order, body=host_body)


def cancelled_by_admin_text(order: Order, *, reason: str, refunded: bool) -> str:
    """What guest and host read when an administrator cancels a booking (the back office sends it)."""
    with force_locale("zh_Hans_CN"):
        if refunded:
            return _("iHome: the booking of %(title)s (%(start)s to %(end)s) was cancelled by iHome: %(reason)s. "
                     "The full amount will be refunded.", reason=reason, **_stay(order))
        return _("iHome: the booking of %(title)s (%(start)s to %(end)s) was cancelled by iHome: %(reason)s",
                 reason=reason, **_stay(order))


def _policy_name(policy: str) -> str:
    """The policy's name in the current language (the same words as templates/orders/_policy.html)."""
    names = {"flexible": _("Flexible"), "moderate": _("Moderate"), "strict": _("Strict")}
    return names.get(policy, policy)


def notify_guest(*, order: Order, body: str) -> None:
    """Text the order's guest after the transaction commits."""
    text_user(order.user_id, body)


def notify_host(*, order: Order, body: str) -> None:
    """Text the order's host after the transaction commits."""
    text_user(order.house.user_id, body)


def text_user(user_id: int, body: str) -> None:
    """Text ``user_id`` after the transaction commits."""
    user = db.session.get(User, user_id)
    if user is not None:
        send_after_commit(db.session, send_sms_message, user.mobile, body)


def notify_paid(order: Order) -> None:
    """The money arrived: the guest has a confirmed stay, the host a guest to expect."""
    with force_locale("zh_Hans_CN"):
        guest_body = _("iHome: we received %(amount)s for %(title)s (%(start)s to %(end)s). Your stay is "
                       "confirmed.", amount=money_text(order.amount), **_stay(order))
        host_body = _("iHome: the guest paid for %(title)s (%(start)s to %(end)s). The stay is confirmed.",
                      **_stay(order))
    notify_guest(order=order, body=guest_body)
    notify_host(order=order, body=host_body)


def notify_refunded(order: Order, amount: int) -> None:
    """The provider confirmed a refund: the guest hears the amount."""
    with force_locale("zh_Hans_CN"):
        body = _("iHome: %(amount)s for %(title)s (%(start)s to %(end)s) was refunded to your account.",
                 amount=money_text(amount), **_stay(order))
    notify_guest(order=order, body=body)


def _payment_hours() -> int:
    return int(current_app.config["PAYMENT_TIMEOUT_HOURS"])

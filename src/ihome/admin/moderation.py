"""Administrator actions on listings and accounts: unlist/relist a house, suspend/restore a user.

Suspending a user ends their sessions (the API view does it after commit), refuses their logins
(403/4104, checked by accounts), hides their houses, cancels their pending bookings, rejects the
pending requests on their houses, and cancels their hosted paid stays from today on with full refunds.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ihome.accounts.models import User
from ihome.admin import audit
from ihome.admin.order_actions import cancel_as_admin
from ihome.admin.texts import listing_changed_text, text_user
from ihome.core import clock
from ihome.core.errors import Conflict, NotFound
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.houses.fields import MAX_ID
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.orders.texts import notify_guest_of
from ihome.orders.transitions import apply_transition

S = OrderStatus
PENDING = (S.WAIT_ACCEPT.value, S.WAIT_PAYMENT.value)


def get_house(house_id: int) -> House:
    house = db.session.get(House, house_id) if 0 < house_id <= MAX_ID else None
    if house is None:
        raise NotFound(_("No such house"))
    return house


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound(_("No such user"))
    return user


def set_listing(*, admin_id: int, house_id: int, listed: bool, reason: str | None) -> House:
    """List or unlist a house (a reason is required to unlist); the host is texted after commit."""
    house = get_house(house_id)
    cleaned = audit.clean_reason(reason, required=not listed)
    house.listed = listed
    house.unlisted_reason = None if listed else cleaned
    db.session.flush()
    house_changed(db.session, house.id)  # search, the home list and the detail forget it at commit
    audit.record(admin_id=admin_id, action="house.relist" if listed else "house.unlist", target_type="house",
                 target_id=house.id, reason=cleaned)
    text_user(house.user_id, listing_changed_text(title=house.title, listed=listed, reason=cleaned))
    return house


def set_user_status(*, admin_id: int, user_id: int, active: bool, reason: str | None) -> User:
    """Suspend (reason required) or restore an account, with every consequence of a suspension."""
    user = get_user(user_id)
    cleaned = audit.clean_reason(reason, required=not active)
    if user.id == admin_id and not active:
        raise Conflict(_("You cannot suspend your own account"))
    user.is_active = active
    user.suspended_reason = None if active else cleaned
    db.session.flush()
    if not active:
        _wind_down(admin_id=admin_id, user_id=user.id, reason=cleaned)
    for house_id in db.session.scalars(select(House.id).where(House.user_id == user.id)):
        house_changed(db.session, house_id)  # their houses leave (or return to) search and detail
    audit.record(admin_id=admin_id, action="user.restore" if active else "user.suspend", target_type="user",
                 target_id=user.id, reason=cleaned)
    return user


def _wind_down(*, admin_id: int, user_id: int, reason: str) -> None:
    """The bookings a suspended account leaves behind, as guest and as host."""
    as_guest = db.session.scalars(select(Order).where(Order.user_id == user_id, Order.status.in_(PENDING)))
    on_houses = db.session.scalars(
        select(Order).join(House, House.id == Order.house_id)
        .where(House.user_id == user_id,
               (Order.status.in_(PENDING)) | ((Order.status == S.PAID.value) & (Order.start_date >= clock.today())))
    )
    for order in [*as_guest.all(), *on_houses.all()]:
        if order.status == S.WAIT_ACCEPT.value and order.user_id != user_id:
            _reject(admin_id=admin_id, order=order, reason=reason)
        else:
            cancel_as_admin(admin_id=admin_id, order=order, reason=reason)


def _reject(*, admin_id: int, order: Order, reason: str) -> None:
    """A pending request on a suspended host's house is declined, as the host would."""
    applied = apply_transition(order_id=order.id, action="reject", actor=f"admin:{admin_id}", note=reason,
                               values={"reject_reason": reason}, extra_where=Order.status == S.WAIT_ACCEPT.value)
    if applied is None:
        return
    house_changed(db.session, order.house_id)
    notify_guest_of(order, "reject", reason)  # the words a host's decline uses (orders/texts.py)

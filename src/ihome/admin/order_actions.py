"""Administrator actions on orders: cancel (a paid one refunded in full) and hide or show its reviews.

Each action goes through the orders domain's guarded transition (event actor ``admin:<id>``, so
the event's role is ``admin``) and appends an audit entry in the same transaction.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ihome.admin import audit
from ihome.admin.texts import text_user
from ihome.core.errors import Conflict
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.orders.service import get_order
from ihome.orders.texts import cancelled_by_admin_text
from ihome.orders.transitions import TRANSITIONS, apply_transition
from ihome.reviews import service as reviews

S = OrderStatus
CANCELLABLE = TRANSITIONS["admin_cancel"].sources


def cancel_as_admin(*, admin_id: int, order: Order, reason: str) -> bool:
    """Cancel ``order`` for an administrator (no audit entry: the caller records its own action).

    Returns False when the order is not in a cancellable state (or changed meanwhile). A paid order
    is refunded in full (the payments domain answers the order's event); guest and host are texted after commit.
    """
    seen = S(order.status)
    if seen not in CANCELLABLE:
        return False
    paid = seen is S.PAID  # a paid order is refunded in full by the payments domain, on the order_changed event
    applied = apply_transition(order_id=order.id, action="admin_cancel", actor=f"admin:{admin_id}", note=reason,
                               extra_where=Order.status == seen.value, refund=order.amount if paid else None)
    if applied is None:
        return False
    house_changed(db.session, order.house_id)
    house = db.session.get(House, order.house_id)
    body = cancelled_by_admin_text(order, reason=reason, refunded=paid)
    text_user(order.user_id, body)
    if paid and house is not None:
        text_user(house.user_id, body)
    return True


def cancel_order(*, admin_id: int, order_id: int, reason: str | None) -> Order:
    """PUT /admin/orders/{id}/cancel: WAIT_ACCEPT, WAIT_PAYMENT or PAID → CANCELED, refunded if paid."""
    order = get_order(order_id=order_id)
    cleaned = audit.clean_reason(reason)
    if not cancel_as_admin(admin_id=admin_id, order=order, reason=cleaned):
        raise Conflict(_("This order cannot be cancelled in its current state"))
    audit.record(admin_id=admin_id, action="order.cancel", target_type="order", target_id=order.id, reason=cleaned)
    return get_order(order_id=order_id)


def set_review_visibility(*, admin_id: int, order_id: int, visible: bool, reason: str | None) -> Order:
    """Hide or show a stay's reviews; a hidden review leaves the house's comments and its rating."""
    order = get_order(order_id=order_id)
    cleaned = audit.clean_reason(reason, required=not visible)
    if order.comment is None and order.host_rating is None:
        raise Conflict(_("This stay has no review yet"))
    reviews.set_hidden(order_id=order.id, hidden=not visible)  # the house's rating follows (ihome.reviews)
    audit.record(admin_id=admin_id, action="order.show_reviews" if visible else "order.hide_reviews",
                 target_type="order", target_id=order.id, reason=cleaned)
    db.session.expire(order)
    return get_order(order_id=order_id)

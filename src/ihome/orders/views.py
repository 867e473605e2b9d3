"""The orders pages: book a house, my bookings, bookings of my houses. Actions post to the JSON API."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ihome.core import clock
from ihome.core.errors import NotFound
from ihome.core.security import page_login_required, require_user_id
from ihome.houses.visibility import visible_to
from ihome.integrations.storage import media_url
from ihome.orders import booking, detail, money, service, timeline
from ihome.orders.models import OrderStatus

bp = Blueprint("orders_pages", __name__)

# The label of each state, as guests and hosts read it.
STATUS_LABELS = {
    OrderStatus.WAIT_ACCEPT: _l("Awaiting the host"),
    OrderStatus.WAIT_PAYMENT: _l("Awaiting payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.WAIT_COMMENT: _l("Awaiting review"),
    OrderStatus.COMPLETE: _l("Complete"),
    OrderStatus.CANCELED: _l("Cancelled"),
    OrderStatus.REJECTED: _l("Declined"),
}


@bp.get("/houses/<int:house_id>/book")
@page_login_required
def book(house_id: int):
    """The booking page: a date picker greying out booked nights, nights and amount before submitting."""
    house = booking.get_house(house_id=house_id)
    if not visible_to(house, viewer_id=require_user_id()):  # hidden (unpublished, unlisted): as if absent
        raise NotFound(_("House not found"))
    return render_template("orders/book.html", house=house, image_url=media_url(house.index_image_key),
                           own_house=house.user_id == require_user_id(), today=clock.today(),
                           guest_fee_percent=int(current_app.config["GUEST_FEE_PERCENT"]),
                           policy_days=_policy_deadline_days(house.cancellation_policy),
                           guests=_guests_arg(house.capacity))


@bp.get("/my/orders")
@page_login_required
def my_orders():
    """My bookings, with cancel, pay and review."""
    orders = service.list_orders(user_id=require_user_id(), role="custom")
    return render_template("orders/my_orders.html", orders=orders, labels=STATUS_LABELS, today=clock.today())


@bp.get("/my/lorders")
@page_login_required
def my_landlord_orders():
    """Bookings of my houses, with accept and reject-with-reason."""
    orders = service.list_orders(user_id=require_user_id(), role="landlord")
    return render_template("orders/my_lorders.html", orders=orders, labels=STATUS_LABELS)


@bp.get("/my/orders/<int:order_id>")
@page_login_required
def order_page(order_id: int):
    """One order for its guest, its host or an administrator: stay, money, policy, history, receipt."""
    order = detail.order_detail(user_id=require_user_id(), order_id=order_id)  # Forbidden: the 403 page
    return render_template("orders/order.html", order=order, labels=STATUS_LABELS, today=clock.today(),
                           event_words=timeline.event_words, refund_words=timeline.refund_words)


def _guests_arg(capacity: int) -> int:
    """The guests count carried from search or the house page (``?guests=``), within 1..capacity; else 1."""
    value = request.args.get("guests", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= max(capacity, 1) else 1


def _policy_deadline_days(policy: str) -> int:
    """Days before check-in of the policy's last good deadline: full refund, or (strict) 50 % of the nights."""
    return money.FULL_REFUND_DAYS.get(policy, money.STRICT_HALF_REFUND_DAYS)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    # the policy texts of the house and booking pages say the day counts of ihome.orders.money
    app.jinja_env.globals["cancellation_days"] = {**money.FULL_REFUND_DAYS, "strict": money.STRICT_HALF_REFUND_DAYS}

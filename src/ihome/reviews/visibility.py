"""Who sees which review, and when: the double-blind rule and the review window, in one place.

A stay's two reviews (the guest's of the house, the host's of the guest) become public together at
``reviews_public_at``: when the second one is written, or when the review window closes
(``IHOME_REVIEW_WINDOW_DAYS`` after check-out), whichever comes first. Until then each author sees
only their own. An administrator's hiding (``review_hidden``) takes both out of public view again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, false

from ihome.houses.presenters import iso_utc
from ihome.orders.models import Order, OrderStatus

# a stay can be reviewed once it is over: the stay-ended job moved it to WAIT_COMMENT (COMPLETE once the guest wrote)
REVIEWABLE = (OrderStatus.WAIT_COMMENT.value, OrderStatus.COMPLETE.value)


def window_days() -> int:
    """``IHOME_REVIEW_WINDOW_DAYS``: how many days after check-out reviews may be written blind."""
    return int(current_app.config["REVIEW_WINDOW_DAYS"])


def last_review_day(end_date: date) -> date:
    """The last day the host may review the guest: check-out + the window (day 14 counts, day 15 does not)."""
    return end_date + timedelta(days=window_days())


def window_closed(end_date: date, today: date) -> bool:
    """Has the stay's review window closed (its reviews are then public, written or not)?"""
    return today > last_review_day(end_date)


def public_reviews() -> list[ColumnElement[bool]]:
    """SQL conditions on ``Order``: the stay's reviews are public and not hidden by an administrator."""
    return [Order.reviews_public_at.is_not(None), Order.review_hidden == false()]


def is_public(order: Order) -> bool:
    """The same rule for one loaded order."""
    return order.reviews_public_at is not None and not order.review_hidden


def review_fields(order: Order, *, viewer: str, today: date) -> dict[str, Any]:
    """The review fields of an order for its ``guest``, its ``host`` or an ``admin``.

    Each author always sees their own review; the other side's only once it is public. The host's
    actions (review the guest, reply) are offered when the API would accept them.
    """
    public = is_public(order)
    guest_sees = viewer in ("guest", "admin") or public
    host_sees = viewer in ("host", "admin") or public
    host_review = None
    if order.host_rating is not None and host_sees:
        host_review = {"rating": order.host_rating, "comment": order.host_comment,
                       "ctime": _iso(order.host_review_time)}
    is_host = viewer == "host"
    return {
        "comment": order.comment if guest_sees else None,
        "rating": order.rating if guest_sees else None,
        "host_review": host_review,
        "reply": order.reply if public else None,
        "reviews_public": order.reviews_public_at is not None,
        "review_window_ends": last_review_day(order.end_date),
        "can_review_guest": is_host and order.host_rating is None and order.status in REVIEWABLE
        and order.end_date <= today <= last_review_day(order.end_date),
        "can_reply": is_host and order.comment is not None and public and order.reply is None,
    }


def _iso(moment: Any) -> str | None:
    return iso_utc(moment) if moment is not None else None

"""The public reads of reviews: a house's comments (with the host's replies), what hosts wrote of a guest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ihome.accounts.models import User
from ihome.extensions import db
from ihome.houses.presenters import iso_utc
from ihome.orders.models import Order, OrderStatus
from ihome.reviews.visibility import public_reviews

COMMENTS_SHOWN = 30
GUEST_REVIEWS_SHOWN = 50


def house_reviews(house_id: int) -> list[dict[str, Any]]:
    """The newest public guest reviews of this house, each with the host's reply or null."""
    written = func.coalesce(Order.comment_time, Order.update_time)
    rows = db.session.execute(
        select(Order.comment, Order.rating, Order.reply, written.label("written"), User.name)
        .join(User, User.id == Order.user_id)
        .where(Order.house_id == house_id, Order.status == OrderStatus.COMPLETE.value, Order.comment.is_not(None),
               *public_reviews())
        .order_by(written.desc(), Order.id.desc()).limit(COMMENTS_SHOWN))
    return [{"user_name": row.name, "comment": row.comment, "rating": row.rating, "ctime": _iso(row.written),
             "reply": row.reply} for row in rows]


def reviews_as_guest(user_id: int) -> list[dict[str, Any]]:
    """What hosts wrote of this guest, public ones only, newest first."""
    rows = db.session.execute(
        select(Order.host_rating, Order.host_comment, Order.host_review_time)
        .where(Order.user_id == user_id, Order.host_rating.is_not(None), *public_reviews())
        .order_by(Order.host_review_time.desc(), Order.id.desc()).limit(GUEST_REVIEWS_SHOWN))
    return [{"rating": row.host_rating, "comment": row.host_comment, "ctime": _iso(row.host_review_time)}
            for row in rows]


def guest_review_summaries(user_ids: set[int]) -> dict[int, dict[str, Any]]:
    """For each guest, the average and count of the public reviews hosts wrote of them (one query)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Order.user_id, func.count(), func.sum(Order.host_rating))
        .where(Order.user_id.in_(user_ids), Order.host_rating.is_not(None), *public_reviews())
        .group_by(Order.user_id))
    found = {user_id: (count, total) for user_id, count, total in rows}
    return {user_id: _summary(user_id, *found.get(user_id, (0, 0))) for user_id in user_ids}


def _summary(user_id: int, count: int, total: int | None) -> dict[str, Any]:
    average = round(int(total or 0) / count, 1) if count else None
    return {"user_id": user_id, "count": count, "avg_rating": average}


def _iso(moment: Any) -> str | None:
    return iso_utc(moment) if moment is not None else None

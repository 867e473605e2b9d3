"""Reviews both ways: the guest reviews the house, the host reviews the guest and replies; publication.

Every write is one guarded ``UPDATE ih_order ... WHERE <the rule still holds>``: of two concurrent
attempts exactly one changes the row, and a refused one changes nothing. Publication is the guarded
``UPDATE ... SET reviews_public_at WHERE reviews_public_at IS NULL`` of ``publish``; the guest's
rating joins the house's counters (``House.rating_sum`` / ``rating_count``) exactly once, when it is
public and not hidden: at publication if it was written by then, else when it is written.
Services never commit: the API view or the job does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Row, select, update
from sqlalchemy.orm.util import identity_key

from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.houses.models import House
from ihome.orders.models import Order
from ihome.orders.service import get_order
from ihome.orders.transitions import apply_transition
from ihome.reviews.visibility import REVIEWABLE, window_closed, window_days


def review_house(*, user_id: int, order_id: int, comment: str, rating: int) -> Order:
    """The guest's review of a finished stay (WAIT_COMMENT → COMPLETE); public per the double-blind rule."""
    order = get_order(order_id=order_id)
    if order.user_id != user_id:
        raise Forbidden(_("Only the guest who booked can do this"))
    comment = _words(comment, "comment")
    applied = apply_transition(order_id=order.id, action="comment", actor=f"user:{user_id}",
                               values={"comment": comment, "rating": rating, "comment_time": clock.now()})
    if applied is None:
        raise Conflict(_("Only a finished stay can be reviewed"))
    # a reviewed stay counts as booked on the house (its "most booked" order), public or not, as before
    db.session.execute(update(House).where(House.id == order.house_id)
                       .values(order_count=House.order_count + 1).execution_options(synchronize_session=False))
    state = _state(order.id)
    due = state.host_rating is not None or window_closed(state.end_date, clock.today())
    if due and not publish(order_id=order.id):  # already public (the window closed earlier): counts from now
        _count(state.house_id, state.rating, hidden=state.review_hidden)
    house_changed(db.session, order.house_id)
    return get_order(order_id=order_id)


def review_guest(*, user_id: int, order_id: int, rating: int, comment: str) -> None:
    """The host's review of the guest: after check-out, once, within IHOME_REVIEW_WINDOW_DAYS of it."""
    order = get_order(order_id=order_id)
    _require_host(order, user_id)
    comment = _words(comment, "comment")
    today = clock.today()
    changed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.host_rating.is_(None), Order.status.in_(REVIEWABLE),
               Order.end_date <= today, Order.end_date >= today - timedelta(days=window_days()))
        .values(host_rating=rating, host_comment=comment, host_review_time=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise Conflict(_("The guest can be reviewed once, after check-out and within %(days)d days of it",
                         days=window_days()))
    if _state(order.id).comment is not None:  # both written: public together
        publish(order_id=order.id)
    db.session.expire(order)


def reply(*, user_id: int, order_id: int, text: str) -> None:
    """The host's answer under the guest's review: once, when that review is public."""
    order = get_order(order_id=order_id)
    _require_host(order, user_id)
    text = _words(text, "reply")
    changed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.comment.is_not(None), Order.reviews_public_at.is_not(None),
               Order.review_hidden.is_(False), Order.reply.is_(None))
        .values(reply=text, reply_time=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise Conflict(_("You can reply once, to a guest's review that is public"))
    house_changed(db.session, order.house_id)
    db.session.expire(order)


def publish(*, order_id: int, at: datetime | None = None) -> bool:
    """Make a stay's reviews public now, once; the guest's rating joins the house's rating if written.

    Returns False when they already were public (nothing changes then).
    """
    row = db.session.execute(
        update(Order).where(Order.id == order_id, Order.reviews_public_at.is_(None))
        .values(reviews_public_at=at or clock.now())
        .returning(Order.house_id, Order.rating, Order.comment, Order.review_hidden)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    if row.comment is not None:
        _count(row.house_id, row.rating, hidden=row.review_hidden)
        house_changed(db.session, row.house_id)
    _expire(order_id)
    return True


def set_hidden(*, order_id: int, hidden: bool) -> bool:
    """An administrator hides or shows a stay's reviews; the house's counters follow if they are public.

    Returns False when nothing changed (already in that state).
    """
    row = db.session.execute(
        update(Order).where(Order.id == order_id, Order.review_hidden.is_(not hidden))
        .values(review_hidden=hidden)
        .returning(Order.house_id, Order.rating, Order.comment, Order.reviews_public_at)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    if row.comment is not None and row.reviews_public_at is not None and row.rating is not None:
        step = -1 if hidden else 1  # SQL increments: the counters never lose a concurrent review
        db.session.execute(
            update(House).where(House.id == row.house_id)
            .values(rating_sum=House.rating_sum + step * row.rating, rating_count=House.rating_count + step)
            .execution_options(synchronize_session=False))
    house_changed(db.session, row.house_id)
    _expire(order_id)
    return True


def due_for_publication(*, now: datetime) -> list[int]:
    """The finished stays still blind whose review window has closed (by ``now``), oldest first."""
    today = now.astimezone(clock.marketplace_zone()).date()
    closed_before = today - timedelta(days=window_days())  # check-out before this day: the window is over
    return list(db.session.scalars(
        select(Order.id).where(Order.reviews_public_at.is_(None), Order.status.in_(REVIEWABLE),
                               Order.end_date < closed_before).order_by(Order.end_date, Order.id)))


def _count(house_id: int, rating: int | None, *, hidden: bool) -> None:
    """Add one public review's stars to its house (increments in SQL, never read-modify-write)."""
    if rating is None or hidden:
        return
    db.session.execute(
        update(House).where(House.id == house_id)
        .values(rating_sum=House.rating_sum + rating, rating_count=House.rating_count + 1)
        .execution_options(synchronize_session=False))


def _state(order_id: int) -> Row:
    """The order's review columns as the database holds them now (after this transaction's own writes)."""
    return db.session.execute(
        select(Order.house_id, Order.end_date, Order.rating, Order.comment, Order.host_rating,
               Order.review_hidden).where(Order.id == order_id)).one()


def _require_host(order: Order, user_id: int) -> None:
    if order.house.user_id != user_id:
        raise Forbidden(_("Only the host of this stay can do this"))


def _words(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        message = _("Please write a few words")
        raise Invalid(message, fields={field: [message]})
    return text


def _expire(order_id: int) -> None:
    """An Order already loaded in this session re-reads its columns on next access."""
    order = db.session.identity_map.get(identity_key(Order, order_id))
    if order is not None:
        db.session.expire(order)

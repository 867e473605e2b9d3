"""Booking a house, without double booking, and the house's calendar of booked stays.

The guarantee, in three steps inside the request's one transaction:

1. ``UPDATE ih_house SET booking_version = booking_version + 1 WHERE id = :id`` — the first write
   (``ihome.houses.calendar.lock_calendar``). On SQLite it opens the transaction and takes the
   database's write lock (a second booking waits on ``busy_timeout``); on PostgreSQL it locks the
   house row until commit. Bookings of one house, and the host's blocks, are therefore serialised.
2. The overlap check (a SELECT) runs after the lock, so it sees every booking committed before; then
   the blocked nights (host blocks and imported calendars), then the guest's limits
   (``ihome.orders.limits``), after a lock on the guest's own row.
3. The insert. On PostgreSQL the exclusion constraint ``ex_order_no_overlap`` backs it: should
   anything slip past the lock, the database refuses the row (SQLSTATE 23P01) and we answer 409.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ihome.accounts.models import User
from ihome.core import clock
from ihome.core.cache import cached
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses import calendar as house_calendar
from ihome.houses.cache import house_changed, house_generation
from ihome.houses.models import House
from ihome.houses.presenters import money
from ihome.houses.visibility import is_publicly_visible
from ihome.orders import limits
from ihome.orders.models import Order, OrderStatus
from ihome.orders.money import quote
from ihome.orders.tasks import text_host_new_request
from ihome.orders.transitions import record_creation

EXCLUSION_VIOLATION = "23P01"
CALENDAR_DEFAULT_DAYS = 180
CALENDAR_MAX_DAYS = 366
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing (and PostgreSQL would refuse it)


def get_house(*, house_id: int) -> House:
    """The house, or ``NotFound``."""
    house = db.session.get(House, house_id) if 0 < house_id <= MAX_ID else None
    if house is None:
        raise NotFound(_("House not found"))
    return house


def check_stay(*, house: House, start_date: date, end_date: date) -> int:
    """The number of nights of a valid stay in ``house``; ``Invalid`` with field messages otherwise."""
    today = clock.today()
    if start_date < today:
        raise Invalid(_("Check-in cannot be in the past"),
                      fields={"start_date": [_("Check-in cannot be in the past")]})
    horizon = int(current_app.config["BOOKING_HORIZON_DAYS"])
    if start_date > today + timedelta(days=horizon):
        message = _("Check-in can be at most %(days)d days ahead", days=horizon)
        raise Invalid(message, fields={"start_date": [message]})
    if end_date <= start_date:
        raise Invalid(_("Check-out must be after check-in"),
                      fields={"end_date": [_("Check-out must be after check-in")]})
    nights = (end_date - start_date).days
    max_nights = int(current_app.config["MAX_NIGHTS"])
    if nights > max_nights:
        message = _("A booking can be at most %(days)d nights", days=max_nights)
        raise Invalid(message, fields={"end_date": [message]})
    if nights < house.min_days:
        message = _("This house takes stays of at least %(days)d nights", days=house.min_days)
        raise Invalid(message, fields={"end_date": [message]})
    if house.max_days and nights > house.max_days:
        message = _("This house takes stays of at most %(days)d nights", days=house.max_days)
        raise Invalid(message, fields={"end_date": [message]})
    return nights


def check_guests(*, house: House, guests: int) -> None:
    """``Invalid`` on ``guests`` unless 1 ≤ guests ≤ the house's capacity."""
    capacity = max(house.capacity, 1)
    if not 1 <= guests <= capacity:
        message = _("This house takes 1 to %(count)d guests", count=capacity)
        raise Invalid(message, fields={"guests": [message]})


def create_order(*, user_id: int, house_id: int, start_date: date, end_date: date, guests: int = 1) -> Order:
    """Book ``house_id`` for [start_date, end_date) as ``user_id``: WAIT_ACCEPT, money computed here."""
    house = get_house(house_id=house_id)
    if not is_publicly_visible(house):  # unlisted by an administrator, or its host suspended
        raise NotFound(_("House not found"))
    if house.user_id == user_id:
        raise Forbidden(_("You cannot book your own house"))
    nights = check_stay(house=house, start_date=start_date, end_date=end_date)
    check_guests(house=house, guests=guests)
    _lock_house(house_id)
    if _overlaps(house_id=house_id, start_date=start_date, end_date=end_date):
        raise Conflict(_("These dates are already booked"))
    house_calendar.refuse_blocked_nights(house_id=house_id, start=start_date, end=end_date)
    limits.check_pending(user_id=user_id, house_id=house_id)
    price = quote(nightly_prices=house_calendar.nightly_prices(house, start_date, end_date))
    assert price.nights == nights  # noqa: S101 - one price per night
    order = Order(user_id=user_id, house_id=house_id, start_date=start_date, end_date=end_date, days=nights,
                  guests=guests, house_price=house.price, status=OrderStatus.WAIT_ACCEPT.value,
                  cancellation_policy=house.cancellation_policy,
                  **price.order_columns())
    try:
        with db.session.begin_nested():  # a refused row rolls back only this savepoint
            db.session.add(order)
            db.session.flush()
    except IntegrityError as exc:
        if _sqlstate(exc) == EXCLUSION_VIOLATION:
            raise Conflict(_("These dates are already booked")) from exc
        raise
    record_creation(order_id=order.id, actor=f"user:{user_id}")
    house_changed(db.session, house_id)
    _notify_host(house=house, start_date=start_date, end_date=end_date)
    return order


def quote_stay(*, house_id: int, start_date: date, end_date: date, guests: int = 1) -> dict[str, Any]:
    """What booking [start_date, end_date) would cost, refused exactly as ``create_order`` would refuse it.

    Anyone may ask (no login, no lock): the booking itself checks everything again under the lock.
    """
    house = get_house(house_id=house_id)
    if not is_publicly_visible(house):
        raise NotFound(_("House not found"))
    check_stay(house=house, start_date=start_date, end_date=end_date)
    check_guests(house=house, guests=guests)
    if _overlaps(house_id=house_id, start_date=start_date, end_date=end_date):
        raise Conflict(_("These dates are already booked"))
    house_calendar.refuse_blocked_nights(house_id=house_id, start=start_date, end=end_date)
    nightly = house_calendar.nightly_prices(house, start_date, end_date)
    price = quote(nightly_prices=nightly)
    return {
        "nights": price.nights, "subtotal": price.subtotal, "service_fee": price.service_fee, "amount": price.amount,
        "subtotal_display": money(price.subtotal), "service_fee_display": money(price.service_fee),
        "amount_display": money(price.amount),
        "nightly": [{"date": night.isoformat(), "price": value, "price_display": money(value)}
                    for night, value in zip(house_calendar.nights_of(start_date, end_date), nightly, strict=True)],
    }


def _lock_house(house_id: int) -> None:
    """The first write of the booking: serialises bookings and blocks of this house (see the module docstring)."""
    house_calendar.lock_calendar(house_id)


def _overlaps(*, house_id: int, start_date: date, end_date: date) -> bool:
    """Does an active order of the house overlap [start_date, end_date)? Back-to-back stays do not."""
    return house_calendar.is_booked(house_id=house_id, start=start_date, end=end_date)


def _sqlstate(exc: IntegrityError) -> str | None:
    original: Any = exc.orig
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


def _notify_host(*, house: House, start_date: date, end_date: date) -> None:
    """Tell the host after commit, through the per-host text budget (``ihome.orders.host_texts``)."""
    host = db.session.get(User, house.user_id)
    if host is None:
        return
    with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
        body = _("iHome: new booking for %(title)s, %(start)s to %(end)s. Please accept or reject it.",
                 title=house.title, start=start_date.isoformat(), end=end_date.isoformat())
    send_after_commit(db.session, text_host_new_request, host.mobile, body, host.id)


def calendar(*, house_id: int, start: date | None = None, end: date | None = None) -> list[dict]:
    """Stays of active orders of the house overlapping [start, end): dates only, never who booked."""
    return calendar_window(house_id=house_id, start=start, end=end)["booked"]


def calendar_window(*, house_id: int, start: date | None = None, end: date | None = None) -> dict[str, list[dict]]:
    """The house's nights in [start, end): booked stays, blocked ranges (no source) and every night's price.

    Dates only, never who booked or why a night is blocked.
    """
    start = start or clock.today()
    end = end or start + timedelta(days=CALENDAR_DEFAULT_DAYS)
    if end <= start:
        raise Invalid(_("The end date must be after the start date"), fields={"end": [_("Must be after start")]})
    if (end - start).days > CALENDAR_MAX_DAYS:
        message = _("At most %(days)d days at a time", days=CALENDAR_MAX_DAYS)
        raise Invalid(message, fields={"end": [message]})
    if not 0 < house_id <= MAX_ID or not db.session.scalar(select(exists().where(House.id == house_id))):
        raise NotFound(_("House not found"))
    window_start, window_end = start, end

    def ranges(pairs: list[tuple[date, date]]) -> list[dict]:
        return [{"start_date": s.isoformat(), "end_date": e.isoformat()} for s, e in pairs]

    def load() -> dict[str, list[dict]]:
        house = db.session.get(House, house_id)
        assert house is not None  # noqa: S101 - checked above, in this transaction
        nights = house_calendar.nights_of(window_start, window_end)
        prices = house_calendar.nightly_prices(house, window_start, window_end)
        return {
            "booked": ranges(house_calendar.booked_ranges(house_id=house_id, start=window_start, end=window_end)),
            "blocked": ranges(house_calendar.blocked_ranges(house_id=house_id, start=window_start, end=window_end)),
            "prices": [{"date": night.isoformat(), "price": price, "price_display": money(price)}
                       for night, price in zip(nights, prices, strict=True)],
        }

    key = f"orders:calendar:v2:{house_id}:{window_start.isoformat()}:{window_end.isoformat()}"
    return cached(key, load, generations=[house_generation(house_id)])

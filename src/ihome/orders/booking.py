"""Booking a house, without double booking, and the house's calendar of booked stays.

The guarantee, inside the request's one transaction:

1. The house is read with its owner (only the columns a booking needs), and in the same statement the
   guest's own user row is locked (``FOR UPDATE`` in a sub-select on PostgreSQL; SQLite has no row
   locks and the next step's write lock covers it): two bookings by one guest, even of different
   houses, are checked for the guest's limits one after the other.
2. The house's calendar lock (``ihome.houses.calendar.lock_calendar``), so bookings of one house and the
   host's blocks are serialised. On PostgreSQL the statement of step 1 takes it (``FOR NO KEY UPDATE OF
   ih_house``: a row lock until commit, no write). On SQLite it is the first write,
   ``UPDATE ih_house SET booking_version = booking_version + 1``, which opens the transaction and takes
   the database's write lock (a second booking waits on ``busy_timeout``).
3. The overlap. On SQLite a SELECT after the lock, which sees every booking committed before. On
   PostgreSQL the exclusion constraint ``ex_order_no_overlap`` decides when the row is inserted (it
   waits for a concurrent insert of the same nights and refuses the row, SQLSTATE 23P01): the same
   409, one statement fewer.
4. One statement reads the nights' prices, the blocks overlapping the stay (host blocks and imported
   calendars) and the guest's pending orders (``ihome.orders.booking_reads``; after the guest's lock,
   so it sees the guest's orders committed before). Then the insert; then the blocked nights and the
   guest's limits (``ihome.orders.limits``) are decided, and a refusal rolls the whole transaction
   back, the new row with it. The answers keep their precedence: taken nights (409), then blocked
   nights (400), then limits (429).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Insert, Integer, Select, and_, bindparam, exists, insert, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ihome.accounts.models import User
from ihome.core import clock
from ihome.core.cache import cached
from ihome.core.db import table_of
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from ihome.core.security import current_user_id
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses import calendar as house_calendar
from ihome.houses.cache import house_generation, stays_changed
from ihome.houses.models import House
from ihome.houses.presenters import money
from ihome.houses.visibility import is_publicly_visible, may_see_hidden, publicly_visible
from ihome.orders import limits
from ihome.orders.booking_reads import BookingHouse, read_for_booking
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


def check_stay(*, house: House | BookingHouse, start_date: date, end_date: date) -> int:
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


def check_guests(*, house: House | BookingHouse, guests: int) -> None:
    """``Invalid`` on ``guests`` unless 1 ≤ guests ≤ the house's capacity."""
    capacity = max(house.capacity, 1)
    if not 1 <= guests <= capacity:
        message = _("This house takes 1 to %(count)d guests", count=capacity)
        raise Invalid(message, fields={"guests": [message]})


@dataclass(frozen=True)
class Booked:
    """A new order as the booking created it: its id, nights and money (the row is inserted, not loaded)."""

    id: int
    days: int
    subtotal: int
    service_fee: int
    amount: int


def create_order(*, user_id: int, house_id: int, start_date: date, end_date: date, guests: int = 1) -> Booked:
    """Book ``house_id`` for [start_date, end_date) as ``user_id``: WAIT_ACCEPT, money computed here."""
    locked = house_calendar.reads_lock(db.session)
    house = booking_house(house_id=house_id, guest_id=user_id, lock=locked)
    if not house.visible:  # unlisted by an administrator, or its host suspended
        raise NotFound(_("House not found"))
    if house.user_id == user_id:
        raise Forbidden(_("You cannot book your own house"))
    nights = check_stay(house=house, start_date=start_date, end_date=end_date)
    check_guests(house=house, guests=guests)
    if not locked:
        _lock_house(house_id)
    if not _constraint_refuses_overlaps() and _overlaps(house_id=house_id, start_date=start_date, end_date=end_date):
        raise Conflict(_("These dates are already booked"))
    reads = read_for_booking(house=house, user_id=user_id, start=start_date, end=end_date)
    price = quote(nightly_prices=reads.nightly_prices)
    assert price.nights == nights  # noqa: S101 - one price per night
    order_id = _insert({"user_id": user_id, "house_id": house_id, "start_date": start_date, "end_date": end_date,
                        "days": nights, "guests": guests, "house_price": house.price,
                        "status": OrderStatus.WAIT_ACCEPT.value, "cancellation_policy": house.cancellation_policy,
                        **price.order_columns()})
    # taken nights came first (the insert: 409), then blocked nights (400), then the guest's limits (429)
    try:
        if reads.first_blocked_night is not None:  # the houses domain words the refusal
            house_calendar.refuse_blocked_nights(house_id=house_id, start=start_date, end=end_date)
        limits.check_pending(pending=reads.pending, house_id=house_id)
    except (Invalid, RateLimited):
        db.session.rollback()  # the new row goes with the transaction
        raise
    record_creation(order_id=order_id, actor=f"user:{user_id}")
    stays_changed(db.session, house_id, start_date, end_date, area_id=house.area_id)
    _notify_host(house=house, start_date=start_date, end_date=end_date)
    return Booked(id=order_id, days=nights, subtotal=price.subtotal, service_fee=price.service_fee,
                  amount=price.amount)


def booking_house(*, house_id: int, guest_id: int, lock: bool = False) -> BookingHouse:
    """What a booking reads of the house and its host, the guest's row locked (and with ``lock``, the house's
    calendar lock taken: ``houses.calendar.with_calendar_lock``); or ``NotFound``.

    One statement: no photos, facilities or district (a booking shows none of them).
    """
    if not 0 < house_id <= MAX_ID:
        raise NotFound(_("House not found"))
    row = db.session.execute(_house_statement(lock), {"house_id": house_id, "guest_id": guest_id}).first()
    if row is None:
        raise NotFound(_("House not found"))
    return BookingHouse(*row)


@cache
def _house_statement(lock: bool) -> Select:
    """``booking_house``'s statement, built once per process: on every booking, building it and computing
    its cache key cost more Python than the rest of the read (issue 14). Its columns are ``BookingHouse``'s."""
    guest_lock = (select(User.id.label("guest_id")).where(User.id == bindparam("guest_id", type_=Integer()))
                  .with_for_update().subquery("guest_lock"))
    host = aliased(User, name="host")
    query = (
        select(House.id, House.user_id, House.area_id, House.title, House.price, House.weekend_price,
               House.capacity, House.min_days, House.max_days, House.cancellation_policy,
               and_(*publicly_visible(owner=host)).label("visible"), host.mobile)
        .select_from(House)
        .join(guest_lock, true())  # inner: the lock is taken (a missing guest books nothing)
        .join(host, host.id == House.user_id)
        .where(House.id == bindparam("house_id", type_=Integer()))
    )
    return house_calendar.with_calendar_lock(query) if lock else query


def _constraint_refuses_overlaps() -> bool:
    """PostgreSQL has ``ex_order_no_overlap``: the insert itself refuses taken nights."""
    return db.session.get_bind().dialect.name == "postgresql"


def _insert(values: dict[str, Any]) -> int:
    """Insert the order, its id back; nights already taken (the exclusion constraint) roll back and answer 409."""
    try:
        return int(db.session.execute(_insert_statement(), values).scalar_one())
    except IntegrityError as exc:
        db.session.rollback()
        if _sqlstate(exc) == EXCLUSION_VIOLATION:
            raise Conflict(_("These dates are already booked")) from exc
        raise


@cache
def _insert_statement() -> Insert:
    """A Core INSERT … RETURNING id on the table (the columns' defaults apply): the ORM's unit of work cost
    a booking more Python than the statement itself, for a row nobody reads back (issue 14)."""
    table = table_of(Order)
    return insert(table).returning(table.c.id)


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


def _notify_host(*, house: BookingHouse, start_date: date, end_date: date) -> None:
    """Tell the host after commit, through the per-host text budget (``ihome.orders.host_texts``)."""
    body = _request_text() % {"title": house.title, "start": start_date.isoformat(), "end": end_date.isoformat()}
    send_after_commit(db.session, text_host_new_request, house.host_mobile, body, house.user_id)


@cache
def _request_text() -> str:
    """The new request's text, before its values (``%`` as gettext formats them), in the marketplace's
    language: looked up once per process (the catalogs never change while it runs; issue 14)."""
    with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
        return _("iHome: new booking for %(title)s, %(start)s to %(end)s. Please accept or reject it.")


def calendar(*, house_id: int, start: date | None = None, end: date | None = None) -> list[dict]:
    """Stays of active orders of the house overlapping [start, end): dates only, never who booked."""
    return calendar_window(house_id=house_id, start=start, end=end)["booked"]


def _calendar_visible(house_id: int) -> bool:
    """A house's calendar is public while the house is; its owner and administrators see a hidden one's."""
    if db.session.scalar(select(exists().where(House.id == house_id, *publicly_visible()))):
        return True
    owner_id = db.session.scalar(select(House.user_id).where(House.id == house_id))
    return owner_id is not None and may_see_hidden(viewer_id=current_user_id(), owner_id=owner_id)


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
    if not 0 < house_id <= MAX_ID or not _calendar_visible(house_id):
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

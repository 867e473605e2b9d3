"""A house's calendar: what each night costs and which nights nobody can book, and the host's edits.

The one place of both rules:

- a night's price is the owner's override for that date (``NightPrice``), else ``weekend_price`` on
  Friday and Saturday nights, else the base ``price`` (``nightly_prices``);
- a night is unavailable when an active order holds it or any ``HouseBlock`` covers it, the host's own
  or an imported calendar's busy range (``unavailable_ranges``).

Booking, the quote, search and the calendar pages all take their answers from here. A host's block and
a booking of the same house cannot race: both take ``lock_calendar`` (the ``booking_version`` row
write that serialises bookings) before they look at the nights. Services raise domain errors and
never commit; a block bumps the caches of its nights (``stays_changed``: the house and the dated searches
sharing one of those nights, as a booking does), a price edit the listing's (``house_changed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Protocol

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, Select, Update, bindparam, delete, select, update

from ihome.core import clock
from ihome.core.db import table_of
from ihome.core.errors import Conflict, Invalid
from ihome.extensions import db
from ihome.houses.cache import house_changed, stays_changed
from ihome.houses.calendar_models import HouseBlock, NightPrice
from ihome.houses.fields import MAX_MONEY
from ihome.houses.models import House
from ihome.houses.ownership import owned_house
from ihome.houses.stays import held_stays

MAX_EDIT_NIGHTS = 366
FRIDAY, SATURDAY = 4, 5  # date.weekday(): the nights that take the weekend price

Range = tuple[date, date]


# ---- the rules -------------------------------------------------------------------------------------------

def nights_of(start: date, end: date) -> list[date]:
    """The nights of [start, end): the dates from ``start`` up to the day before ``end``."""
    return [start + timedelta(days=n) for n in range((end - start).days)]


def price_overrides(*, house_id: int, start: date, end: date) -> dict[date, int]:
    """The owner's prices for nights of [start, end), by date (one indexed query)."""
    rows = db.session.execute(select(NightPrice.night, NightPrice.price).where(
        NightPrice.house_id == house_id, NightPrice.night >= start, NightPrice.night < end))
    return {night: price for night, price in rows}


class Priced(Protocol):
    """What a night's price depends on besides the owner's overrides: a ``House``, or a booking's row of it."""

    @property
    def price(self) -> int: ...

    @property
    def weekend_price(self) -> int | None: ...


def night_price(house: Priced, night: date, overrides: dict[date, int]) -> int:
    """One night's price: the override, else the weekend price on Friday and Saturday nights, else the base."""
    if night in overrides:
        return overrides[night]
    if house.weekend_price is not None and night.weekday() in (FRIDAY, SATURDAY):
        return house.weekend_price
    return house.price


def nightly_prices(house: House, start: date, end: date) -> list[int]:
    """The price of each night of [start, end), in order (fen)."""
    overrides = price_overrides(house_id=house.id, start=start, end=end)
    return [night_price(house, night, overrides) for night in nights_of(start, end)]


def merge(ranges: list[Range]) -> list[Range]:
    """Half-open ranges merged where they overlap or touch, sorted by start."""
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def booked_ranges(*, house_id: int, start: date, end: date) -> list[Range]:
    """Stays of the house's active orders overlapping [start, end) (the orders domain's, through an event)."""
    return [(stay.start_date, stay.end_date) for stay in held_stays(house_id=house_id, start=start, end=end)]


def block_ranges(*, house_id: int, start: date, end: date, imported: bool | None = None) -> list[Range]:
    """Blocks of the house overlapping [start, end), unmerged: all, only imported ones, or only the host's."""
    query = select(HouseBlock.start_date, HouseBlock.end_date).where(
        HouseBlock.house_id == house_id, HouseBlock.start_date < end, HouseBlock.end_date > start)
    if imported is not None:
        query = query.where(HouseBlock.import_id.is_not(None) if imported else HouseBlock.import_id.is_(None))
    return [(s, e) for s, e in db.session.execute(query.order_by(HouseBlock.start_date))]


def blocked_ranges(*, house_id: int, start: date, end: date) -> list[Range]:
    """Host blocks and imported busy ranges together, merged: what guests see as unavailable, no source."""
    return merge(block_ranges(house_id=house_id, start=start, end=end))


def is_booked(*, house_id: int, start: date, end: date) -> bool:
    """Does an active order of the house hold a night of [start, end)? Back-to-back stays do not."""
    return bool(booked_ranges(house_id=house_id, start=start, end=end))


def first_blocked_night(*, house_id: int, start: date, end: date) -> date | None:
    """The first night of [start, end) that a block (the host's or an imported one) covers, or None."""
    first = db.session.scalar(select(HouseBlock.start_date).where(
        HouseBlock.house_id == house_id, HouseBlock.start_date < end, HouseBlock.end_date > start,
    ).order_by(HouseBlock.start_date).limit(1))
    return None if first is None else max(first, start)


def refuse_blocked_nights(*, house_id: int, start: date, end: date) -> None:
    """``Invalid`` (4103, field ``start_date``) when a night of the stay is blocked or busy elsewhere."""
    night = first_blocked_night(house_id=house_id, start=start, end=end)
    if night is not None:
        message = _("The night of %(date)s is not available", date=night.isoformat())
        raise Invalid(message, fields={"start_date": [message]})


def lock_calendar(house_id: int) -> None:
    """The house's calendar lock, which serialises bookings and blocks of the house: take it before reading
    the nights. Held until commit.

    PostgreSQL: a row lock (``SELECT … FOR NO KEY UPDATE``): no new row version, so no write to the house
    table's dozen indexes (an UPDATE of a full page was not HOT). SQLite has no row locks: a write
    (``booking_version``) takes the database's write lock. A lock is not an edit: ``update_time`` stays.
    """
    db.session.execute(_lock_statement(reads_lock(db.session)), {"house_id": house_id})


def reads_lock(session: Any) -> bool:
    """Does the database take the calendar lock as it reads the house (``with_calendar_lock``)?"""
    return bool(session.get_bind().dialect.name == "postgresql")


def with_calendar_lock(query: Select) -> Select:
    """``query``, which reads the house's row, also taking the calendar lock (where ``reads_lock``): a booking
    takes it in the statement that reads the house, one round trip fewer."""
    return query.with_for_update(of=House, key_share=True)  # FOR NO KEY UPDATE OF ih_house


@cache
def _lock_statement(reading: bool) -> Select | Update:
    """``lock_calendar``'s statement, built once per process (Core: no ORM machinery; its cache key computed
    once; issue 14)."""
    table = table_of(House)
    if reading:
        return with_calendar_lock(select(House.id).where(House.id == bindparam("house_id", type_=Integer())))
    return (update(table).where(table.c.id == bindparam("house_id", type_=Integer()))
            .values(booking_version=table.c.booking_version + 1, update_time=table.c.update_time))


# ---- the owner's edits -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EditRange:
    """A checked range of nights the owner edits: [start, end)."""

    start: date
    end: date


def check_edit_range(*, start_date: date, end_date: date) -> EditRange:
    """A range the owner may edit: from today, nights up to the booking horizon, at most 366 nights."""
    today = clock.today()
    last_night = today + timedelta(days=int(current_app.config["BOOKING_HORIZON_DAYS"]))
    if start_date < today:
        message = _("The first night cannot be in the past")
        raise Invalid(message, fields={"start_date": [message]})
    if end_date <= start_date:
        message = _("The end date must be after the start date")
        raise Invalid(message, fields={"end_date": [message]})
    if (end_date - start_date).days > MAX_EDIT_NIGHTS:
        message = _("At most %(days)d nights at a time", days=MAX_EDIT_NIGHTS)
        raise Invalid(message, fields={"end_date": [message]})
    if end_date > last_night + timedelta(days=1):
        message = _("Nights can be changed up to %(date)s", date=last_night.isoformat())
        raise Invalid(message, fields={"end_date": [message]})
    return EditRange(start_date, end_date)


def _own_locked(*, house_id: int, user_id: int) -> House:
    house = owned_house(house_id=house_id, user_id=user_id)
    lock_calendar(house.id)
    return house


def host_blocks(*, house_id: int) -> list[Range]:
    """The host's own blocks from today on, merged (imported ranges apart)."""
    today = clock.today()
    return merge(block_ranges(house_id=house_id, start=today, end=date.max, imported=False))


def set_blocked(*, house_id: int, user_id: int, start_date: date, end_date: date, blocked: bool) -> list[Range]:
    """Block or unblock the nights [start, end) as the owner; returns the host's blocks from today on.

    Blocking merges with the host's blocks it overlaps or touches (one row per range) and is refused
    (``Conflict``) when an active booking holds a night of the range. Unblocking cuts the range out of
    the host's blocks, splitting one that straddles it; imported busy ranges are never touched.
    """
    span = check_edit_range(start_date=start_date, end_date=end_date)
    house = _own_locked(house_id=house_id, user_id=user_id)
    if blocked and is_booked(house_id=house.id, start=span.start, end=span.end):
        raise Conflict(_("A booked night is inside this range: it cannot be blocked"))
    # the host's rows that overlap or touch the range are replaced by what remains of them
    touching = list(db.session.scalars(select(HouseBlock).where(
        HouseBlock.house_id == house.id, HouseBlock.import_id.is_(None),
        HouseBlock.start_date <= span.end, HouseBlock.end_date >= span.start)))
    kept: list[Range] = []
    for row in touching:
        if blocked:
            kept.append((row.start_date, row.end_date))
        else:
            if row.start_date < span.start:
                kept.append((row.start_date, min(row.end_date, span.start)))
            if row.end_date > span.end:
                kept.append((max(row.start_date, span.end), row.end_date))
        db.session.delete(row)
    if blocked:
        kept.append((span.start, span.end))
    db.session.flush()
    for start, end in merge(kept):
        db.session.add(HouseBlock(house_id=house.id, start_date=start, end_date=end))
    db.session.flush()
    stays_changed(db.session, house.id, span.start, span.end)  # only those nights' availability changed
    return host_blocks(house_id=house.id)


def set_prices(*, house_id: int, user_id: int, start_date: date, end_date: date,
               price: int | None) -> list[tuple[date, int]]:
    """Set the price of each night of [start, end) as the owner (None: back to the weekend/base price).

    Returns every night of the range with the price it now has. Orders keep the money of their booking.
    """
    span = check_edit_range(start_date=start_date, end_date=end_date)
    if price is not None and not 0 <= price <= MAX_MONEY:
        message = _("Enter a number from %(low)s to %(high)s", low=0, high=MAX_MONEY)
        raise Invalid(message, fields={"price": [message]})
    house = _own_locked(house_id=house_id, user_id=user_id)
    db.session.execute(delete(NightPrice).where(
        NightPrice.house_id == house.id, NightPrice.night >= span.start, NightPrice.night < span.end))
    if price is not None:
        db.session.add_all(NightPrice(house_id=house.id, night=night, price=price)
                           for night in nights_of(span.start, span.end))
    db.session.flush()
    house_changed(db.session, house.id)
    nights = nights_of(span.start, span.end)
    return list(zip(nights, nightly_prices(house, span.start, span.end), strict=True))


def calendar_page(*, house_id: int, user_id: int) -> dict[str, object]:
    """What the owner's calendar page needs besides the API: the house's prices and the editable nights."""
    house = owned_house(house_id=house_id, user_id=user_id)
    today = clock.today()
    return {"house_id": house.id, "title": house.title, "price": house.price, "weekend_price": house.weekend_price,
            "today": today, "last_night": today + timedelta(days=int(current_app.config["BOOKING_HORIZON_DAYS"]))}


def owner_calendar(*, house_id: int, user_id: int) -> dict[str, list]:
    """For the owner's calendar page: the host's blocks, imported busy ranges and price overrides, from today."""
    house = owned_house(house_id=house_id, user_id=user_id)
    today = clock.today()
    imported = merge(block_ranges(house_id=house.id, start=today, end=date.max, imported=True))
    overrides = db.session.execute(select(NightPrice.night, NightPrice.price).where(
        NightPrice.house_id == house.id, NightPrice.night >= today).order_by(NightPrice.night)).all()
    return {"blocked": host_blocks(house_id=house.id), "imported": imported,
            "overrides": [(night, value) for night, value in overrides]}

"""What a booking reads after taking the house's lock, in one statement instead of three.

``UNION ALL`` of the guest's pending orders (for ``ihome.orders.limits``), the owner's night prices of
the stay and the blocks overlapping it (``ihome.houses.calendar``'s rules: the prices go through
``night_price``, the first blocked night is the earliest block start, no earlier than check-in). The
rows are told apart by their first column. It runs after the house lock (so a host's block cannot
slip in between) and after the statement that locked the guest's row (so it sees every order of the
guest committed before); the booking decides from it in the order of its answers: taken nights
first (the insert), then blocked nights, then the limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Date,
    Integer,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)

from ihome.core.db import UTCDateTime
from ihome.extensions import db
from ihome.houses import calendar as house_calendar
from ihome.houses.calendar_models import HouseBlock, NightPrice
from ihome.orders.limits import PENDING_STATUSES, PendingOrder
from ihome.orders.models import Order

PENDING, PRICE, BLOCK = "o", "p", "b"


@dataclass(frozen=True)
class BookingHouse:
    """What a booking reads of the house and its host, as one row (``booking.booking_house``): no ORM object
    to build, load or track (issue 14)."""

    id: int
    user_id: int
    area_id: int
    title: str
    price: int
    weekend_price: int | None
    capacity: int
    min_days: int
    max_days: int
    cancellation_policy: str
    visible: bool  # ``houses.visibility.publicly_visible``, evaluated by the database
    host_mobile: str


@dataclass
class BookingReads:
    """The guest's pending orders, the stay's price of each night, and its first blocked night (or None)."""

    pending: list[PendingOrder] = field(default_factory=list)
    nightly_prices: list[int] = field(default_factory=list)
    first_blocked_night: date | None = None


def read_for_booking(*, house: BookingHouse, user_id: int, start: date, end: date) -> BookingReads:
    """One round trip: see the module docstring."""
    reads = BookingReads()
    overrides: dict[date, int] = {}
    block_starts: list[date] = []
    params = {"user_id": user_id, "house_id": house.id, "start": start, "end": end}
    for kind, day, price, house_id, status, created, updated in db.session.execute(_statement(), params):
        if kind == PENDING:
            reads.pending.append(PendingOrder(house_id=house_id, status=status, create_time=created,
                                              update_time=updated))
        elif kind == PRICE:
            overrides[day] = price
        else:
            block_starts.append(day)
    reads.nightly_prices = [house_calendar.night_price(house, night, overrides)
                            for night in house_calendar.nights_of(start, end)]
    reads.first_blocked_night = max(min(block_starts), start) if block_starts else None
    return reads


@cache
def _statement() -> CompoundSelect:
    """The union, with bound parameters (:user_id, :house_id, :start, :end), built once per process: building
    it and computing its cache key on every booking cost more Python than its rows (issue 14)."""
    user_id, house_id = bindparam("user_id", type_=Integer()), bindparam("house_id", type_=Integer())
    start, end = bindparam("start", type_=Date()), bindparam("end", type_=Date())
    no_date, no_money, no_id = cast(null(), Date), cast(null(), BigInteger), cast(null(), Integer)
    no_text, no_time = cast(null(), String), cast(null(), UTCDateTime)
    pending = select(literal(PENDING).label("kind"), no_date.label("day"), no_money.label("price"),
                     Order.house_id, Order.status, Order.create_time, Order.update_time).where(
        Order.user_id == user_id, Order.status.in_(PENDING_STATUSES))
    prices = select(literal(PRICE), NightPrice.night, NightPrice.price, no_id, no_text, no_time, no_time).where(
        NightPrice.house_id == house_id, NightPrice.night >= start, NightPrice.night < end)
    blocks = select(literal(BLOCK), HouseBlock.start_date, no_money, no_id, no_text, no_time, no_time).where(
        HouseBlock.house_id == house_id, HouseBlock.start_date < end, HouseBlock.end_date > start)
    return union_all(pending, prices, blocks)

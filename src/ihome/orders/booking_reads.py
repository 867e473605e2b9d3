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

from sqlalchemy import BigInteger, Date, Integer, String, cast, literal, null, select, union_all

from ihome.core.db import UTCDateTime
from ihome.extensions import db
from ihome.houses import calendar as house_calendar
from ihome.houses.calendar_models import HouseBlock, NightPrice
from ihome.houses.models import House
from ihome.orders.limits import PENDING_STATUSES, PendingOrder
from ihome.orders.models import Order

PENDING, PRICE, BLOCK = "o", "p", "b"


@dataclass
class BookingReads:
    """The guest's pending orders, the stay's price of each night, and its first blocked night (or None)."""

    pending: list[PendingOrder] = field(default_factory=list)
    nightly_prices: list[int] = field(default_factory=list)
    first_blocked_night: date | None = None


def read_for_booking(*, house: House, user_id: int, start: date, end: date) -> BookingReads:
    """One round trip: see the module docstring."""
    no_date, no_money, no_id = cast(null(), Date), cast(null(), BigInteger), cast(null(), Integer)
    no_text, no_time = cast(null(), String), cast(null(), UTCDateTime)
    pending = select(literal(PENDING).label("kind"), no_date.label("day"), no_money.label("price"),
                     Order.house_id, Order.status, Order.create_time, Order.update_time).where(
        Order.user_id == user_id, Order.status.in_(PENDING_STATUSES))
    prices = select(literal(PRICE), NightPrice.night, NightPrice.price, no_id, no_text, no_time, no_time).where(
        NightPrice.house_id == house.id, NightPrice.night >= start, NightPrice.night < end)
    blocks = select(literal(BLOCK), HouseBlock.start_date, no_money, no_id, no_text, no_time, no_time).where(
        HouseBlock.house_id == house.id, HouseBlock.start_date < end, HouseBlock.end_date > start)
    reads = BookingReads()
    overrides: dict[date, int] = {}
    block_starts: list[date] = []
    for kind, day, price, house_id, status, created, updated in db.session.execute(union_all(pending, prices, blocks)):
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


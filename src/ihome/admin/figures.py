"""The additive figures of marketplace days, computed live from the source records.

``compute(start, end)`` reads the order event log, payments, refunds, bookings, houses and users of
the days [start, end] (inclusive, in IHOME_TIMEZONE) and returns the sums per (day, district) that
``ih_stats_daily`` stores (``models.FIGURES``). Every row is placed on the marketplace date of its
timestamp, and on the district of the order's house (users on district 0). The rollup job stores
exactly this; the statistics read it for the days not rolled up yet (today, the future). Each source
(``PARTS``) gives its own figures, so a caller that needs a few figures (a time series of one metric)
reads only their sources.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, Date, and_, bindparam, exists, func, literal, or_, select, text
from sqlalchemy.orm import aliased

from ihome.accounts.models import User
from ihome.admin import counters
from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.visibility import publicly_visible
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment, PaymentStatus, Refund, RefundStatus

log = logging.getLogger(__name__)
S = OrderStatus
WAIT_ACCEPT, WAIT_PAYMENT, PAID = S.WAIT_ACCEPT.value, S.WAIT_PAYMENT.value, S.PAID.value
WAIT_COMMENT, COMPLETE, CANCELED, REJECTED = S.WAIT_COMMENT.value, S.COMPLETE.value, S.CANCELED.value, S.REJECTED.value
NO_DISTRICT = 0
Figures = Counter  # figure name -> sum
# Stays that hold their nights for good: paid and not cancelled.
# Written as the partial index ``ix_order_booked_end`` is (SQLite uses it only for the same terms).
BOOKED_SQL = "ih_order.status IN ('PAID', 'WAIT_COMMENT', 'COMPLETE')"
EXPIRY_ACTORS = ("system:expire_unanswered", "system:expire_unpaid")


# ---- money parts of an order --------------------------------------------------------------------------
# Stored at booking time by ihome.orders.money: amount = subtotal + service fee, payout = subtotal − commission.

def _platform_take() -> ColumnElement[Any]:
    """What the marketplace keeps of an order's amount: service fee + commission = amount − host payout."""
    return Order.amount - Order.host_payout


# ---- time ---------------------------------------------------------------------------------------------

def day_start(day: date) -> datetime:
    """The UTC instant a marketplace day begins."""
    return datetime.combine(day, time(0), tzinfo=clock.marketplace_zone()).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(clock.marketplace_zone()).date()


def _local_days() -> Callable[[datetime], date]:
    """``local_day`` with the zone looked up once (it runs for every row of a rebuild)."""
    zone = clock.marketplace_zone()

    def convert(moment: datetime) -> date:
        return moment.astimezone(zone).date()  # UTCDateTime reads back timezone-aware

    return convert


def days(start: date, end: date) -> Iterator[date]:
    """Every date of the inclusive range."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


# ---- the computation ----------------------------------------------------------------------------------

# The figures each source gives (together: every name of models.FIGURES, each once).
# The event log gives five: each reads only its kind of events (``EVENT_KINDS``), so a time series of one
# metric skips the others' rows and their order and house lookups.
PARTS: dict[str, tuple[str, ...]] = {
    "requests": ("requested", "lead_days_sum", "stay_nights_sum"),
    "answers": ("accepted", "rejected"),
    "cancellations": ("expired", "expired_unanswered", "cancelled_by_guest", "cancelled_by_host",
                      "cancelled_after_accept"),
    "stays_ended": ("completed",),
    "reviews": ("rating_sum", "rating_count"),
    "payments": ("paid", "gmv", "revenue_paid"),
    "refunds": ("refunds", "revenue_refunded"),
    "booked": ("booked_nights", "booked_subtotal"),
    "listings": ("new_listings", "new_hosts"),
    "stock": ("active_listings",),  # the only part that counts every house
    "users": ("new_users",),
    "counters": ("searches", "detail_views"),
}


def compute(start: date, end: date, *, with_counters: bool = True, figures: Collection[str] | None = None,
            ) -> tuple[dict[tuple[date, int], Figures], set[date]]:
    """The figures per (day, district) of [start, end], and the days whose Redis counters are gone.

    With ``figures``, only the sources of those figures are read (the others' figures stay 0).
    """
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    out: dict[tuple[date, int], Figures] = defaultdict(Counter)
    wanted = {part for part, names in PARTS.items() if figures is None or not set(names).isdisjoint(figures)}
    if kinds := frozenset(wanted & EVENT_KINDS.keys()):
        _events(out, lo, hi, kinds=kinds)
    if "payments" in wanted:
        _payments(out, lo, hi)
    if "refunds" in wanted:
        _refunds(out, lo, hi)
    if "booked" in wanted:
        _booked_nights(out, start, end)
    if "listings" in wanted or "stock" in wanted:
        _listings(out, start, end, lo, hi, new="listings" in wanted, stock="stock" in wanted)
    if "users" in wanted:
        _users(out, lo, hi)
    missing: set[date] = set()
    if with_counters and "counters" in wanted:
        missing = _counters(out, start, end)
    return out, missing


def _statements() -> dict[str, Any]:
    """Every query of the live figures for the session's database (``_built``)."""
    return _built(db.session.get_bind().dialect.name)


@functools.cache
def _built(dialect: str) -> dict[str, Any]:
    """Every query of the live figures, built once with bound parameters (lo/hi: instants; start/end: dates).

    Built statements skip SQLAlchemy's per-call construction and cache-key work: today's figures are
    computed on every dashboard request.
    """
    lo: Any = bindparam("lo")
    hi: Any = bindparam("hi")
    earlier = aliased(House)
    first = ~exists().where(earlier.user_id == House.user_id, or_(
        earlier.create_time < House.create_time, and_(earlier.create_time == House.create_time, earlier.id < House.id)))
    return {
        "events": _events_statement(frozenset(EVENT_KINDS)),
        "payments": select(Payment.paid_at, Payment.amount, Order.amount, _platform_take(), House.area_id)
        .join(Order, Order.id == Payment.order_id).join(House, House.id == Order.house_id)
        .where(Payment.status == PaymentStatus.SUCCEEDED.value, Payment.paid_at >= lo, Payment.paid_at < hi),
        "refunds": select(Refund.update_time, Refund.amount, Payment.amount, Order.amount, _platform_take(),
                          House.area_id)
        .join(Payment, Payment.id == Refund.payment_id).join(Order, Order.id == Payment.order_id)
        .join(House, House.id == Order.house_id)
        .where(Refund.status == RefundStatus.SUCCEEDED.value, Refund.update_time >= lo, Refund.update_time < hi),
        # the window's booked stays through an index, and each stay's district by its house's key: a join
        # would read every house (SQLite: loop over the houses; PostgreSQL: hash them all, ~30 ms of CPU at
        # 100,000 houses for the ~2,000 stays of a day)
        "booked": select(Order.house_id, _district_of_house(), Order.start_date, Order.days, Order.subtotal)
        .where(text(BOOKED_SQL), *_nights_in_window(dialect)),
        # active listings: houses the public may see today (ihome.houses.visibility), by creation day
        "listed_before": _listed_before(dialect, lo),
        "listed": select(House.create_time, House.area_id, first, and_(*publicly_visible()))
        .where(House.create_time >= lo, House.create_time < hi),
        "joined": select(User.create_time).where(User.create_time >= lo, User.create_time < hi),
    }


# Which events each event part reads: exactly the rows ``_events`` gives its figures (a request is the first
# event; every other kind has a previous status).
EVENT_KINDS: dict[str, ColumnElement[bool]] = {
    "requests": OrderEvent.from_status.is_(None),
    "answers": and_(OrderEvent.from_status.is_not(None), OrderEvent.to_status.in_([WAIT_PAYMENT, REJECTED])),
    "cancellations": and_(OrderEvent.from_status.is_not(None), OrderEvent.to_status == CANCELED),
    "stays_ended": and_(OrderEvent.from_status == PAID, OrderEvent.to_status == WAIT_COMMENT),
    "reviews": and_(OrderEvent.from_status.is_not(None), OrderEvent.to_status == COMPLETE, Order.rating.is_not(None)),
}


@functools.cache
def _events_statement(kinds: frozenset[str]) -> Any:
    """The events of [lo, hi) of these kinds, with what their figures read of the order and its house; built once
    per set of kinds (every kind: no filter)."""
    statement = select(
        OrderEvent.create_time, OrderEvent.from_status, OrderEvent.to_status, OrderEvent.actor,
        Order.user_id, House.user_id, House.area_id,
        Order.start_date, Order.days, Order.rating) \
        .join(Order, Order.id == OrderEvent.order_id).join(House, House.id == Order.house_id) \
        .where(OrderEvent.create_time >= bindparam("lo"), OrderEvent.create_time < bindparam("hi"))
    if kinds == EVENT_KINDS.keys():
        return statement
    return statement.where(or_(*(EVENT_KINDS[kind] for kind in sorted(kinds))))


def _listed_before(dialect: str, lo: Any) -> Any:
    """The houses the public may see, created before ``lo``, per district: every house is counted, from the
    covering partial index ``ix_house_listed_area_created`` (migration 0016). The owner's check takes the form
    each database runs fastest: PostgreSQL hashes the few suspended owners once (an anti-join); SQLite runs a
    NOT EXISTS per house (~1 s at 100,000 houses) but a join on the owner's key in ~30 ms."""
    count = select(House.area_id, func.count()).where(House.create_time < lo).group_by(House.area_id)
    if dialect == "sqlite":
        owner = aliased(User)
        return count.join(owner, owner.id == House.user_id).where(*publicly_visible(owner=owner))
    return count.where(*publicly_visible())


def _district_of_house() -> Any:
    return select(House.area_id).where(House.id == Order.house_id).scalar_subquery()


def _nights_in_window(dialect: str) -> list[ColumnElement[bool]]:
    """Stays with a night in [start, end], in the form each database's index answers: PostgreSQL's GiST
    ``ix_order_booked_stay`` (whose statistics also estimate the few rows of a day, where the two dates
    compared apart look like 150,000), SQLite's ``ix_order_booked_end``, whose scan by check-out is bounded
    on both sides: no booked stay is longer than the longest one (without that bound SQLite read every
    future booked stay, ~130,000 at 1,000,000 orders, for a day's ~2,300)."""
    start: Any = bindparam("start", type_=Date)
    end: Any = bindparam("end", type_=Date)
    if dialect == "postgresql":
        stay = func.daterange(Order.start_date, Order.end_date, text("'[)'"))  # ix_order_booked_stay's expression
        return [stay.op("&&")(func.daterange(start, end, text("'[]'")))]
    last_checkout = func.date(end, literal("+").concat(_longest_booked_stay()).concat(" days"))
    return [Order.end_date > start, Order.end_date <= last_checkout, Order.start_date <= end]


def _longest_booked_stay() -> Any:
    """SQLite: the days of the longest booked stay, read from ``ix_order_booked_length`` (migration 0016); NULL
    without booked stays (the window then finds none, rightly)."""
    length = func.julianday(Order.end_date) - func.julianday(Order.start_date)  # the index's expression
    # its own FROM ih_order (not correlated to the outer query's), in whose scope BOOKED_SQL's names resolve
    return select(func.max(length)).where(text(BOOKED_SQL)).correlate(None).scalar_subquery()


def _events(out: dict[tuple[date, int], Figures], lo: datetime, hi: datetime, *,
            kinds: frozenset[str] = frozenset(EVENT_KINDS)) -> None:
    rows = db.session.execute(_events_statement(kinds), {"lo": lo, "hi": hi}).all()
    to_local = _local_days()
    for at, source, target, actor, guest_id, host_id, area, start_date, nights, rating in rows:
        day = to_local(at)
        figures = out[(day, area)]
        if source is None:
            figures["requested"] += 1
            figures["lead_days_sum"] += max(0, (start_date - day).days)
            figures["stay_nights_sum"] += nights
        elif target == WAIT_PAYMENT:
            figures["accepted"] += 1
        elif target == REJECTED:
            figures["rejected"] += 1
        elif target == CANCELED:
            _cancellation(figures, source, _who(actor, guest_id, host_id))
        elif source == PAID and target == WAIT_COMMENT:
            figures["completed"] += 1
        elif target == COMPLETE and rating is not None:
            figures["rating_sum"] += rating
            figures["rating_count"] += 1


def _who(actor: str, guest_id: int, host_id: int) -> str:
    """guest, host, expiry or other (an administrator, another job) for a cancelling event."""
    if actor in EXPIRY_ACTORS:
        return "expiry"
    if actor == f"user:{guest_id}":
        return "guest"
    if actor == f"user:{host_id}":
        return "host"
    return "other"


def _cancellation(figures: Figures, source: str, who: str) -> None:
    if who == "expiry":
        figures["expired"] += 1
        if source == WAIT_ACCEPT:
            figures["expired_unanswered"] += 1
        return
    if who in ("guest", "host"):
        figures[f"cancelled_by_{who}"] += 1
        if source in (WAIT_PAYMENT, PAID):
            figures["cancelled_after_accept"] += 1


def _payments(out: dict[tuple[date, int], Figures], lo: datetime, hi: datetime) -> None:
    rows = db.session.execute(_statements()["payments"], {"lo": lo, "hi": hi}).all()
    to_local = _local_days()
    for paid_at, amount, order_amount, take, area in rows:
        figures = out[(to_local(paid_at), area)]
        figures["paid"] += 1
        figures["gmv"] += amount
        figures["revenue_paid"] += take * amount // order_amount if order_amount else 0


def _refunds(out: dict[tuple[date, int], Figures], lo: datetime, hi: datetime) -> None:
    rows = db.session.execute(_statements()["refunds"], {"lo": lo, "hi": hi}).all()
    to_local = _local_days()
    for at, amount, paid, order_amount, take, area in rows:
        figures = out[(to_local(at), area)]
        figures["refunds"] += amount
        # a refund gives back the marketplace's share of the payment in proportion to what it returns
        share = take * paid // order_amount if order_amount else 0
        figures["revenue_refunded"] += share * amount // paid if paid else 0


def night_shares(subtotal: int, nights: int) -> list[int]:
    """The subtotal split over the nights in whole fen (the shares add up to the subtotal exactly)."""
    return [subtotal * (i + 1) // nights - subtotal * i // nights for i in range(nights)]


def booked_stays(start: date, end: date) -> list[Any]:
    """(house id, district, check-in, nights, subtotal) of the booked stays with a night in [start, end]."""
    return list(db.session.execute(_statements()["booked"], {"start": start, "end": end}).all())


def _booked_nights(out: dict[tuple[date, int], Figures], start: date, end: date) -> None:
    for _house, area, check_in, nights, subtotal in booked_stays(start, end):
        for index, share in enumerate(night_shares(subtotal, nights)):
            night = check_in + timedelta(days=index)
            if start <= night <= end:
                figures = out[(night, area)]
                figures["booked_nights"] += 1
                figures["booked_subtotal"] += share


def _listings(out: dict[tuple[date, int], Figures], start: date, end: date, lo: datetime, hi: datetime, *,
              new: bool = True, stock: bool = True) -> None:
    """``new``: new_listings, new_hosts (a host's first house); ``stock``: active_listings (houses at the day's
    end that the public may see now: published, listed, of an active host; their past hidden spells are not
    kept), which counts every house created before the range."""
    statements = _statements()
    rows = db.session.execute(statements["listed"], {"lo": lo, "hi": hi}).all()
    created: dict[tuple[date, int], int] = Counter()
    to_local = _local_days()
    for at, area, is_first, visible in rows:
        day = to_local(at)
        created[(day, area)] += 1 if visible else 0
        if new:
            out[(day, area)]["new_listings"] += 1
            if is_first:
                out[(day, area)]["new_hosts"] += 1
    if not stock:
        return
    before: dict[int, int] = dict(db.session.execute(statements["listed_before"], {"lo": lo}).all())  # type: ignore[arg-type]
    areas = set(before) | {area for _day, area in created}
    running = dict(before)
    for day in days(start, end):
        for area in areas:
            running[area] = running.get(area, 0) + created.get((day, area), 0)
            if running[area]:
                out[(day, area)]["active_listings"] = running[area]


def _users(out: dict[tuple[date, int], Figures], lo: datetime, hi: datetime) -> None:
    to_local = _local_days()
    for (at,) in db.session.execute(_statements()["joined"], {"lo": lo, "hi": hi}):
        out[(to_local(at), NO_DISTRICT)]["new_users"] += 1


def _counters(out: dict[tuple[date, int], Figures], start: date, end: date) -> set[date]:
    missing: set[date] = set()
    per_day = {}
    try:
        for day in days(start, end):
            counted = counters.read_day(day)
            if counted is None:
                missing.add(day)
            else:
                per_day[day] = counted
    except RedisError as exc:  # unreachable: those days keep the counts the rollup has
        log.warning("could not read the search and view counters from %s: %s", day, exc)
        missing |= {later for later in days(day, end)}
    house_ids = {house for _searches, views in per_day.values() for house in views}
    area_of = _areas_of(house_ids)
    for day, (searches, views) in per_day.items():
        for aid, count in searches.items():
            out[(day, aid)]["searches"] += count
        for house, count in views.items():
            if house in area_of:
                out[(day, area_of[house])]["detail_views"] += count
    return missing


def _areas_of(house_ids: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    ids = sorted(house_ids)
    for index in range(0, len(ids), 500):
        chunk = ids[index:index + 500]
        found.update(db.session.execute(select(House.id, House.area_id).where(House.id.in_(chunk))).all())
    return found

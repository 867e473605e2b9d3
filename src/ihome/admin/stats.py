"""The statistics of API.md's Administration section: summary, time series and districts.

Closed days are read from the daily rollup (``rollups.rolled_up``: one row per day); today, future
days and any closed day not rolled up yet are computed live (``figures.compute``). Both give the
same sums per day, and every ratio is derived here from summed numerators and denominators, so a
range reads the same whichever path its days took. Money is in fen; rates are 0..1 with 4 decimals
and null when their denominator is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from ihome.admin import figures as live
from ihome.admin.figures import Figures, days
from ihome.admin.models import FIGURES
from ihome.admin.rollups import CHUNK_DAYS, rolled_up
from ihome.core import clock
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.models import Area
from ihome.houses.reference import list_areas

MAX_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)  # dates outside are nobody's statistics
MAX_ID = 2**31 - 1
BOOKING_KEYS = ("requested", "accepted", "rejected", "expired", "cancelled_by_guest", "cancelled_by_host",
                "paid", "completed")
# Every numeric key of the summary, as the time series names them.
METRICS: tuple[str, ...] = (
    "gmv", "refunds", "net_gmv", "revenue", *(f"bookings.{key}" for key in BOOKING_KEYS), "acceptance_rate",
    "cancellation_rate", "occupancy_rate", "adr", "revpar", "avg_lead_time_days", "avg_stay_nights",
    "new_users", "new_hosts", "new_listings", "active_listings", "avg_rating", "searches", "detail_views",
)
# More series than summary keys: booked nights per day draw the dashboard's calendar heatmap.
SERIES_ONLY: tuple[str, ...] = ("booked_nights",)
INTERVALS = ("day", "week", "month")


# ---- parameters ---------------------------------------------------------------------------------------

def check_range(start: date, end: date, aid: int | None = None) -> None:
    """``Invalid`` (4103) unless start ≤ end, the range has at most 366 days and ``aid`` is a district."""
    if end < start:
        raise Invalid(_("The end date must not be before the start date"), fields={"end": [_("Before start")]})
    if not (start >= EARLIEST and end <= LATEST):
        message = _("Dates from %(first)s to %(last)s only", first=EARLIEST.isoformat(), last=LATEST.isoformat())
        raise Invalid(message, fields={"start" if start < EARLIEST else "end": [message]})
    if (end - start).days + 1 > MAX_DAYS:
        message = _("At most %(days)d days at a time", days=MAX_DAYS)
        raise Invalid(message, fields={"end": [message]})
    if aid is not None and (not 0 < aid <= MAX_ID or db.session.get(Area, aid) is None):
        raise Invalid(_("No such district"), fields={"aid": [_("No such district")]})


# ---- the sums of each day -----------------------------------------------------------------------------

def daily(start: date, end: date, *, aid: int | None = None, sums: Collection[str] | None = None
          ) -> dict[date, Figures]:
    """The sums of every day of [start, end] (of one district with ``aid``): rollups, else live.

    With ``sums``, the days computed live read only the sources of those sums (the others stay 0 there).
    """
    today = clock.today()
    result = rolled_up(start, min(end, today - timedelta(days=1)), aid=aid) if start < today else {}
    for run_start, run_end in _runs(day for day in days(start, end) if day not in result):
        computed, _gone = live.compute(run_start, run_end, figures=sums)
        for (day, area), values in computed.items():
            if aid is None or area == aid:
                result.setdefault(day, Counter()).update(values)
    return {day: result.get(day, Counter()) for day in days(start, end)}


def by_district(start: date, end: date) -> dict[int, tuple[Figures, int]]:
    """Per district: (the range's sums, active listings on the last day)."""
    today = clock.today()
    per_day = rolled_up(start, min(end, today - timedelta(days=1)), by_area=True) if start < today else {}
    covered = {day for day, _area in per_day}
    for run_start, run_end in _runs(day for day in days(start, end) if day not in covered):
        computed, _gone = live.compute(run_start, run_end)
        for key, values in computed.items():
            per_day.setdefault(key, Counter()).update(values)
    result: dict[int, tuple[Figures, int]] = {}
    for (day, area), values in per_day.items():
        total, last = result.get(area, (Counter(), 0))
        total.update(values)
        result[area] = (total, values["active_listings"] if day == end else last)
    return result


def _runs(wanted: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive dates grouped into (first, last) runs of at most CHUNK_DAYS (bounded memory)."""
    runs: list[list[date]] = []
    for day in wanted:
        if runs and runs[-1][1] + timedelta(days=1) == day and (day - runs[-1][0]).days < CHUNK_DAYS:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


# ---- derived figures ----------------------------------------------------------------------------------

def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def average(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def fen_ratio(numerator: int, denominator: int) -> int | None:
    """Fen per unit, rounded half up to the fen."""
    return (2 * numerator + denominator) // (2 * denominator) if denominator else None


# Every summary figure that is not one stored sum: (the sums it reads, the formula over them). ``derive``
# computes each from exactly these sums, so a time series of one figure knows which sums to read.
FORMULAS: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "net_gmv": (("gmv", "refunds"), lambda gmv, refunds: gmv - refunds),
    "revenue": (("revenue_paid", "revenue_refunded"), lambda paid, refunded: paid - refunded),
    "acceptance_rate": (("accepted", "rejected", "expired_unanswered"),
                        lambda accepted, rejected, unanswered: rate(accepted, accepted + rejected + unanswered)),
    "cancellation_rate": (("cancelled_after_accept", "accepted"), rate),
    # the daily stock of active listings summed over the days is the available house-nights
    "occupancy_rate": (("booked_nights", "active_listings"), rate),
    "adr": (("booked_subtotal", "booked_nights"), fen_ratio),
    "revpar": (("booked_subtotal", "active_listings"), fen_ratio),
    "avg_lead_time_days": (("lead_days_sum", "requested"), average),
    "avg_stay_nights": (("stay_nights_sum", "requested"), average),
    "avg_rating": (("rating_sum", "rating_count"), average),
}


def derive(total: Figures, *, active_listings: int) -> dict[str, Any]:
    """The summary's figures from a range's sums and its last day's active listings."""
    derived = {name: formula(*(total[key] for key in sums)) for name, (sums, formula) in FORMULAS.items()}
    return {
        "gmv": total["gmv"],
        "refunds": total["refunds"],
        "net_gmv": derived["net_gmv"],
        "revenue": derived["revenue"],
        "bookings": {key: total[key] for key in BOOKING_KEYS},
        "acceptance_rate": derived["acceptance_rate"],
        "cancellation_rate": derived["cancellation_rate"],
        "occupancy_rate": derived["occupancy_rate"],
        "adr": derived["adr"],
        "revpar": derived["revpar"],
        "avg_lead_time_days": derived["avg_lead_time_days"],
        "avg_stay_nights": derived["avg_stay_nights"],
        "new_users": total["new_users"],
        "new_hosts": total["new_hosts"],
        "new_listings": total["new_listings"],
        "active_listings": active_listings,
        "avg_rating": derived["avg_rating"],
        "searches": total["searches"],
        "detail_views": total["detail_views"],
    }


def _total(per_day: dict[date, Figures], first: date, last: date) -> dict[str, Any]:
    """The derived figures of the days [first, last] (every day of it is in ``per_day``)."""
    if first == last:
        total = per_day[first]
    else:
        span = [per_day[day] for day in days(first, last)]
        total = Counter({name: sum(values[name] for values in span) for name in FIGURES})
    return derive(total, active_listings=per_day[last]["active_listings"])


# ---- the API's answers --------------------------------------------------------------------------------

def summary(*, start: date, end: date, aid: int | None = None) -> dict[str, Any]:
    """GET /admin/stats/summary."""
    check_range(start, end, aid)
    return {"start": start, "end": end, **_total(daily(start, end, aid=aid), start, end)}


# Metrics that are one stored sum: a time series of them needs no derived figures.
SUMS = {"gmv": "gmv", "refunds": "refunds", "new_users": "new_users", "new_hosts": "new_hosts",
        "new_listings": "new_listings", "searches": "searches", "detail_views": "detail_views",
        "booked_nights": "booked_nights", **{f"bookings.{key}": key for key in BOOKING_KEYS}}


def sums_of(metric: str) -> tuple[str, ...]:
    """The stored sums a metric's value is computed from."""
    if metric in FORMULAS:
        return FORMULAS[metric][0]
    return (SUMS.get(metric, metric),)  # active_listings: the stock of the interval's last day


def metric_value(figures: dict[str, Any], metric: str) -> Any:
    value: Any = figures
    for part in metric.split("."):
        value = value[part]
    return value


def intervals(start: date, end: date, interval: str) -> list[tuple[date, date]]:
    """The (first, last) days of each day, week (Monday to Sunday) or month of [start, end], clipped to it."""
    result = []
    first = start
    while first <= end:
        if interval == "day":
            last = first
        elif interval == "week":
            last = first + timedelta(days=6 - first.weekday())
        else:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = following - timedelta(days=1)
        last = min(last, end)
        result.append((first, last))
        first = last + timedelta(days=1)
    return result


def timeseries(*, metric: str, start: date, end: date, interval: str = "day", aid: int | None = None
               ) -> dict[str, Any]:
    """GET /admin/stats/timeseries: one point per interval (its first day in the range), zeros included."""
    if metric not in METRICS and metric not in SERIES_ONLY:
        raise Invalid(_("Unknown metric"), fields={"metric": [_("Unknown metric")]})
    if interval not in INTERVALS:
        raise Invalid(_("Unknown interval"), fields={"interval": [_("Must be day, week or month")]})
    check_range(start, end, aid)
    per_day = daily(start, end, aid=aid, sums=sums_of(metric))  # today's live part: only this metric's sources
    if metric in SUMS:
        name = SUMS[metric]
        points = [{"date": first, "value": sum(per_day[day][name] for day in days(first, last))}
                  for first, last in intervals(start, end, interval)]
    else:
        points = [{"date": first, "value": metric_value(_total(per_day, first, last), metric)}
                  for first, last in intervals(start, end, interval)]
    return {"metric": metric, "interval": interval, "points": points}


def districts(*, start: date, end: date) -> dict[str, Any]:
    """GET /admin/stats/districts: every district, in the request's language."""
    check_range(start, end)
    sums = by_district(start, end)
    rows = []
    for area in list_areas():
        total, active = sums.get(area["aid"], (Counter(), 0))
        rows.append({
            "aid": area["aid"], "aname": area["aname"], "active_listings": active,
            "booked_nights": total["booked_nights"],
            "occupancy_rate": rate(total["booked_nights"], total["active_listings"]),
            "adr": fen_ratio(total["booked_subtotal"], total["booked_nights"]),
            "gmv": total["gmv"],
        })
    return {"districts": rows}

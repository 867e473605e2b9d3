"""The daily rollup: store a closed day's figures in ``ih_stats_daily``, and read them back.

``roll(start, end)`` computes the days live (``figures.compute``) and writes one row per (day,
district) for every district and district 0, and their sum as district -1 (so the whole marketplace
reads one row a day), updating only what differs: rolling the same days
twice changes nothing. Searches and detail views come from Redis while it keeps them; once a day's
counters have expired, the stored counts are kept. The Celery beat job rolls the last
IHOME_STATS_REROLL_DAYS closed days (late refunds, cancellations); ``ihome stats rebuild`` any range.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, select

from ihome.admin.figures import NO_DISTRICT, Figures, compute, days
from ihome.admin.models import FIGURES, DailyStat
from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import Area

ALL_DISTRICTS = -1  # the row of the whole marketplace: the sum of the day's other rows
CHUNK_DAYS = 31  # a rebuild computes this many days at a time (bounded memory)
COUNTED = ("searches", "detail_views")


def roll(start: date, end: date) -> int:
    """Store the figures of the closed days [start, end] (days from today on are skipped); returns rows changed.

    The caller commits.
    """
    end = min(end, clock.today() - timedelta(days=1))
    changed = 0
    chunk_start = start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + timedelta(days=CHUNK_DAYS - 1))
        changed += _roll_chunk(chunk_start, chunk_end)
        chunk_start = chunk_end + timedelta(days=1)
    return changed


def _roll_chunk(start: date, end: date) -> int:
    computed, counters_gone = compute(start, end)
    stored = {(row.day, row.area_id): row for row in db.session.scalars(
        select(DailyStat).where(DailyStat.day >= start, DailyStat.day <= end))}
    areas = [ALL_DISTRICTS, NO_DISTRICT, *db.session.scalars(select(Area.id).order_by(Area.id))]
    for (day, _area), values in list(computed.items()):
        computed.setdefault((day, ALL_DISTRICTS), Counter()).update(values)
    changed = 0
    for day in days(start, end):
        for area in areas:
            values = computed.get((day, area), Counter())
            row = stored.get((day, area))
            if row is None:
                row = DailyStat(day=day, area_id=area, **dict.fromkeys(FIGURES, 0))
                db.session.add(row)
                changed += 1
            elif any(getattr(row, name) != values[name] for name in FIGURES
                     if not (day in counters_gone and name in COUNTED)):
                changed += 1
            for name in FIGURES:
                if day in counters_gone and name in COUNTED:
                    continue  # Redis no longer has that day: keep what was copied before
                if getattr(row, name) != values[name]:
                    setattr(row, name, values[name])
    db.session.flush()
    return changed


_COLUMNS = [getattr(DailyStat, name) for name in FIGURES]
_IN_RANGE = (DailyStat.day >= bindparam("start"), DailyStat.day <= bindparam("end"))
# built once: the dashboard's reads skip SQLAlchemy's per-statement work
_ONE_DISTRICT = select(DailyStat.day, *_COLUMNS).where(*_IN_RANGE, DailyStat.area_id == bindparam("area"))
_EVERY_DISTRICT = select(DailyStat.day, DailyStat.area_id, *_COLUMNS).where(
    *_IN_RANGE, DailyStat.area_id != ALL_DISTRICTS)


def rolled_up(start: date, end: date, *, aid: int | None = None, by_area: bool = False) -> dict[Any, Figures]:
    """The stored figures of [start, end] per day: of the whole marketplace (one row a day), of district
    ``aid``, or per (day, district) with ``by_area``."""
    result: dict[Any, Figures] = {}
    if by_area:
        for row in db.session.execute(_EVERY_DISTRICT, {"start": start, "end": end}):
            result[(row[0], row[1])] = Counter(dict(zip(FIGURES, row[2:], strict=True)))
        return result
    area = ALL_DISTRICTS if aid is None else aid
    for row in db.session.execute(_ONE_DISTRICT, {"start": start, "end": end, "area": area}):
        result[row[0]] = Counter(dict(zip(FIGURES, row[1:], strict=True)))
    return result


def rebuild(*, since: date) -> tuple[int, int]:
    """Roll every closed day from ``since`` to yesterday, committing each chunk; (days, rows changed)."""
    yesterday = clock.today() - timedelta(days=1)
    changed, day = 0, since
    while day <= yesterday:
        last = min(yesterday, day + timedelta(days=CHUNK_DAYS - 1))
        changed += roll(day, last)
        db.session.commit()
        day = last + timedelta(days=1)
    return max(0, (yesterday - since).days + 1), changed


def reroll_recent() -> int:
    """The beat job's work: roll the last IHOME_STATS_REROLL_DAYS closed days (yesterday included)."""
    from flask import current_app

    yesterday = clock.today() - timedelta(days=1)
    return roll(yesterday - timedelta(days=int(current_app.config["STATS_REROLL_DAYS"]) - 1), yesterday)

"""iCalendar (RFC 5545) both ways, with the ``icalendar`` package: no database, no network here.

Export (``build_calendar``): one all-day ``VEVENT`` per busy range, ``DTSTART;VALUE=DATE`` and an
exclusive ``DTEND;VALUE=DATE`` (the check-out day, as Airbnb writes them), a UID stable per range, a
summary that says only that the nights are taken, and ``DTSTAMP`` = when the range last changed (so
two fetches of an unchanged calendar are byte for byte the same).

Import (``parse_busy_ranges``): the nights another site's calendar holds, in the marketplace's time zone:
- ``DTSTART;VALUE=DATE`` / ``DTEND;VALUE=DATE`` (Airbnb, Booking.com): the nights [start, end).
- ``DATE-TIME`` with a ``TZID``, in UTC (``Z``) or floating (Google): converted to the marketplace's
  zone; the nights are from the start's date to the end's date (exclusive), at least one: a stay from
  the 10th 15:00 to the 12th 11:00 holds the nights of the 10th and 11th; an event within one day holds
  that day's night.
- No ``DTEND``: ``DURATION`` if given, else one day (RFC 5545's rule for a date; a date-time event with
  neither still holds its day's night).
- ``RRULE`` (with ``RDATE``/``EXDATE``, and ``RECURRENCE-ID`` overrides) is expanded up to the horizon,
  at most ``MAX_OCCURRENCES`` occurrences per event.
- ``STATUS:CANCELLED`` and ``TRANSP:TRANSPARENT`` (shown as free) events are ignored; ranges that end by
  today are dropped, and ranges are cut at the horizon (nights beyond it cannot be booked anyway).
- A line or an event that cannot be read fails the whole feed (``FeedInvalid``): it may be a booking, so
  the caller keeps the last good ranges rather than free those nights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
from dateutil.rrule import rruleset, rrulestr

PRODID = "-//iHome//iHome calendar 1.0//ZH"
UID_DOMAIN = "calendar.ihome"  # fixed: a UID must not change when the site's address does
MAX_OCCURRENCES = 800  # per recurring event from today on (a daily rule over the two-year horizon fits)
MAX_EXPANSION_STEPS = 50_000  # occurrences looked at per event, past ones included (a rule since 1990)
MAX_RANGES = 5000  # per feed: more is not a calendar of one home


class FeedInvalid(Exception):
    """The body is not an iCalendar calendar we can read; the message says why."""


@dataclass(frozen=True, order=True)
class BusyRange:
    """Nights ``[start, end)`` another calendar holds, and the UID of the event that holds them."""

    start: date
    end: date
    uid: str = ""


@dataclass(frozen=True)
class ExportEvent:
    """One range of the export: nights [start, end), its UID, summary and last change."""

    uid: str
    start: date
    end: date
    summary: str
    stamp: datetime


# ---- export ---------------------------------------------------------------------------------------------

def order_uid(*, house_id: int, order_id: int) -> str:
    """The export UID of a booking: the order's dates never change, so neither does its UID."""
    return f"ihome-order-{order_id}-house-{house_id}@{UID_DOMAIN}"


def block_uid(*, house_id: int, block_id: int) -> str:
    """The export UID of a host block."""
    return f"ihome-block-{block_id}-house-{house_id}@{UID_DOMAIN}"


def imported_uid(*, house_id: int, import_id: int, source_uid: str | None, start: date, end: date) -> str:
    """The export UID of an imported range: from its feed, event and dates, so a re-sync keeps it."""
    digest = hashlib.sha256(f"{import_id}|{source_uid or ''}|{start}|{end}".encode()).hexdigest()[:20]
    return f"ihome-import-{import_id}-{digest}-house-{house_id}@{UID_DOMAIN}"


def build_calendar(*, name: str, events: Iterable[ExportEvent]) -> bytes:
    """An RFC 5545 calendar (CRLF lines, folded) with one all-day event per range."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in sorted(events, key=lambda e: (e.start, e.end, e.uid)):
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp)
        event.add("dtstart", item.start)  # a date: DTSTART;VALUE=DATE
        event.add("dtend", item.end)  # exclusive: the check-out day
        event.add("summary", item.summary)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


# ---- import ---------------------------------------------------------------------------------------------

def parse_busy_ranges(body: bytes, *, zone: tzinfo, today: date, horizon_days: int) -> list[BusyRange]:
    """The busy nights of an iCalendar body, from tomorrow's night on; ``FeedInvalid`` if unreadable."""
    if not body.strip():
        raise FeedInvalid("the calendar is empty (not an iCalendar file)")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedInvalid("the calendar is not UTF-8 text") from exc
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise FeedInvalid("not an iCalendar file (it does not begin with BEGIN:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # the parser raises ValueError, KeyError, IndexError on broken input
        raise FeedInvalid(f"the calendar cannot be read: {str(exc)[:200]}") from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise FeedInvalid("not an iCalendar calendar")
    for component in calendar.walk():
        for _name, error in getattr(component, "errors", []) or []:
            # a broken line may be a booking we cannot read: failing keeps the last good nights blocked
            raise FeedInvalid(f"the calendar has a line that cannot be read: {str(error)[:200]}")

    horizon = today + timedelta(days=horizon_days)
    events = [e for e in calendar.walk("VEVENT") if _counts(e)]
    overridden = {(str(e.get("UID", "")), _instant_key(e.get("RECURRENCE-ID").dt))
                  for e in calendar.walk("VEVENT") if e.get("RECURRENCE-ID") is not None}
    ranges: set[BusyRange] = set()
    for event in events:
        for busy in _event_ranges(event, zone=zone, today=today, horizon=horizon, overridden=overridden):
            start, end = max(busy.start, today), min(busy.end, horizon)
            if end > start:  # past nights (and tonight, already under way) are dropped
                ranges.add(BusyRange(start, end, busy.uid))
        if len(ranges) > MAX_RANGES:
            raise FeedInvalid(f"the calendar holds more than {MAX_RANGES} busy ranges")
    return sorted(ranges)


def _counts(event: Any) -> bool:
    """Cancelled events and events shown as free hold no nights."""
    status = str(event.get("STATUS", "")).upper()
    transparency = str(event.get("TRANSP", "")).upper()
    return status != "CANCELLED" and transparency != "TRANSPARENT" and event.get("DTSTART") is not None


def _event_ranges(event: Any, *, zone: tzinfo, today: date, horizon: date,
                  overridden: set[tuple[str, str]]) -> Iterator[BusyRange]:
    uid = str(event.get("UID", ""))[:255]
    try:
        start = event.decoded("DTSTART")
        length = _length(event, start)
    except Exception as exc:  # an event we cannot read may be a booking: the whole fetch fails
        raise FeedInvalid(f"an event cannot be read ({uid or 'no UID'})") from exc
    if not isinstance(start, date):
        raise FeedInvalid(f"an event has no usable start ({uid or 'no UID'})")
    if event.get("RRULE") is None and event.get("RDATE") is None:
        yield _nights(start, start + length, zone=zone, uid=uid)
        return
    is_override = event.get("RECURRENCE-ID") is not None
    for occurrence in _occurrences(event, start, length=length, today=today, horizon=horizon, zone=zone):
        if not is_override and (uid, _instant_key(occurrence)) in overridden:
            continue  # this instance is replaced by its own VEVENT (moved or cancelled)
        yield _nights(occurrence, occurrence + length, zone=zone, uid=uid)


def _length(event: Any, start: date) -> timedelta:
    if event.get("DTEND") is not None:
        end = event.decoded("DTEND")
        if isinstance(start, datetime) and isinstance(end, datetime):
            return max(_aware(end, start.tzinfo) - _aware(start, start.tzinfo), timedelta(0))
        if isinstance(end, date) and not isinstance(end, datetime) and not isinstance(start, datetime):
            return max(end - start, timedelta(days=1))
        return timedelta(days=1)
    if event.get("DURATION") is not None:
        duration = event.decoded("DURATION")
        if isinstance(duration, timedelta):
            return max(duration, timedelta(0))
    return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)


def _aware(value: datetime, fallback: tzinfo | None) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=fallback)


def _local_date(value: date, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo is not None else value.date()
    return value


def _nights(start: date, end: date, *, zone: tzinfo, uid: str) -> BusyRange:
    """The nights from ``start`` to ``end`` (a date or a date-time), at least one."""
    first, last = _local_date(start, zone), _local_date(end, zone)
    return BusyRange(first, max(last, first + timedelta(days=1)), uid)


def _instant_key(value: date) -> str:
    """A comparable key for an occurrence's start (a RECURRENCE-ID matches it)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _occurrences(event: Any, start: date, *, length: timedelta, today: date, horizon: date,
                 zone: tzinfo) -> Iterator[date]:
    """The starts of a recurring event's instances that end after now, up to the horizon.

    At most ``MAX_OCCURRENCES`` of them, and ``MAX_EXPANSION_STEPS`` looked at in all: a rule with no end
    that began long ago is walked from its start, and must not hold a worker for long.
    """
    is_date = not isinstance(start, datetime)
    anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
    rules = rruleset()
    for rule in _as_list(event.get("RRULE")):
        text = rule.to_ical().decode()
        try:
            rules.rrule(rrulestr(text, dtstart=anchor, ignoretz=False))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            continue
    rules.rdate(anchor)
    for item in _dates(event.get("RDATE")):
        rules.rdate(_like(item, anchor))
    for item in _dates(event.get("EXDATE")):
        rules.exdate(_like(item, anchor))
    limit = datetime.combine(horizon, time())
    recent = datetime.combine(today - timedelta(days=2), time())  # the caller drops what ended before today
    if anchor.tzinfo is not None:
        limit, recent = limit.replace(tzinfo=zone), recent.replace(tzinfo=zone)
    count = 0
    try:
        for steps, occurrence in enumerate(rules):
            if occurrence >= limit or count >= MAX_OCCURRENCES or steps >= MAX_EXPANSION_STEPS:
                break
            if occurrence + length + timedelta(days=1) < recent:
                continue
            count += 1
            yield occurrence.date() if is_date else occurrence
    except (ValueError, TypeError, OverflowError):
        return


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dates(value: Any) -> Iterator[date]:
    for item in _as_list(value):
        for entry in getattr(item, "dts", []):
            if isinstance(entry.dt, date):
                yield entry.dt


def _like(value: date, anchor: datetime) -> datetime:
    """An RDATE/EXDATE as the same kind of datetime as the rule's start (naive or aware)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, anchor.timetz() if anchor.tzinfo else anchor.time())
    if anchor.tzinfo is None:
        return value.replace(tzinfo=None)
    return value if value.tzinfo is not None else value.replace(tzinfo=anchor.tzinfo)

"""Syncing an imported calendar: fetch, parse, and replace that feed's busy nights in one transaction.

A sync that works replaces every ``HouseBlock`` row of the feed at once and stamps ``last_synced_at``
(clearing ``last_error``); one that fails (refused address, network, HTTP status, size, time, a body
that is not a calendar) changes no range: the last good ones stay, and ``last_error`` and
``last_attempt_at`` say what happened. No transaction is open while the other site is fetched.

The beat job claims the feeds that are due (not attempted for ``IHOME_ICAL_SYNC_MINUTES``) by stamping
``last_attempt_at`` in one statement, then queues one sync per feed after that commit, so two beats,
or a beat and a manual add, never queue the same feed twice in one period.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, insert, or_, select, update

from ihome.core import clock
from ihome.extensions import db
from ihome.houses import ical
from ihome.houses.cache import house_changed
from ihome.houses.calendar_models import CalendarImport, HouseBlock
from ihome.houses.ical_fetch import FetchFailed, FetchLimits, FetchRefused, address_policy, fetch_feed

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 500
CLAIM_BATCH = 500  # feeds queued per beat run at most; the rest are due at the next run


def horizon_days() -> int:
    """How far ahead imported nights matter: the latest check-in plus the longest stay."""
    config = current_app.config
    return int(config["BOOKING_HORIZON_DAYS"]) + int(config["MAX_NIGHTS"])


def sync_import(import_id: int) -> bool:
    """Fetch feed ``import_id`` and store its busy ranges; False (error recorded) when it failed."""
    feed = db.session.get(CalendarImport, import_id)
    if feed is None:
        db.session.rollback()
        return False  # removed since it was queued
    url = feed.url
    db.session.rollback()  # no transaction stays open across the fetch
    config = current_app.config
    try:
        policy = address_policy(allow_private=bool(config["ICAL_ALLOW_PRIVATE"]), testing=bool(config["TESTING"]))
        body = fetch_feed(url, allowed=policy,
                          limits=FetchLimits(timeout=float(config["ICAL_FETCH_TIMEOUT"])))
        ranges = ical.parse_busy_ranges(body, zone=clock.marketplace_zone(), today=clock.today(),
                                        horizon_days=horizon_days())
    except (FetchRefused, FetchFailed, ical.FeedInvalid) as exc:
        _record_failure(import_id, str(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - whatever a hostile server sends, the worker records it
        log.exception("iCal import %s failed unexpectedly", import_id)
        _record_failure(import_id, f"unexpected error ({type(exc).__name__})")
        return False
    return _replace_ranges(import_id, ranges)


def _record_failure(import_id: int, message: str) -> None:
    db.session.execute(update(CalendarImport).where(CalendarImport.id == import_id)
                       .values(last_attempt_at=clock.now(), last_error=message[:MAX_ERROR_LENGTH]))
    db.session.commit()


def _replace_ranges(import_id: int, ranges: list[ical.BusyRange]) -> bool:
    """One transaction: the feed's old rows out, the new ones in, the feed stamped, caches bumped."""
    feed = db.session.scalars(select(CalendarImport).where(CalendarImport.id == import_id)
                              .with_for_update()).first()
    if feed is None:
        db.session.rollback()
        return False
    now = clock.now()
    db.session.execute(delete(HouseBlock).where(HouseBlock.import_id == feed.id))
    if ranges:
        db.session.execute(insert(HouseBlock), [
            {"house_id": feed.house_id, "start_date": r.start, "end_date": r.end, "import_id": feed.id,
             "source_uid": r.uid[:255] or None, "create_time": now} for r in ranges])
    feed.last_synced_at = feed.last_attempt_at = now
    feed.last_error = None
    house_changed(db.session, feed.house_id)
    db.session.commit()
    return True


def claim_due_imports(*, limit: int = CLAIM_BATCH) -> list[int]:
    """Stamp and return the feeds not attempted for ``IHOME_ICAL_SYNC_MINUTES`` (never attempted first)."""
    now = clock.now()
    cutoff = now - timedelta(minutes=int(current_app.config["ICAL_SYNC_MINUTES"]))
    due = or_(CalendarImport.last_attempt_at.is_(None), CalendarImport.last_attempt_at <= cutoff)
    ids = list(db.session.scalars(select(CalendarImport.id).where(due)
                                  .order_by(CalendarImport.last_attempt_at.asc().nulls_first(), CalendarImport.id)
                                  .limit(limit)))
    if not ids:
        return []
    claimed = db.session.scalars(update(CalendarImport).where(CalendarImport.id.in_(ids), due)
                                 .values(last_attempt_at=now).returning(CalendarImport.id))
    return sorted(claimed)

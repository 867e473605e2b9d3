"""A house's iCal sync, the owner's side: the secret export URL, the imported feeds, what they hold.

The export lists, for other sites, every range nobody can book here: active bookings and blocked
nights (the host's and imported ones), without a word about who booked. Its URL carries a secret
(``House.ical_token``, made the first time the owner looks, replaced by ``rotate_token``); a wrong
or missing secret is the same 404 as a missing house, so the URL reveals nothing.

Imports are other sites' calendar URLs; ``ical_sync`` fetches them (at once when added, then every
``IHOME_ICAL_SYNC_MINUTES``) into ``HouseBlock`` rows of that feed. A busy range that overlaps an
iHome booking is kept and listed as a *conflict* for the host to settle on the other site: it never
cancels the booking and is never dropped.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ihome.core import clock
from ihome.core.errors import AlreadyExists, Invalid, NotFound
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses import ical
from ihome.houses.cache import house_changed
from ihome.houses.calendar_models import CalendarImport, HouseBlock
from ihome.houses.fields import MAX_ID
from ihome.houses.ical_fetch import FetchRefused, address_policy, check_host, normalise_url
from ihome.houses.ical_tasks import sync_calendar_import
from ihome.houses.models import House
from ihome.houses.ownership import owned_house
from ihome.houses.stays import held_stays

MAX_IMPORTS_PER_HOUSE = 10
EXPORT_PAST_DAYS = 30  # the export keeps ranges that ended this recently (other sites show recent stays)
TOKEN_BYTES = 32  # 43 URL-safe characters
EXPORT_PATH = "/api/v1.0/houses/{house_id}/calendar.ics"
BOOKED_SUMMARY = "iHome booked"
BLOCKED_SUMMARY = "Not available"


# ---- the export -----------------------------------------------------------------------------------------

def export_url(*, house_id: int, token: str) -> str:
    """The calendar.ics address other sites subscribe to (``IHOME_PUBLIC_URL``, like the pay URLs)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}{EXPORT_PATH.format(house_id=house_id)}?token={token}"


def _ensure_token(house: House) -> str:
    """The house's export secret, made now if it has none (two first looks at once agree on one)."""
    if house.ical_token:
        return house.ical_token
    db.session.execute(update(House).where(House.id == house.id, House.ical_token.is_(None))
                       .values(ical_token=secrets.token_urlsafe(TOKEN_BYTES)))
    token = db.session.scalar(select(House.ical_token).where(House.id == house.id))
    assert token is not None  # noqa: S101 - set just above, or by the other first look
    return token


def rotate_token(*, house_id: int, user_id: int) -> str:
    """A new export secret for the owner's house; the old URL answers 404 from now on. Returns the new URL."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.execute(update(House).where(House.id == house.id).values(ical_token=token))
    return export_url(house_id=house.id, token=token)


def export_calendar(*, house_id: int, token: str | None) -> bytes:
    """The house's calendar.ics for the holder of its secret; ``NotFound`` for anyone else."""
    house = db.session.get(House, house_id) if 0 < house_id <= MAX_ID else None
    if house is None or not house.ical_token or not token or not hmac.compare_digest(
            house.ical_token.encode(), token.encode("utf-8", "surrogatepass")):
        raise NotFound(_("No such house"))
    since = clock.today() - timedelta(days=EXPORT_PAST_DAYS)
    events = [ical.ExportEvent(uid=ical.order_uid(house_id=house.id, order_id=stay.order_id), start=stay.start_date,
                               end=stay.end_date, summary=BOOKED_SUMMARY, stamp=stay.changed.astimezone(UTC))
              for stay in held_stays(house_id=house.id, start=since, end=date.max)]
    for block in db.session.scalars(select(HouseBlock).where(HouseBlock.house_id == house.id,
                                                             HouseBlock.end_date > since)):
        if block.source_uid and block.source_uid.endswith("@" + ical.UID_DOMAIN):
            continue  # an iHome calendar's range: sent back, it would come back as a copy of a copy, forever
        uid = (ical.block_uid(house_id=house.id, block_id=block.id) if block.import_id is None else
               ical.imported_uid(house_id=house.id, import_id=block.import_id, source_uid=block.source_uid,
                                 start=block.start_date, end=block.end_date))
        events.append(ical.ExportEvent(uid=uid, start=block.start_date, end=block.end_date,
                                       summary=BLOCKED_SUMMARY, stamp=block.create_time.astimezone(UTC)))
    return ical.build_calendar(name=f"iHome {house.id}", events=events)


# ---- the owner's view -----------------------------------------------------------------------------------

def _range(start: date, end: date) -> dict:
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def ical_overview(*, house_id: int, user_id: int) -> dict:
    """The owner's sync settings: the export URL and each import with its state, ranges and conflicts."""
    house = owned_house(house_id=house_id, user_id=user_id)
    token = _ensure_token(house)
    feeds = list(db.session.scalars(select(CalendarImport).where(CalendarImport.house_id == house.id)
                                    .order_by(CalendarImport.id)))
    ranges: dict[int, list[dict]] = {feed.id: [] for feed in feeds}
    for import_id, start, end in db.session.execute(
            select(HouseBlock.import_id, HouseBlock.start_date, HouseBlock.end_date)
            .where(HouseBlock.house_id == house.id, HouseBlock.import_id.is_not(None))
            .order_by(HouseBlock.start_date, HouseBlock.end_date)):
        ranges.setdefault(int(import_id or 0), []).append(_range(start, end))
    conflicts = _conflicts(house_id=house.id)
    return {
        "export_url": export_url(house_id=house.id, token=token),
        "imports": [{
            "import_id": feed.id,
            "url": feed.url,
            "last_synced_at": _instant(feed.last_synced_at),
            "last_attempt_at": _instant(feed.last_attempt_at),
            "last_error": feed.last_error,
            "busy_ranges": ranges.get(feed.id, []),
            "conflicts": conflicts.get(feed.id, []),
        } for feed in feeds],
    }


def _conflicts(*, house_id: int) -> dict[int, list[dict]]:
    """Per feed, its busy ranges that overlap an active iHome booking still to come or under way."""
    stays = held_stays(house_id=house_id, start=clock.today(), end=date.max)
    found: dict[int, list[dict]] = {}
    if not stays:
        return found
    busy = db.session.execute(
        select(HouseBlock.import_id, HouseBlock.start_date, HouseBlock.end_date, HouseBlock.source_uid)
        .where(HouseBlock.house_id == house_id, HouseBlock.import_id.is_not(None),
               HouseBlock.end_date > stays[0].start_date)
        .order_by(HouseBlock.start_date)).all()
    for stay in stays:  # a handful of each per house: compared here, not joined across domains
        for import_id, busy_start, busy_end, uid in busy:
            if busy_start < stay.end_date and busy_end > stay.start_date:
                found.setdefault(int(import_id or 0), []).append({
                    "order_id": stay.order_id, "order_start_date": stay.start_date.isoformat(),
                    "order_end_date": stay.end_date.isoformat(), "busy_start_date": busy_start.isoformat(),
                    "busy_end_date": busy_end.isoformat(), "event_uid": uid or "",
                })
    return found


# ---- adding and removing imports ------------------------------------------------------------------------

def add_import(*, house_id: int, user_id: int, url: str) -> int:
    """Add another site's calendar to the owner's house; it is fetched once the transaction commits."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)  # serialises the count below
    url = _checked_url(url)
    if _is_own_export(url, house_id=house.id):
        raise Invalid(_("Some fields are invalid"), fields={"url": [
            _("This is this home's own iHome calendar: add the calendars of your other sites")]})
    if db.session.scalar(select(CalendarImport.id).where(CalendarImport.house_id == house.id,
                                                         CalendarImport.url == url)) is not None:
        raise AlreadyExists(_("This calendar is already synced with this home"))
    count = db.session.scalar(select(func.count()).select_from(CalendarImport)
                              .where(CalendarImport.house_id == house.id)) or 0
    if count >= MAX_IMPORTS_PER_HOUSE:
        raise Invalid(_("Some fields are invalid"), fields={"url": [
            _("A home can sync at most %(n)s calendars", n=MAX_IMPORTS_PER_HOUSE)]})
    feed = CalendarImport(house_id=house.id, url=url)
    db.session.add(feed)
    db.session.flush()
    send_after_commit(db.session, sync_calendar_import, feed.id)
    return feed.id


def _checked_url(url: str) -> str:
    """The URL to store: well formed, and (production) not naming a private or loopback address."""
    try:
        url = normalise_url(url)
    except FetchRefused as exc:
        raise Invalid(_("Some fields are invalid"), fields={"url": [
            _("Enter the http(s) address of a calendar (an .ics link), at most 2,000 characters")]}) from exc
    parts = urlsplit(url)
    try:
        check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                   allowed=address_policy(allow_private=current_app.config["ICAL_ALLOW_PRIVATE"],
                                          testing=current_app.config["TESTING"]))
    except FetchRefused as exc:
        raise Invalid(_("Some fields are invalid"), fields={"url": [
            _("This address is private or local: only public calendar addresses can be synced")]}) from exc
    return url


def _is_own_export(url: str, *, house_id: int) -> bool:
    """Whether ``url`` is this house's own calendar.ics (every booking would come back as a conflict)."""
    parts, public = urlsplit(url), urlsplit(current_app.config["PUBLIC_URL"])
    return (parts.hostname or "") == (public.hostname or "") and \
        parts.path.rstrip("/") == EXPORT_PATH.format(house_id=house_id)


def delete_import(*, house_id: int, user_id: int, import_id: int) -> None:
    """Stop syncing a calendar: the feed and the nights it held go (those nights are free again)."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    feed = db.session.get(CalendarImport, import_id) if 0 < import_id <= MAX_ID else None
    if feed is None or feed.house_id != house.id:
        raise NotFound(_("No such calendar"))
    db.session.execute(delete(HouseBlock).where(HouseBlock.import_id == feed.id))
    db.session.delete(feed)
    house_changed(db.session, house.id)

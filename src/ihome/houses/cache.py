"""Cache generations of the houses domain: what to bump when something a reader sees changes.

A change bumps only what it can affect:

- ``house_changed``: the listing itself changed (an edit, a photo, a review, publication, moderation):
  the house's detail and calendar, its district's searches, searches of every district, and the
  home list (which shows listings).
- ``stays_changed``: only which nights are taken changed (a booking, a cancel, a rejection, an
  expiry): the house's detail and calendar, and the searches with dates whose stay shares a *night*
  with the changed stay, in its district and of every district; not the home list, which shows no
  availability, nor searches without dates (they show every listed house, booked or not). Under
  traffic that books in one district, the cached searches of the other districts stay warm, and in
  that district those of other nights.

A search depends on its *scope*: ``district_generation(aid)`` with a district, ``SEARCH`` without (or
with only a keyword), which listing changes bump; with dates also on the nights of its stay
(``search_generations``): ``scope:night:<n>`` for each night (n = the date's ordinal) when it is at
most ``NIGHT_KEYS`` nights long, else ``scope:week:<n>`` for each week it touches (a year-long search
reads 53 counters, not 366). A change of the nights [s, e) bumps both the night and the week counters
of its nights, so whichever a search reads, a stay and a search that share a night share a bumped
counter: a change can never miss a search it affects, and a booking of one night only reaches the
searches that contain that night (about 2 of 60 start days for a 2-night search, against 8-15 with
weeks). A change longer than ``CHANGE_NIGHTS`` nights bumps the scope itself instead (every search
of the district): fewer counters, never fewer searches. Pages and search results are cached under
these generations (``ihome.core.cache``), so the very next request misses and reads fresh, except
for the popular searches a change affected, which the changing request refreshes before it answers
(``search_refresh``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from ihome.core.cache import bump_after_commit
from ihome.core.events import profile_changed
from ihome.houses.search_refresh import note_change

SEARCH = "search"  # searches of every district (no aid): any change anywhere can alter them
INDEX = "index"
# Names and avatars of people shown beside houses (hosts, commenters): rare changes, one counter.
PEOPLE = "people"
NIGHT_KEYS = 31  # a search of up to this many nights reads one counter per night, a longer one per week
CHANGE_NIGHTS = 62  # a longer change bumps its scopes whole (bounded work per change)


def house_generation(house_id: int) -> str:
    """The generation of one house's detail and calendar."""
    return f"house:{house_id}"


def district_generation(area_id: int) -> str:
    """The generation of the searches of one district."""
    return f"search:area:{area_id}"


def weeks(start: date, end: date) -> range:
    """The week numbers (days since 0001-01-01 // 7) of the nights [start, end)."""
    return range(start.toordinal() // 7, (end.toordinal() - 1) // 7 + 1)


def nights(start: date, end: date) -> range:
    """The night numbers (date ordinals) of the nights [start, end)."""
    return range(start.toordinal(), end.toordinal())


def search_generations(aid: int | None, start: date | None, end: date | None) -> list[str]:
    """What a search of district ``aid`` (None: every district) for [start, end) depends on: the scope,
    then its nights' counters (``NIGHT_KEYS`` nights at most) or its weeks' (a longer stay)."""
    scope = district_generation(aid) if aid is not None else SEARCH
    if start is None or end is None or end <= start:
        return [scope]
    if (end - start).days <= NIGHT_KEYS:
        return [scope, *(f"{scope}:night:{night}" for night in nights(start, end))]
    return [scope, *(f"{scope}:week:{week}" for week in weeks(start, end))]


def stay_generations(scopes: Iterable[str], start: date, end: date) -> list[str]:
    """The counters a change of the nights [start, end) bumps in each scope: every night's and every
    week's of the stay, or the scope itself for a change longer than ``CHANGE_NIGHTS`` nights."""
    if (end - start).days > CHANGE_NIGHTS:
        return list(scopes)
    return [name for scope in scopes for name in (*(f"{scope}:night:{night}" for night in nights(start, end)),
                                                   *(f"{scope}:week:{week}" for week in weeks(start, end)))]


def _area_of(session: Any, house_id: int) -> int | None:
    """The house's district: from the session when the house is loaded (no SQL), else one indexed read."""
    from ihome.houses.models import House

    loaded = session.identity_map.get(identity_key(House, house_id))
    if loaded is not None and "area_id" in loaded.__dict__:
        return loaded.area_id
    return session.scalar(select(House.area_id).where(House.id == house_id))


def _scopes(session: Any, house_id: int, areas: Iterable[int | None], *, area_id: int | None = None) -> list[str]:
    """The search scopes of the house: every district's, and its district's (``area_id`` when the caller
    knows it) and ``areas``'."""
    home = area_id if area_id is not None else _area_of(session, house_id)
    districts = {a for a in (home, *areas) if a is not None}
    return [SEARCH, *(district_generation(a) for a in sorted(districts))]


def _whole_scopes_changed(session: Any, house_id: int, scopes: list[str], *also: str) -> None:
    bump_after_commit(session, *also, house_generation(house_id), *scopes)
    note_change(session, scopes, None)


def house_changed(session: Any, house_id: int, *, also_areas: Iterable[int | None] = ()) -> None:
    """After ``session`` commits, nothing cached about this listing is served again: its detail and
    calendar, its district's searches (and ``also_areas``': a house that moved), searches of every
    district, and the home list. The popular searches among them are refreshed (``search_refresh``)."""
    _whole_scopes_changed(session, house_id, _scopes(session, house_id, also_areas), INDEX)


def stays_changed(session: Any, house_id: int, start: date | None = None, end: date | None = None, *,
                  area_id: int | None = None) -> None:
    """After ``session`` commits, nothing cached that shows whether the nights [start, end) of this house
    are free is served again: its detail and calendar, and the searches with dates sharing a night with
    the stay, of its district and of every district. Without the dates: every search of both scopes.
    The popular searches among them are refreshed (``search_refresh``). ``area_id``: the house's district
    when the caller read it (else it comes from the session's loaded house, or a read)."""
    scopes = _scopes(session, house_id, (), area_id=area_id)
    if start is None or end is None or end <= start:
        _whole_scopes_changed(session, house_id, scopes)
        return
    bump_after_commit(session, house_generation(house_id), *stay_generations(scopes, start, end))
    note_change(session, scopes, None if (end - start).days > CHANGE_NIGHTS else (start, end))


def user_profile_changed(session: Any) -> None:
    """After ``session`` commits, no cached house list or detail shows a user's old name or avatar.

    Call it when a user's name or avatar changes: house summaries show the host's avatar and the
    detail shows the host's name and commenters' names.
    """
    bump_after_commit(session, PEOPLE)


def on_profile_changed(_sender: Any, *, session: Any, **_kwargs: Any) -> None:
    """Receiver of ``profile_changed`` (accounts): house pages show hosts' and reviewers' names and avatars."""
    user_profile_changed(session)


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    profile_changed.connect(on_profile_changed)

"""Cache generations of the houses domain: what to bump when something a reader sees changes.

A change bumps only what it can affect:

- ``house_changed``: the listing itself changed (an edit, a photo, a review, publication, moderation):
  the house's detail and calendar, its district's searches, searches of every district, and the
  home list (which shows listings).
- ``stays_changed``: only which nights are taken changed (a booking, a cancel, a rejection, an
  expiry): the house's detail and calendar, its district's searches and searches of every district;
  not the home list, which shows no availability. Under traffic that books in one district, the
  cached searches of the other districts stay warm.

A search with a district (``aid``) depends on ``district_generation(aid)``; one without a district (or
with only a keyword) depends on ``SEARCH``, which every change bumps. Pages and search results are
cached under these generations (``ihome.core.cache``), so the very next request misses and reads fresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from ihome.core.cache import bump_after_commit

SEARCH = "search"  # searches of every district (no aid): any change anywhere can alter them
INDEX = "index"
# Names and avatars of people shown beside houses (hosts, commenters): rare changes, one counter.
PEOPLE = "people"


def house_generation(house_id: int) -> str:
    """The generation of one house's detail and calendar."""
    return f"house:{house_id}"


def district_generation(area_id: int) -> str:
    """The generation of the searches of one district."""
    return f"search:area:{area_id}"


def _area_of(session: Any, house_id: int) -> int | None:
    """The house's district: from the session when the house is loaded (no SQL), else one indexed read."""
    from ihome.houses.models import House

    loaded = session.identity_map.get(identity_key(House, house_id))
    if loaded is not None and "area_id" in loaded.__dict__:
        return loaded.area_id
    return session.scalar(select(House.area_id).where(House.id == house_id))


def _names(session: Any, house_id: int, areas: Iterable[int | None]) -> list[str]:
    districts = {a for a in (_area_of(session, house_id), *areas) if a is not None}
    return [SEARCH, house_generation(house_id), *(district_generation(a) for a in sorted(districts))]


def house_changed(session: Any, house_id: int, *, also_areas: Iterable[int | None] = ()) -> None:
    """After ``session`` commits, nothing cached about this listing is served again: its detail and
    calendar, its district's searches (and ``also_areas``': a house that moved), searches of every
    district, and the home list."""
    bump_after_commit(session, INDEX, *_names(session, house_id, also_areas))


def stays_changed(session: Any, house_id: int) -> None:
    """After ``session`` commits, nothing cached that shows which nights of this house are free is
    served again: its detail and calendar, its district's searches and searches of every district."""
    bump_after_commit(session, *_names(session, house_id, ()))


def user_profile_changed(session: Any) -> None:
    """After ``session`` commits, no cached house list or detail shows a user's old name or avatar.

    Call it when a user's name or avatar changes: house summaries show the host's avatar and the
    detail shows the host's name and commenters' names.
    """
    bump_after_commit(session, PEOPLE)

"""Houses: publish and edit a listing, and the reads of lists and details (cached, never stale).

Services take plain values, raise domain errors and never commit: the view or task commits, and
each write calls ``house_changed`` so every cached read that could show the change misses next time.
Photos live in ``photos.py``, search in ``search.py``, the shapes shown in ``presenters.py``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ihome.core.cache import cached
from ihome.core.errors import NotFound
from ihome.core.i18n import current_language
from ihome.extensions import db
from ihome.houses.cache import INDEX, PEOPLE, house_changed, house_generation
from ihome.houses.fields import MAX_ID, clean_house_fields
from ihome.houses.models import Facility, House
from ihome.houses.ownership import owned_house, verified_host
from ihome.houses.photos import add_house_image, delete_house_image, reorder_house_images
from ihome.houses.presenters import house_detail, house_summary
from ihome.houses.reference import REFERENCE_GENERATION
from ihome.houses.search import search_houses
from ihome.houses.visibility import is_publicly_visible, may_see_hidden, publicly_visible

__all__ = [
    "add_house_image", "create_house", "delete_house_image", "get_house_detail", "house_detail", "house_summary",
    "list_index_houses", "list_user_houses", "reorder_house_images", "search_houses", "set_publication",
    "update_house",
]

INDEX_SIZE = 5


def _apply(house: House, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "facility":
            house.facilities = list(db.session.scalars(select(Facility).where(Facility.id.in_(value))))
        else:
            setattr(house, name, value)


def create_house(*, owner_id: int, fields: dict) -> int:
    """Publish a house for a verified host; returns its id."""
    verified_host(user_id=owner_id)
    values = clean_house_fields(fields)
    house = House(user_id=owner_id)
    _apply(house, values)
    db.session.add(house)
    db.session.flush()
    house_changed(db.session, house.id)
    return house.id


def update_house(*, house_id: int, user_id: int, fields: dict) -> int:
    """Change the fields the owner sent (the others keep their values); returns the house id."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    current = {"min_days": house.min_days, "max_days": house.max_days}
    _apply(house, clean_house_fields(fields, current=current))
    db.session.flush()
    house_changed(db.session, house.id)
    return house.id


def set_publication(*, house_id: int, user_id: int, published: bool) -> bool:
    """The owner publishes or unpublishes a house (``ihome.houses.visibility``); returns the new flag."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    if house.published != published:
        house.published = published
        db.session.flush()
        house_changed(db.session, house.id)
    return house.published


def list_user_houses(*, user_id: int) -> list[dict]:
    """The summaries of a host's houses with their published and listed flags, newest first (not cached)."""
    houses = db.session.scalars(
        select(House).options(lazyload(House.images), lazyload(House.facilities))
        .where(House.user_id == user_id).order_by(House.create_time.desc(), House.id.desc())
    )
    return [{**house_summary(house), "published": house.published, "listed": house.listed} for house in houses]


def _load_index() -> list[dict]:
    houses = db.session.scalars(
        select(House).options(lazyload(House.images), lazyload(House.facilities))
        .where(House.index_image_key.is_not(None), *publicly_visible())
        .order_by(House.order_count.desc(), House.id.desc()).limit(INDEX_SIZE)
    )
    return [house_summary(house) for house in houses]


def list_index_houses() -> list[dict]:
    """The home page's houses: up to five with a photo, most booked first (cached)."""
    return cached(f"houses:index:{current_language()}", _load_index,
                  generations=[INDEX, PEOPLE, REFERENCE_GENERATION])


def _load_detail(house_id: int) -> dict:
    house = db.session.get(House, house_id) if 0 < house_id <= MAX_ID else None
    if house is None:
        raise NotFound(_("No such house"))
    # with the host card (its response rate) and the public, double-blind comments of ihome.reviews
    return {"visible": is_publicly_visible(house), "detail": house_detail(house)}


def get_house_detail(*, house_id: int, viewer_id: int | None) -> dict:
    """``{user_id: the viewer's id or -1, house: detail}``; the detail is cached per house generation.

    A house hidden from the public (unpublished, unlisted, or its host suspended) is a 404 for everyone but its
    owner and administrators; whether it is hidden is cached with the detail (same generation).
    """
    entry = cached(f"houses:detail:v3:{house_id}:{current_language()}", lambda: _load_detail(house_id),
                   generations=[house_generation(house_id), PEOPLE, REFERENCE_GENERATION])
    detail = entry["detail"]
    if not entry["visible"] and not may_see_hidden(viewer_id=viewer_id, owner_id=detail["user_id"]):
        raise NotFound(_("No such house"))
    return {"user_id": viewer_id if viewer_id is not None else -1, "house": detail}

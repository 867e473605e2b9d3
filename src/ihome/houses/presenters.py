"""What the API and the pages show of a house: the summary of lists and the full detail.

Both return plain JSON-ready dicts in the request's language (the district name is localised), so
whoever caches them keys the cache by language.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from flask import current_app

from ihome.core.events import house_detail_requested
from ihome.core.i18n import localized
from ihome.houses.models import House
from ihome.integrations.storage import media_url


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC. Naive values are UTC: SQLite hands them back without the zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def money(fen: int | None) -> str:
    """Fen as people read a price: ``¥416`` for whole yuan, ``¥416.50`` when there are fen.

    The one display rule for money: Jinja's ``money`` filter and the API's ``*_display`` fields
    both come from here, and ``ihome.money`` in static/js/api.js is checked against it by a test.
    """
    value = fen or 0
    yuan, cents = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{yuan}" + (f".{cents:02d}" if cents else "")


def star_count(rating: float | int | None) -> int:
    """Whole stars (0–5) for an average rating, half up: 4.5 shows five stars, 4.49 four."""
    if not rating:
        return 0
    return max(0, min(5, math.floor(float(rating) + 0.5)))


def house_summary(house: House) -> dict:
    """The fields of a house in a list (search, home page, my houses)."""
    return {
        "house_id": house.id,
        "title": house.title,
        "price": house.price,
        "price_display": money(house.price),
        "area_name": localized(house.area.name, house.area.name_en),
        "address": house.address,
        "room_count": house.room_count,
        "order_count": house.order_count,
        "index_image_url": media_url(house.index_image_key),
        "create_time": iso_utc(house.create_time),
        "avg_rating": house.avg_rating,
        "stars": star_count(house.avg_rating),
        "user_avatar": media_url(house.owner.avatar_key),
    }


def house_detail(house: House) -> dict:
    """The house's own fields of the detail page: the summary plus host, rooms, rules and photos.

    ``houses.service`` adds the host card and the public comments, which the reviews domain reads.
    """
    return {
        **house_summary(house),
        "user_id": house.user_id,
        "user_name": house.owner.name,
        "acreage": house.acreage,
        "unit": house.unit,
        "capacity": house.capacity,
        "beds": house.beds,
        "deposit": house.deposit,
        "weekend_price": house.weekend_price,
        "weekend_price_display": None if house.weekend_price is None else money(house.weekend_price),
        "min_days": house.min_days,
        "max_days": house.max_days,
        "cancellation_policy": house.cancellation_policy,
        "description": house.description,
        "house_rules": house.house_rules,
        "check_in_time": house.check_in_time,
        "check_out_time": house.check_out_time,
        "published": house.published,
        "image_ids": [image.id for image in house.images],
        "img_urls": [media_url(image.key) for image in house.images],
        "thumb_urls": [media_url(image.thumb_key) for image in house.images],
        "facilities": [facility.id for facility in house.facilities],
        **_from_other_domains(house),
    }


def _from_other_domains(house: House) -> dict:
    """``host`` and ``comments`` (the reviews domain): the ``house_detail_requested`` receivers' parts."""
    parts: dict = {"comments": []}
    for _receiver, part in house_detail_requested.send(
            current_app._get_current_object(), house=house):  # type: ignore[attr-defined]
        parts.update(part or {})
    return parts

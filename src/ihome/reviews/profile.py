"""A person's public profile (``GET /users/{id}``, ``/users/<id>``): who they are, their listings, what
hosts wrote of them as a guest, and their response rate as a host. Suspended or unknown: ``NotFound``."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ihome.accounts.models import User
from ihome.core.errors import NotFound
from ihome.extensions import db
from ihome.houses.fields import MAX_ID
from ihome.houses.models import House
from ihome.houses.presenters import house_summary
from ihome.houses.visibility import publicly_visible
from ihome.reviews.people import person_card, response_rate
from ihome.reviews.queries import reviews_as_guest


def public_profile(*, user_id: int) -> dict[str, Any]:
    """``{user_id, name, avatar_url, joined, verified, houses, reviews_as_guest, response_rate}``."""
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or not user.is_active:
        raise NotFound(_("No such user"))
    houses = db.session.scalars(
        select(House).options(lazyload(House.images), lazyload(House.facilities))
        .where(House.user_id == user.id, *publicly_visible())
        .order_by(House.create_time.desc(), House.id.desc()))
    return {
        **person_card(user),
        "verified": user.real_name_verified,
        "houses": [house_summary(house) for house in houses],
        "reviews_as_guest": reviews_as_guest(user.id),
        "response_rate": response_rate(user.id),
    }

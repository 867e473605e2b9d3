"""Favourites: the houses a user keeps a heart on. A row per (user, house); PUT and DELETE are idempotent.

They live in the houses domain because a favourite is a mark on a house and every list of them is a
list of house summaries (``presenters.house_summary``); accounts never needs to know about them.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, lazyload, mapped_column

from ihome.core.db import Base, UTCDateTime, utcnow
from ihome.core.errors import NotFound
from ihome.extensions import db
from ihome.houses.fields import MAX_ID
from ihome.houses.models import House
from ihome.houses.presenters import house_summary
from ihome.houses.visibility import publicly_visible, visible_to

MAX_FAVORITES_SHOWN = 500


class Favorite(Base):
    """A user's heart on a house."""

    __tablename__ = "ih_favorite"
    __table_args__ = (Index("ix_favorite_user_created", "user_id", "create_time"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id", ondelete="CASCADE"), primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"), primary_key=True)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _require_house(house_id: int) -> None:
    exists = db.session.scalar(select(House.id).where(House.id == house_id)) if 0 < house_id <= MAX_ID else None
    if exists is None:
        raise NotFound(_("No such house"))


def add_favorite(*, user_id: int, house_id: int) -> None:
    """Put a heart on a house; a second call changes nothing (an insert that ignores the duplicate).

    A house hidden from the public is a 404 here too, except for its owner and administrators.
    """
    _require_house(house_id)
    house = db.session.get(House, house_id)
    if house is None or not visible_to(house, viewer_id=user_id):
        raise NotFound(_("No such house"))
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Favorite).values(user_id=user_id, house_id=house_id, create_time=utcnow())
                       .on_conflict_do_nothing(index_elements=["user_id", "house_id"]))


def remove_favorite(*, user_id: int, house_id: int) -> None:
    """Take the heart off; removing one that is not there changes nothing."""
    _require_house(house_id)
    db.session.execute(delete(Favorite).where(Favorite.user_id == user_id, Favorite.house_id == house_id))


def favorite_ids(*, user_id: int) -> list[int]:
    """The ids of the user's favourite houses, newest first (the pages' hearts are filled from these)."""
    return list(db.session.scalars(
        select(Favorite.house_id).where(Favorite.user_id == user_id)
        .order_by(Favorite.create_time.desc(), Favorite.house_id.desc()).limit(MAX_FAVORITES_SHOWN)))


def list_favorites(*, user_id: int) -> list[dict]:
    """The summaries of the user's favourite houses the public may see, newest favourite first.

    A hidden house (unpublished, unlisted, host suspended) keeps its heart but leaves the list until it
    is public again.
    """
    houses = db.session.scalars(
        select(House).options(lazyload(House.images), lazyload(House.facilities))
        .join(Favorite, Favorite.house_id == House.id).where(Favorite.user_id == user_id, *publicly_visible())
        .order_by(Favorite.create_time.desc(), Favorite.house_id.desc()).limit(MAX_FAVORITES_SHOWN))
    return [house_summary(house) for house in houses]

"""Which houses the public sees: published by the owner, listed by the administrators, hosted by an active account.

The one place of that rule. A house unpublished by its owner, unlisted by an administrator, or of a
suspended host never appears in search, the home list or favourites lists, cannot be booked (404),
its detail answers 404 to everyone but its owner and administrators, and the statistics' active
listings leave it out. Every change of these flags calls ``house_changed`` for the houses concerned,
so cached pages stop showing them at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, false, true

from ihome.accounts.models import User
from ihome.extensions import db
from ihome.houses.models import House


def publicly_visible(*, owner: Any = None) -> list[ColumnElement[bool]]:
    """SQL conditions on ``House``: published, listed, and its owner not suspended.

    ``owner``: a ``User`` alias the query already joins on ``owner.id == House.user_id``; its
    ``is_active`` then stands for the NOT EXISTS (the same answer: ``user_id`` is a non-null foreign key,
    ``is_active`` non-null), one relation fewer for the planner.
    """
    if owner is not None:
        return [House.published == true(), House.listed == true(), owner.is_active == true()]
    suspended_owner = exists().where(User.id == House.user_id, User.is_active == false())
    return [House.published == true(), House.listed == true(), ~suspended_owner]


def is_publicly_visible(house: House) -> bool:
    """The same rule for one loaded house."""
    return bool(house.published and house.listed and house.owner is not None and house.owner.is_active)


def may_see_hidden(*, viewer_id: int | None, owner_id: int) -> bool:
    """The owner and administrators still see a hidden house."""
    if viewer_id is None or viewer_id < 0:
        return False
    if viewer_id == owner_id:
        return True
    viewer = db.session.get(User, viewer_id)
    return bool(viewer is not None and viewer.is_admin)


def visible_to(house: House, *, viewer_id: int | None) -> bool:
    """Whether ``viewer_id`` (None: anonymous) may see ``house``: the public rule, or its owner or an admin."""
    return is_publicly_visible(house) or may_see_hidden(viewer_id=viewer_id, owner_id=house.user_id)

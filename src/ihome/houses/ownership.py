"""Who may change a house: verified hosts publish, owners edit and add photos."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ihome.accounts.models import User
from ihome.core.errors import Forbidden, NotFound, VerificationRequired
from ihome.extensions import db
from ihome.houses.fields import MAX_ID
from ihome.houses.models import House


def verified_host(*, user_id: int) -> User:
    """The user ``user_id`` if active and real-name verified; ``VerificationRequired`` (4104) otherwise."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise VerificationRequired(_("This account may not publish houses"))
    if not user.real_name_verified:
        raise VerificationRequired(_("Please complete real-name verification before publishing a house"))
    return user


def owned_house(*, house_id: int, user_id: int, lock: bool = False) -> House:
    """The house ``house_id`` if ``user_id`` owns it: ``NotFound`` (4002) or ``Forbidden`` (4105) otherwise.

    ``lock`` takes the row lock (PostgreSQL), so concurrent changes of one house queue up.
    """
    if not 0 < house_id <= MAX_ID:  # the database could not even compare it
        raise NotFound(_("No such house"))
    query = select(House).where(House.id == house_id)
    if lock:
        query = query.with_for_update(of=House)
    house = db.session.scalars(query).first()
    if house is None:
        raise NotFound(_("No such house"))
    if house.user_id != user_id:
        raise Forbidden(_("This is not your house"))
    return house


def hosts_any_house(*, user_id: int) -> bool:
    """Does ``user_id`` own at least one house (published or not)? Such a user is a host."""
    return db.session.scalar(select(House.id).where(House.user_id == user_id).limit(1)) is not None

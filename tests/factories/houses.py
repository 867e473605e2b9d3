"""Houses with sensible defaults."""

from __future__ import annotations

import itertools

from ihome.extensions import db
from ihome.houses.models import House, HouseImage
from tests.factories.accounts import make_user

_titles = itertools.count(1)


def make_house(*, owner=None, area_id: int = 1, price: int = 20000, min_days: int = 1, max_days: int = 0,
               images: int = 0, order_count: int = 0, commit: bool = True, **fields) -> House:
    """A house of ``owner`` (a new verified host by default), with ``images`` placeholder photo rows."""
    owner = owner or make_user(verified=True)
    house = House(
        user_id=owner.id, area_id=area_id, title=fields.pop("title", f"House {next(_titles)}"), price=price,
        address=fields.pop("address", "1 Chang'an Avenue"), room_count=1, acreage=40, unit="1室1厅",
        capacity=fields.pop("capacity", 2), beds="1 double bed", deposit=fields.pop("deposit", 10000),
        min_days=min_days, max_days=max_days, order_count=order_count, **fields,
    )
    db.session.add(house)
    db.session.flush()
    for position in range(images):
        db.session.add(HouseImage(house_id=house.id, position=position, key=f"houses/{house.id}-{position}.jpg",
                                  thumb_key=f"houses/{house.id}-{position}-thumb.jpg"))
    if images:
        house.index_image_key = f"houses/{house.id}-0-thumb.jpg"
    if commit:
        db.session.commit()
    return house

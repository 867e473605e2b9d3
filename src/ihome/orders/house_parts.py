"""What the orders domain adds to the houses domain's pages and searches (receivers of its events).

Search asks which houses are held for a stay (``house_taken_requested``): an active order overlapping
it. Houses never imports orders; orders imports houses. (A house's comments come from ihome.reviews.)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, select, text

from ihome.extensions import db
from ihome.houses.stays import Stay
from ihome.orders.models import ACTIVE_STATUSES, Order


def on_house_taken(_sender: Any, *, house_id: Any, start: date, end: date, **_kwargs: Any) -> ColumnElement[bool]:
    """Receiver of ``house_taken_requested``: an active order of the house overlaps [start, end)."""
    return exists().where(Order.house_id == house_id, *active_overlap(start, end))


def active_overlap(sd: date, ed: date) -> list[ColumnElement[bool]]:
    """Active orders overlapping [sd, ed), in the form each database's index answers."""
    # literal statuses: PostgreSQL only uses a partial index when it can see the values
    active = Order.status.in_(bindparam("active_statuses", [s.value for s in ACTIVE_STATUSES],
                                        expanding=True, literal_execute=True))
    if db.session.get_bind().dialect.name == "postgresql":
        # the same expression as ix_order_active_stay; '[)' is a literal so the index matches it
        stay = func.daterange(Order.start_date, Order.end_date, text("'[)'"))
        return [active, stay.op("&&")(func.daterange(sd, ed, text("'[)'")))]
    return [active, and_(Order.start_date < ed, Order.end_date > sd)]


def on_house_stays(_sender: Any, *, house_id: int, start: date, end: date, **_kwargs: Any) -> list[Stay]:
    """Receiver of ``house_stays_requested``: the house's active orders overlapping [start, end)."""
    rows = db.session.execute(
        select(Order.id, Order.start_date, Order.end_date, Order.update_time)
        .where(Order.house_id == house_id, *active_overlap(start, end)))
    return [Stay(order_id=order_id, start_date=sd, end_date=ed, changed=changed) for order_id, sd, ed, changed in rows]

"""What the reviews domain adds to other domains' answers (receivers of their events).

A house's detail gets its host card (with the one response-rate rule) and its public comments; a list
of orders gets each order's double-blind review fields and, for a host, what other hosts wrote of each
guest. Houses and orders never import reviews; reviews imports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ihome.core import clock
from ihome.core.events import house_detail_requested, orders_listed
from ihome.houses.models import House
from ihome.orders.models import Order
from ihome.reviews.people import host_card
from ihome.reviews.queries import guest_review_summaries, house_reviews
from ihome.reviews.visibility import review_fields


def on_house_detail(_sender: Any, *, house: House, **_kwargs: Any) -> dict[str, Any]:
    """Receiver of ``house_detail_requested``: ``host`` and the public ``comments``."""
    return {"host": host_card(house.owner), "comments": house_reviews(house.id)}


def on_orders_listed(_sender: Any, *, orders: Sequence[Order], viewer: str, **_kwargs: Any) -> dict[int, dict]:
    """Receiver of ``orders_listed``: the review fields each viewer may see, and a host's guest summaries."""
    today = clock.today()
    parts = {order.id: review_fields(order, viewer=viewer, today=today) for order in orders}
    if viewer == "host":  # what other hosts wrote of each guest, one query for the page
        summaries = guest_review_summaries({order.user_id for order in orders})
        for order in orders:
            parts[order.id]["guest_reviews"] = summaries[order.user_id]
    return parts


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    house_detail_requested.connect(on_house_detail)
    orders_listed.connect(on_orders_listed)

"""Named domain events (blinker signals): the domain that owns a fact sends it; others subscribe.

Senders pass the Flask app as the sender and keyword arguments only. Receivers connect in their own
domain's module (a ``subscribe()`` called once by ``create_app``), so the domain that owns a fact
never imports the domains that care about it: between domains, imports go one way only
(``tests/unit/test_import_graph.py``). A receiver of an event sent inside a transaction works in
that transaction (what it queues leaves after commit, and a rollback undoes it all); a counting
receiver (statistics) must never make the sender's request fail: it catches its own errors.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: a house's detail was served (kwargs: ``house_id``)
house_viewed = _events.signal("house-viewed")
#: a search was answered (kwargs: ``aid``, the district id or None for every district)
search_performed = _events.signal("search-performed")

#: a user's public name or avatar changed, inside the transaction (kwargs: ``session``, ``user_id``)
profile_changed = _events.signal("profile-changed")

#: an order moved from one state to another, inside the transaction (orders sends it from its one
#: transition function). kwargs: ``order_id``, ``action``, ``from_status``, ``to_status``, ``actor``,
#: ``note`` and ``refund``: the fen the guest gets back (the orders domain's money rules decided), or None
order_changed = _events.signal("order-changed")

#: a verified payment was recorded, inside the transaction (kwargs: ``order_id``, ``payment_id``,
#: ``amount``, ``actor``, ``out_trade_no``). A receiver returns True when the order took the money and
#: False when the order cannot be paid any more (the payments domain then refunds it).
payment_succeeded = _events.signal("payment-succeeded")

#: the provider confirmed a refund, inside the transaction (kwargs: ``order_id``, ``refund_id``, ``amount``)
refund_succeeded = _events.signal("refund-succeeded")

#: an order's detail is being put together (kwargs: ``order_id``, ``guest_id``, ``house_id``): each
#: receiver returns a dict of the fields its domain adds (the refund, the conversation)
order_detail_requested = _events.signal("order-detail-requested")

#: a house's detail is being put together (kwargs: ``house``): each receiver returns a dict of the
#: fields its domain adds (the reviews domain: the ``host`` card and the guests' public ``comments``)
house_detail_requested = _events.signal("house-detail-requested")

#: orders are being listed or shown (kwargs: ``orders``, ``viewer`` = guest | host | admin): each receiver
#: returns ``{order_id: fields}`` its domain adds (the reviews domain: the double-blind review fields and,
#: for a host, what other hosts wrote of each guest)
orders_listed = _events.signal("orders-listed")

#: a search is being written (kwargs: ``house_id``, the houses' id column, ``start`` and ``end``, a stay
#: [start, end)): each receiver returns a SQL condition true when its domain holds a house's night in
#: that stay (the orders domain: an active booking overlaps it), so search excludes those houses
house_taken_requested = _events.signal("house-taken-requested")

#: a house's held nights are being listed (kwargs: ``house_id``, ``start``, ``end``): each receiver
#: returns the ``houses.stays.Stay`` of its domain overlapping [start, end) (the orders domain: active bookings)
house_stays_requested = _events.signal("house-stays-requested")

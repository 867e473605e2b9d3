"""Named domain events (blinker signals): the domain that owns a fact sends it; others subscribe.

Senders pass the Flask app as the sender and keyword arguments only. A receiver must never make the
sender's request fail: it catches its own errors.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: a house's detail was served (kwargs: ``house_id``)
house_viewed = _events.signal("house-viewed")
#: a search was answered (kwargs: ``aid``, the district id or None for every district)
search_performed = _events.signal("search-performed")

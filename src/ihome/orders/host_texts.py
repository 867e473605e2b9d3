"""A bound on the texts a host receives for new booking requests: at most one per host per window.

The first request in ``IHOME_HOST_REQUEST_TEXT_MINUTES`` texts the host at once and opens the
window (a Redis key with that expiry, set with ``NX``: concurrent workers agree on one winner).
Requests inside the window are only counted; when the window ends a digest task sends one text
with that count ("3 more booking requests are waiting") and opens a new window, so a flood of
requests costs the host one text per window, however many arrive. The next request after a quiet
window also carries any count a digest has not delivered yet.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale, ngettext

from ihome.core.redis_client import get_redis

Sender = Callable[[str, str], None]
Scheduler = Callable[[int, str, int], None]


def _window_key(host_id: int) -> str:
    return f"ihome:orders:host-texts:window:{host_id}"


def _folded_key(host_id: int) -> str:
    return f"ihome:orders:host-texts:folded:{host_id}"


def window_seconds() -> int:
    """The window's length in seconds (at least 1)."""
    return max(1, int(current_app.config["HOST_REQUEST_TEXT_MINUTES"]) * 60)


def new_request(*, host_id: int, mobile: str, body: str, send: Sender, schedule_digest: Scheduler) -> bool:
    """Text ``body`` now if the host's window is closed (True), else count it for the digest (False)."""
    redis = get_redis()
    seconds = window_seconds()
    if not redis.set(_window_key(host_id), "1", nx=True, ex=seconds):
        pipe = redis.pipeline()
        pipe.incr(_folded_key(host_id))
        pipe.expire(_folded_key(host_id), seconds * 4)
        pipe.execute()
        return False
    earlier = int(redis.getdel(_folded_key(host_id)) or 0)
    send(mobile, body + _more_waiting(earlier) if earlier else body)
    schedule_digest(host_id, mobile, seconds)
    return True


def digest(*, host_id: int, mobile: str, send: Sender, schedule_digest: Scheduler) -> int:
    """At the end of a window: one text counting the requests folded into it (if any); returns that count."""
    redis = get_redis()
    folded = int(redis.getdel(_folded_key(host_id)) or 0)
    if folded:
        seconds = window_seconds()
        redis.set(_window_key(host_id), "1", ex=seconds)  # the digest is a text too: a new window starts
        send(mobile, _more_waiting(folded).strip())
        schedule_digest(host_id, mobile, seconds)
    return folded


def _more_waiting(count: int) -> str:
    with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
        return " " + ngettext("iHome: %(num)d more booking request is waiting for your answer.",
                              "iHome: %(num)d more booking requests are waiting for your answer.", count)


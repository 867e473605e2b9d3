"""The message rate limit and the text-message throttle: atomic Redis counters with a TTL.

Both are single Redis transactions, so concurrent requests (several gunicorn workers, several
nodes) cannot both slip under a limit.
"""

from __future__ import annotations

from ihome.core.redis_client import get_redis

RATE_WINDOW_SECONDS = 60


def count_message(*, user_id: int) -> tuple[int, int]:
    """Count one more message of ``user_id`` in the current minute: (messages in it, seconds left in it)."""
    key = f"ihome:conv:rate:{user_id}"
    pipe = get_redis().pipeline(transaction=True)
    pipe.set(key, 0, ex=RATE_WINDOW_SECONDS, nx=True)  # opens the window; no-op while it is open
    pipe.incr(key)
    pipe.ttl(key)
    _, count, ttl = pipe.execute()
    return int(count), max(int(ttl), 1)


def text_key(*, conversation_id: int, recipient_id: int) -> str:
    return f"ihome:conv:texted:{conversation_id}:{recipient_id}"


def may_text(*, conversation_id: int, recipient_id: int, interval_seconds: int) -> bool:
    """True at most once per ``interval_seconds`` per conversation and recipient (SET NX with a TTL)."""
    key = text_key(conversation_id=conversation_id, recipient_id=recipient_id)
    return bool(get_redis().set(key, 1, ex=interval_seconds, nx=True))

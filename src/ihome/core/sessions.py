"""Redis-backed sessions that turn a dead Redis into a clear 503, only where a session is used.

Flask opens the session before any error handler can run, so a plain Redis session interface
would turn "Redis is down" into an unhandled error on every request. Here the session that could
not be loaded is a stand-in that raises ``Unavailable`` (503/4001) when touched; requests that
never read the session (cached house pages, health) keep working.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import redis
from flask.sessions import SessionMixin
from flask_session.redis import RedisSessionInterface

from ihome.core.errors import Unavailable

log = logging.getLogger(__name__)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class UnavailableSession(dict, SessionMixin):
    """A session that could not be loaded: any use of it is a 503."""

    def _down(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise Unavailable()

    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = _down
    get = pop = setdefault = clear = update = keys = items = values = _down


class ResilientRedisSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis interface, failing softly when Redis is unreachable."""

    def open_session(self, app, request):
        try:
            return super().open_session(app, request)
        except REDIS_DOWN as exc:
            log.warning("session store unavailable: %s", exc)
            return UnavailableSession()

    def save_session(self, app, session, response) -> None:
        if isinstance(session, UnavailableSession):
            return
        try:
            super().save_session(app, session, response)
        except REDIS_DOWN as exc:
            log.warning("session not saved, store unavailable: %s", exc)



def install(app) -> None:
    """Replace the interface Flask-Session installed with the resilient one (same settings)."""
    app.session_interface = ResilientRedisSessionInterface(
        app,
        client=app.config["SESSION_REDIS"],
        key_prefix=app.config["SESSION_KEY_PREFIX"],
        permanent=app.config["SESSION_PERMANENT"],
        serialization_format=app.config["SESSION_SERIALIZATION_FORMAT"],
    )


# ---- every session of one user (so an administrator's suspension can end them all) ----------------------

USER_SESSIONS_KEY = "ihome:user_sessions:{user_id}"


def remember_user_session(app, user_id: int, sid: str) -> None:
    """Index a new login's session id under its user (kept as long as a session lives)."""
    client = app.config["SESSION_REDIS"]
    key = USER_SESSIONS_KEY.format(user_id=user_id)
    try:
        client.pipeline().sadd(key, sid).expire(key, int(app.permanent_session_lifetime.total_seconds())).execute()
    except REDIS_DOWN as exc:
        log.warning("session index not written, store unavailable: %s", exc)


def destroy_user_sessions(app, user_id: int) -> int:
    """Delete every server-side session of ``user_id`` that a login created; returns how many existed."""
    client = app.config["SESSION_REDIS"]
    key = USER_SESSIONS_KEY.format(user_id=user_id)
    sids = [sid.decode() if isinstance(sid, bytes) else str(sid) for sid in client.smembers(key)]
    prefix = app.config["SESSION_KEY_PREFIX"]
    removed = int(client.delete(*[prefix + sid for sid in sids])) if sids else 0
    client.delete(key)
    return removed

"""Redis-backed sessions that turn a dead Redis into a clear 503, only where a session is used.

Flask opens the session before any error handler can run, so a plain Redis session interface
would turn "Redis is down" into an unhandled error on every request. Here the session that could
not be loaded is a stand-in that raises ``Unavailable`` (503/4001) when touched; requests that
never read the session (cached house pages, health) keep working.

Sessions are lazy: a request without a session cookie (or with one Redis no longer knows) gets a
session with no id; the id is drawn only when something asks for it (a login, a write that must be
saved). A cookieless read therefore costs no random bytes, no Redis round trip and no ``Set-Cookie``.

A logged-in session's lifetime slides, but is extended at most once every ``REFRESH_EVERY_SECONDS``
(a save of its data with a new expiry, and of its user's index of sessions), not on every request: a
session ends ``PERMANENT_SESSION_LIFETIME`` after the last visit, give or take that hour, and a request
that changes nothing costs one Redis round trip (the read), not two, and no ``Set-Cookie`` (issue 14).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, NoReturn

import redis
from flask.sessions import SessionMixin
from flask_session.base import ServerSideSession
from flask_session.redis import RedisSessionInterface

from ihome.core import clock
from ihome.core.errors import Unavailable

log = logging.getLogger(__name__)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
REFRESH_EVERY_SECONDS = 3600
REFRESHED = "refreshed"  # in the session: when its lifetime was last extended (epoch seconds)
USER_SESSIONS_KEY = "ihome:user_sessions:{user_id}"  # a set: the session ids of one user


class UnavailableSession(dict, SessionMixin):
    """A session that could not be loaded: any use of it is a 503."""

    def _down(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise Unavailable()

    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = _down
    get = pop = setdefault = clear = update = keys = items = values = _down


class LazySession(ServerSideSession):
    """A new session whose id is drawn on first use (``sid`` read), not when the request opens it."""

    _sid: str | None = None

    def __init__(self, initial: Any = None, sid: str | None = None, permanent: bool | None = None,
                 *, new_sid: Any = None) -> None:
        self._new_sid = new_sid
        super().__init__(initial, sid=sid, permanent=permanent)

    @property  # type: ignore[override]
    def sid(self) -> str:
        if self._sid is None:
            self._sid = self._new_sid()
        return self._sid

    @sid.setter
    def sid(self, value: str | None) -> None:
        self._sid = value

    @property
    def has_sid(self) -> bool:
        return self._sid is not None


class ResilientRedisSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis interface, failing softly when Redis is unreachable, with lazy new sessions."""

    def _lazy(self) -> LazySession:
        return LazySession(permanent=self.permanent, new_sid=lambda: self._generate_sid(self.sid_length))

    def open_session(self, app, request):
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not sid:
            return self._lazy()
        try:
            data = self._retrieve_session_data(self._get_store_id(sid))
        except REDIS_DOWN as exc:
            log.warning("session store unavailable: %s", exc)
            return UnavailableSession()
        if data is None:
            return self._lazy()
        return self.session_class(data, sid=sid)

    def save_session(self, app, session, response) -> None:
        if isinstance(session, UnavailableSession):
            return
        if isinstance(session, LazySession) and not session.has_sid and not session:
            # Nothing stored and nothing to store: no id, no Redis, no cookie (what the parent
            # would do for an empty session, without drawing an id to name a key that never existed).
            if session.accessed:
                response.vary.add("Cookie")
            if session.modified and request_had_cookie(app):
                response.delete_cookie(self.get_cookie_name(app), domain=self.get_cookie_domain(app),
                                       path=self.get_cookie_path(app))
                response.vary.add("Cookie")
            return
        if session and session.permanent and (session.modified or _refresh_due(app, session)):
            session[REFRESHED] = int(clock.now().timestamp())  # saved below, with a new expiry
        try:
            super().save_session(app, session, response)
        except REDIS_DOWN as exc:
            log.warning("session not saved, store unavailable: %s", exc)

    # A refresh is a modification (``save_session``): nothing else writes the session or sets its cookie.
    def should_set_storage(self, app, session) -> bool:
        return bool(session.modified)

    def should_set_cookie(self, app, session) -> bool:
        return bool(session.modified)

    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        """The session's data and its user's index of sessions (``destroy_user_sessions`` ends them on a
        suspension; extended with the session, it outlives no session it indexes), in one round trip."""
        seconds = int(session_lifetime.total_seconds())
        pipe = self.client.pipeline(transaction=False)
        pipe.set(store_id, self.serializer.encode(session), ex=seconds)
        user_id = session.get("user_id")
        if user_id is not None:
            index = USER_SESSIONS_KEY.format(user_id=user_id)
            pipe.sadd(index, session.sid).expire(index, seconds)
        pipe.execute()


def _refresh_due(app, session: ServerSideSession) -> bool:
    """An unchanged session is saved again (its lifetime extended) once ``REFRESH_EVERY_SECONDS`` passed."""
    if not app.config["SESSION_REFRESH_EACH_REQUEST"]:
        return False
    refreshed = session.get(REFRESHED)
    return not isinstance(refreshed, int) or clock.now().timestamp() - refreshed >= REFRESH_EVERY_SECONDS


def request_had_cookie(app) -> bool:
    from flask import request

    return bool(request.cookies.get(app.config["SESSION_COOKIE_NAME"]))


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


def destroy_user_sessions(app, user_id: int) -> int:
    """Delete every server-side session of ``user_id`` that a login created; returns how many existed."""
    client = app.config["SESSION_REDIS"]
    key = USER_SESSIONS_KEY.format(user_id=user_id)
    sids = [sid.decode() if isinstance(sid, bytes) else str(sid) for sid in client.smembers(key)]
    prefix = app.config["SESSION_KEY_PREFIX"]
    removed = int(client.delete(*[prefix + sid for sid in sids])) if sids else 0
    client.delete(key)
    return removed

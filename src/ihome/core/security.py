"""Who is logged in, what they may call, CSRF and the security headers.

CSRF is the double-submit pattern of API.md: every POST/PUT/PATCH/DELETE must echo the ``csrf_token``
cookie in the ``X-CSRFToken`` header. A cross-site page can neither read our cookie nor set that header.
The token is also signed for the session (``nonce.HMAC(secret key, session id|nonce)``; before a login,
for "anonymous"): a cookie planted by a sibling subdomain, or minted for another session, is refused,
and a login (a new session id) or a logout gets a new token in the same response.

Tokens are minted where a client can need one: every page (``base.html`` embeds it), every answer to
a state change (a login or logout rotates it; a refused request carries a fresh one), every answer to
a client holding a session or a stale token. The one exception is a read of the JSON API
(GET/HEAD under ``/api/``) by a client with no cookie at all: it cannot post anything without first
loading a page or ``/healthz`` (or receiving the 400 of a POST), each of which sets the cookie, so
minting for it would only cost every anonymous read an HMAC and a ``Set-Cookie``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from ihome.core.errors import DataError, Unauthorized, Unavailable

CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRFToken"
CSRF_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}")  # nonce . HMAC-SHA256(secret, binding|nonce)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAFE_READS = frozenset({"GET", "HEAD"})
API_PREFIX = "/api/"
MAX_NEXT_LENGTH = 2048
F = TypeVar("F", bound=Callable[..., Any])


# ---- identity -------------------------------------------------------------------------------------------

def current_user_id() -> int | None:
    """The logged-in user's id, or None (reads the Redis-backed session once per request)."""
    if "user_id" not in g:
        value = session.get("user_id")
        g.user_id = int(value) if value is not None else None
    return g.user_id


def require_user_id() -> int:
    """The logged-in user's id; ``Unauthorized`` (401/4101) when nobody is."""
    user_id = current_user_id()
    if user_id is None:
        raise Unauthorized()
    return user_id


def login_session(user_id: int) -> None:
    """Log a user in: a fresh session id (no fixation), then remember who it is."""
    # Regenerate BEFORE clearing: Flask-Session's regenerate skips an empty session, so clearing
    # first kept a planted (live) session id across the login. A lazy new session draws its id later.
    current_app.session_interface.regenerate(session)  # type: ignore[attr-defined]
    session.clear()
    session["user_id"] = user_id
    session.permanent = True
    g.user_id = user_id  # saved at the end of the request with its user's index of sessions (core.sessions)


def logout_session() -> None:
    """Destroy the server-side session."""
    session.clear()
    g.user_id = None


def login_required(view: F) -> F:
    """For API views: 401/4101 unless logged in."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_user_id()
        return view(*args, **kwargs)

    wrapper._login_required = True  # type: ignore[attr-defined]  # /openapi.json documents its 401
    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after login; anything else (another host, ``//x``) gives ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if len(target) > MAX_NEXT_LENGTH or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default  # CR/LF would split the Location header
    return target


def page_login_required(view: F) -> F:
    """For pages: redirect to ``/login?next=<this page>`` unless logged in."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user_id() is None:
            here = request.full_path.rstrip("?")
            return redirect(url_for("accounts_pages.login") + "?next=" + quote(here, safe="/"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


# ---- CSRF -----------------------------------------------------------------------------------------------

def csrf_exempt(view: F) -> F:
    """Mark a view that authenticates its caller another way (a signed provider callback)."""
    view._csrf_exempt = True  # type: ignore[attr-defined]
    return view


def _csrf_binding() -> str | None:
    """What a token is minted for: this session once it holds anything (a login), else any anonymous client.

    None when the session store is down (no token can be checked or minted then).
    """
    try:
        return f"session:{session.sid}" if session else "anonymous"  # type: ignore[attr-defined]
    except Unavailable:
        return None


def _signature(binding: str, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"ihome-csrf|{binding}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _mint_csrf_token(binding: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_signature(binding, nonce)}"


def _minted_for(token: str, binding: str | None) -> bool:
    """Whether ``token`` is well formed and was minted by us for ``binding`` (compared as ASCII bytes)."""
    if binding is None or not CSRF_TOKEN.fullmatch(token):
        return False
    nonce, signature = token.split(".")
    return hmac.compare_digest(signature.encode(), _signature(binding, nonce).encode())


def _check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "_csrf_exempt", False):
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    binding = _csrf_binding()
    if binding is None:
        raise Unavailable()
    echoed = hmac.compare_digest(cookie.encode(), header.encode("utf-8", "surrogatepass"))
    if not (_minted_for(cookie, binding) and echoed):
        raise DataError(_("Missing or wrong CSRF token: send the csrf_token cookie's value in X-CSRFToken"))


def _needs_no_token() -> bool:
    """A cookieless read of the JSON API (see the module docstring)."""
    return request.method in SAFE_READS and not request.cookies and request.path.startswith(API_PREFIX)


def _set_csrf_cookie(response):
    """A fresh token whenever the client's is missing or not minted for its session (after a login or logout)."""
    if _needs_no_token() and not g.get("csrf_token"):
        return response
    binding = _csrf_binding()
    if binding is None or _minted_for(request.cookies.get(CSRF_COOKIE, ""), binding):
        return response
    pending = g.get("csrf_token")
    token = pending if pending and _minted_for(pending, binding) else _mint_csrf_token(binding)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=60 * 60 * 24 * 30,
        secure=current_app.config["PRODUCTION"],
        httponly=False,  # the page's script reads it to echo it in the header
        samesite="Lax",
    )
    return response


def csrf_token() -> str:
    """The token pages embed; the same value the cookie carries (or will carry after this response)."""
    binding = _csrf_binding() or "anonymous"
    token = request.cookies.get(CSRF_COOKIE, "")
    if _minted_for(token, binding):
        return token
    pending = g.get("csrf_token")
    if not pending or not _minted_for(pending, binding):
        pending = g.csrf_token = _mint_csrf_token(binding)
    return pending


# ---- headers --------------------------------------------------------------------------------------------

def _content_security_policy() -> str:
    img_sources = ["'self'", "data:", "blob:"]
    if current_app.config.get("QINIU_DOMAIN"):
        img_sources.append(current_app.config["QINIU_DOMAIN"])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(img_sources)}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ])


def _security_headers(response):
    policy = current_app.extensions.get("ihome.csp")
    if policy is None:  # built once per app: it depends on configuration only
        policy = current_app.extensions["ihome.csp"] = _content_security_policy()
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["PRODUCTION"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register_security(app: Flask) -> None:
    """CSRF check before every unsafe request; cookie and headers on every response."""
    app.before_request(_check_csrf)
    app.after_request(_set_csrf_cookie)
    app.after_request(_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token

"""The rendered HTML of public pages, cached for anonymous visitors under the generations of their data.

A visitor without a session cookie sees the same page as every other such visitor (no name, no
"my houses", no owner's buttons; the favourites heart is filled in by script). For them the HTML of
the home page and a house page is stored in the cache Redis, stamped like ``ihome.core.cache``'s values
with the generations the page's data depends on: one ``MGET`` of the page and its counters serves it,
and the next request after a change misses and renders fresh. A request with a session cookie (logged
in, or was) is always rendered for itself and never stored.

What varies between anonymous requests is either in the key or put in on the way out:
- the key holds the language, today's date (pages show "today" in date pickers), whatever query
  arguments the page shows (the chosen stay), and a *fingerprint* of the code, templates, static files
  and catalogs of this deploy (a new version never serves an old page with old asset URLs);
- the CSRF token of ``<meta name="csrf-token">`` is rendered as a placeholder and replaced by this
  request's token (the same one its cookie carries or is about to get), so nobody shares a token.
Headers are the app's as for any page (``no-store``, CSP, the csrf and language cookies), plus
``X-Cache: hit`` or ``miss`` on the anonymous path.

Redis being down renders the page as if uncached.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Response, current_app, request

from ihome.core import clock
from ihome.core.cache import GEN_PREFIX, PREFIX, REDIS_DOWN, SEPARATOR
from ihome.core.i18n import current_language
from ihome.core.redis_client import get_cache_redis
from ihome.core.security import csrf_token

log = logging.getLogger(__name__)
PAGE_PREFIX = PREFIX + "page:v1:"
# What base.html's csrf_token() renders in a stored page; the first occurrence (in <head>, before any
# user content) is replaced by the request's token on the way out.
CSRF_PLACEHOLDER = "ihome-page-csrf-placeholder"
FINGERPRINTED = {".py", ".html", ".css", ".js", ".svg", ".png", ".jpg", ".mo", ".json"}
Render = Callable[..., str]


def is_anonymous() -> bool:
    """No session cookie: this visitor sees the page every anonymous visitor sees."""
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in FINGERPRINTED and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def deploy_fingerprint() -> str:
    """12 hex digits of the package's code, templates, static files and catalogs (computed once per app)."""
    found = current_app.extensions.get("ihome.page_fingerprint")
    if found is None:
        found = current_app.extensions["ihome.page_fingerprint"] = _fingerprint(Path(__file__).resolve().parents[1])
    return str(found)


def _stamp(counters: list[bytes | None]) -> bytes:
    return b",".join(c or b"0" for c in counters)


def _response(html: bytes, hit: bool) -> Response:
    html = html.replace(CSRF_PLACEHOLDER.encode(), csrf_token().encode(), 1)
    response = Response(html, mimetype="text/html")
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return response


def cached_page(key: str, render: Render, *, generations: Iterable[str], **context: Any) -> Any:
    """The page ``render(**context)`` renders, from the cache for an anonymous visitor.

    ``key`` names the page and everything in the request that changes it; the language, the date
    and the deploy fingerprint are added here. ``render`` returns the HTML (``render_template``) and
    may raise (a 404 page is never stored).
    """
    if not is_anonymous():
        return render(**context)
    full_key = f"{PAGE_PREFIX}{deploy_fingerprint()}:{current_language()}:{clock.today().isoformat()}:{key}"
    names = list(generations)
    try:
        found = get_cache_redis().mget([full_key, *(GEN_PREFIX + n for n in names)])
    except REDIS_DOWN as exc:
        log.warning("page cache unavailable, rendering %s: %s", key, exc)
        return render(**context)
    stamp = _stamp(found[1:])
    raw = found[0]
    if raw is not None:
        stored, _, html = raw.partition(SEPARATOR)
        if stored == stamp:
            return _response(html, hit=True)
    page = render(**context, csrf_token=lambda: CSRF_PLACEHOLDER).encode()
    try:
        get_cache_redis().set(full_key, stamp + SEPARATOR + page, ex=current_app.config["CACHE_TTL"])
    except REDIS_DOWN as exc:
        log.warning("page cache unavailable, not storing %s: %s", key, exc)
    return _response(page, hit=False)

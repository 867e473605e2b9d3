"""iHome (爱家租房): a short-term rental marketplace. ``create_app`` is the only way to build the app."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ihome.config import load_config

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def create_app(config: dict[str, Any] | None = None) -> APIFlask:
    """Build the iHome app: configuration first, then each ``register_*`` step."""
    settings = load_config(config)
    app = APIFlask(
        "ihome",
        title="iHome API",
        version="1.0",
        instance_path=settings["INSTANCE_PATH"],
        docs_path=None,  # our own /docs page: local assets, no inline script
        spec_path="/openapi.json",
    )
    app.config.update(settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in JSON bodies
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_logging(app)
    register_proxy(app)
    register_extensions(app)
    register_errors_and_security(app)
    register_blueprints(app)
    register_tasks(app)
    return app


def register_logging(app: APIFlask) -> None:
    from ihome.core.handlers import RequestIdFilter

    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    root = logging.getLogger("ihome")
    if not any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = app.config["TESTING"]  # pytest's caplog reads records through the root logger


def register_proxy(app: APIFlask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: APIFlask) -> None:
    """Database, Redis, sessions, translations, the API's envelope in the docs."""
    from ihome import models  # noqa: F401 - the whole schema, before the first query
    from ihome.core import sessions
    from ihome.core.db import configure_sqlite, ping_after_idle
    from ihome.core.i18n import select_locale
    from ihome.core.redis_client import make_client
    from ihome.core.responses import Envelope
    from ihome.extensions import babel, db, migrate, session_store

    if not app.config["REDIS_URL"]:
        # where `ihome serve` puts its embedded Redis, so operator commands reach the same one
        app.config["REDIS_URL"] = f"unix://{Path(app.instance_path) / 'redis' / 'redis.sock'}?db=0"
        # and its second, memory-bounded Redis for cached reads (see ihome.runtime)
        app.config["CACHE_REDIS_URL"] = app.config.get("CACHE_REDIS_URL") or (
            f"unix://{Path(app.instance_path) / 'redis-cache' / 'redis.sock'}?db=0")
    redis_client = make_client(app.config["REDIS_URL"])
    app.extensions["ihome.redis"] = redis_client
    if app.config.get("CACHE_REDIS_URL"):
        app.extensions["ihome.cache_redis"] = make_client(app.config["CACHE_REDIS_URL"])

    db.init_app(app)
    with app.app_context():
        ping_after_idle(db.engine)
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)

    production = app.config["PRODUCTION"]
    app.config.update(
        SESSION_TYPE="redis",
        SESSION_REDIS=redis_client,
        SESSION_KEY_PREFIX="ihome:session:",
        SESSION_PERMANENT=True,
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        SESSION_COOKIE_NAME="ihome_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        SESSION_SERIALIZATION_FORMAT="json",
    )
    session_store.init_app(app)
    sessions.install(app)

    translation_dirs = [str(PACKAGE_DIR / "translations")] + [
        str(p) for p in sorted(PACKAGE_DIR.glob("*/translations")) if p.is_dir()
    ]
    app.config.update(
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE=app.config["TIMEZONE"],
        BABEL_TRANSLATION_DIRECTORIES=";".join(translation_dirs),
    )
    babel.init_app(app, locale_selector=select_locale)

    app.config.update(
        BASE_RESPONSE_SCHEMA=Envelope,
        BASE_RESPONSE_DATA_KEY="data",
        VALIDATION_ERROR_STATUS_CODE=400,
        VALIDATION_ERROR_DESCRIPTION="Validation error: errno 4103, data.fields lists messages per field",
        VALIDATION_ERROR_SCHEMA=FIELD_ERRORS_SCHEMA,
        HTTP_ERROR_SCHEMA=ERROR_DATA_SCHEMA,
        INFO={"description": "The iHome HTTP API. Every JSON response is {errno, errmsg, data}; see API.md."},
    )


# APIFlask wraps error schemas in BASE_RESPONSE_SCHEMA (the envelope) as ``data``: these are the payloads.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "required": ["fields"],
    "properties": {
        "fields": {
            "type": "object",
            "description": "messages per invalid field, in the request's language",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
}
ERROR_DATA_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "null on most errors; {request_id} on 500; {fields} on 4103 validation errors",
}


def register_errors_and_security(app: APIFlask) -> None:
    from ihome.core import caching_headers
    from ihome.core.handlers import register_error_handlers
    from ihome.core.i18n import register_i18n
    from ihome.core.security import register_security

    register_error_handlers(app)
    register_security(app)
    register_i18n(app)
    caching_headers.register(app)


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a positive id from 1 to 2**31 - 1 (ids are 32-bit on PostgreSQL).

    Anything else matches no route, so it is a 404 for every method, never an overflow 500. (A
    range check in ``to_python`` would make werkzeug answer 405 when another method's rule exists.)
    """

    regex = (r"(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
             r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])")


def register_blueprints(app: APIFlask) -> None:
    """Every domain's API (under /api/v1.0) and pages."""
    app.url_map.converters["int"] = DatabaseIdConverter
    from ihome.accounts import api as accounts_api
    from ihome.accounts import views as accounts_views
    from ihome.admin import actions_api as admin_actions_api
    from ihome.admin import counters as admin_counters
    from ihome.admin import stats_api as admin_stats_api
    from ihome.admin import views as admin_views
    from ihome.core import docs, floor, health, media
    from ihome.houses import api as houses_api
    from ihome.houses import views as houses_views
    from ihome.orders import api as orders_api
    from ihome.orders import views as orders_views
    from ihome.payments import api as payments_api
    from ihome.payments import views as payments_views

    for module in (health, docs, media, accounts_api, accounts_views, houses_api, houses_views,
                   orders_api, orders_views, payments_api, payments_views, admin_stats_api, admin_counters,
                   admin_actions_api, admin_views):
        module.register(app)
    from ihome.conversations import api as conversations_api
    from ihome.conversations import views as conversations_views
    from ihome.houses import favorites_api, favorites_views

    for module in (conversations_api, conversations_views, favorites_api, favorites_views):
        module.register(app)
    from ihome.houses import ical_api, ical_views
    from ihome.reviews import api as reviews_api
    from ihome.reviews import views as reviews_views

    for module in (reviews_api, reviews_views, ical_api, ical_views):
        module.register(app)
    floor.register(app)  # only with IHOME_BENCH_FLOOR (the benchmark)


def register_tasks(app: APIFlask) -> None:
    from ihome.core.tasks import celery_init_app

    celery_init_app(app)

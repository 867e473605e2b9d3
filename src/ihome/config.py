"""Configuration: defaults, then ``IHOME_*`` environment variables.

Every setting is declared once in ``SETTINGS``; the README's configuration table lists the same
names (a test keeps them in step). ``load_config()`` returns the Flask config mapping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("development", "testing", "production")
DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    """One ``IHOME_*`` variable: its Flask config key, default, parser and meaning."""

    env: str
    key: str
    default: Any
    parse: Callable[[str], Any] = str
    doc: str = ""
    dev_only: bool = False  # production refuses to start when it is set


SETTINGS: tuple[Setting, ...] = (
    Setting("IHOME_ENV", "IHOME_ENV", "development", str, "development | testing | production"),
    Setting("IHOME_SECRET_KEY", "SECRET_KEY", None, str, "signs cookies; required in production"),
    Setting("IHOME_INSTANCE_PATH", "INSTANCE_PATH", "./instance", str, "SQLite file, uploads, keys"),
    Setting("IHOME_DATABASE_URL", "DATABASE_URL", None, str, "SQLAlchemy URL; default SQLite (WAL) in the instance"),
    Setting("IHOME_REDIS_URL", "REDIS_URL", None, str, "redis:// or unix://; default: an embedded Redis"),
    Setting("IHOME_CACHE_REDIS_URL", "CACHE_REDIS_URL", None, str,
            "Redis for cached reads only (memory-bounded, evicts); default: a second embedded Redis, "
            "else IHOME_REDIS_URL"),
    Setting("IHOME_CACHE_MAXMEMORY_MB", "CACHE_MAXMEMORY_MB", 64, int,
            "memory bound of the embedded cache Redis, in MB (least recently used entries go first)"),
    Setting("IHOME_TASK_VISIBILITY_TIMEOUT", "TASK_VISIBILITY_TIMEOUT", 600, int,
            "seconds before a task taken by a worker that vanished is handed to another worker"),
    Setting("IHOME_TIMEZONE", "TIMEZONE", "Asia/Shanghai", str, "the marketplace's time zone for dates"),
    Setting("IHOME_LOG_LEVEL", "LOG_LEVEL", "INFO", str, "logging level"),
    Setting("IHOME_TRUSTED_PROXIES", "TRUSTED_PROXIES", 0, int, "reverse proxies in front (X-Forwarded-For hops)"),
    Setting("IHOME_MAX_UPLOAD_MB", "MAX_UPLOAD_MB", 10, int, "largest request body, in MB"),
    Setting("IHOME_PAGE_SIZE", "PAGE_SIZE", 10, int, "houses per search page"),
    Setting("IHOME_CACHE_TTL", "CACHE_TTL", 3600, int, "seconds a cached read may live"),
    Setting("IHOME_SEARCH_REFRESH", "SEARCH_REFRESH", 4, int,
            "popular cached searches a booking or listing change recomputes before it answers (0: none)"),
    Setting("IHOME_BENCH_FLOOR", "BENCH_FLOOR", False, _bool,
            "serve GET /api/v1.0/_floor, the benchmark's trivial JSON endpoint (make bench sets it)"),
    # Integrations
    Setting("IHOME_SMS_BACKEND", "SMS_BACKEND", "console", str, "console | ronglian"),
    Setting("IHOME_STORAGE_BACKEND", "STORAGE_BACKEND", "local", str, "local | qiniu"),
    Setting("IHOME_PAYMENT_BACKEND", "PAYMENT_BACKEND", "simulator", str, "simulator | alipay"),
    # Verification and accounts
    Setting("IHOME_CAPTCHA_TEST_CODE", "CAPTCHA_TEST_CODE", None, str,
            "accepted as any image captcha's answer (development/testing only)", dev_only=True),
    Setting("IHOME_CAPTCHA_TTL", "CAPTCHA_TTL", 180, int, "seconds an image code is valid"),
    Setting("IHOME_CAPTCHA_PER_IP_PER_MINUTE", "CAPTCHA_PER_IP_PER_MINUTE", 30, int, "image codes per IP per minute"),
    Setting("IHOME_SMS_CODE_TTL", "SMS_CODE_TTL", 300, int, "seconds an SMS code is valid"),
    Setting("IHOME_SMS_RESEND_SECONDS", "SMS_RESEND_SECONDS", 60, int, "one SMS per mobile per this many seconds"),
    Setting("IHOME_SMS_PER_MOBILE_PER_DAY", "SMS_PER_MOBILE_PER_DAY", 10, int, "SMS codes per mobile per day"),
    Setting("IHOME_SMS_PER_IP_PER_DAY", "SMS_PER_IP_PER_DAY", 20, int, "SMS codes per IP per day"),
    Setting("IHOME_SMS_CODE_MAX_TRIES", "SMS_CODE_MAX_TRIES", 5, int, "wrong tries that spend an SMS code"),
    Setting("IHOME_LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES", 5, int,
            "login attempts per mobile and client address in the window (a success takes its attempt back)"),
    Setting("IHOME_LOGIN_MAX_FAILURES_PER_MOBILE", "LOGIN_MAX_FAILURES_PER_MOBILE", 50, int,
            "login attempts per mobile from all addresses in the window; then only known addresses may try"),
    Setting("IHOME_LOGIN_MAX_PER_ADDRESS", "LOGIN_MAX_PER_ADDRESS", 100, int,
            "login attempts per client address over all mobiles in the window"),
    Setting("IHOME_LOGIN_WINDOW_SECONDS", "LOGIN_WINDOW_SECONDS", 600, int, "window for login attempts"),
    Setting("IHOME_LOGIN_KNOWN_ADDRESS_DAYS", "LOGIN_KNOWN_ADDRESS_DAYS", 30, int,
            "an address a mobile logged in from stays exempt from the per-mobile limit this long (0: never)"),
    Setting("IHOME_AVATAR_MAX_MB", "AVATAR_MAX_MB", 5, int, "largest avatar upload, in MB"),
    Setting("IHOME_HOUSE_IMAGE_MAX_MB", "HOUSE_IMAGE_MAX_MB", 10, int, "largest house photo, in MB"),
    Setting("IHOME_MAX_PHOTO_PIXELS", "MAX_PHOTO_PIXELS", 25_000_000, int,
            "house photos of more pixels are refused (from the header, before decoding)"),
    Setting("IHOME_MAX_AVATAR_PIXELS", "MAX_AVATAR_PIXELS", 16_000_000, int,
            "avatars of more pixels are refused (from the header, before decoding)"),
    Setting("IHOME_IMAGE_CONCURRENCY", "IMAGE_CONCURRENCY", 1, int, "images decoded at once per server process"),
    Setting("IHOME_IMAGE_QUEUE", "IMAGE_QUEUE", 1, int,
            "uploads per server process that may wait for an image slot; more get 503 at once"),
    Setting("IHOME_IMAGE_WAIT_SECONDS", "IMAGE_WAIT_SECONDS", 5.0, float,
            "how long an upload waits for a free image slot before 503 (Retry-After)"),
    # Orders
    Setting("IHOME_ACCEPT_TIMEOUT_HOURS", "ACCEPT_TIMEOUT_HOURS", 24, int, "unanswered bookings are cancelled"),
    Setting("IHOME_PAYMENT_TIMEOUT_HOURS", "PAYMENT_TIMEOUT_HOURS", 2, int, "unpaid accepted bookings are cancelled"),
    Setting("IHOME_EXPIRY_INTERVAL_SECONDS", "EXPIRY_INTERVAL_SECONDS", 60, int, "how often the expiry jobs run"),
    Setting("IHOME_BOOKING_HORIZON_DAYS", "BOOKING_HORIZON_DAYS", 365, int, "check-in at most this many days ahead"),
    Setting("IHOME_MAX_NIGHTS", "MAX_NIGHTS", 365, int, "longest stay one booking may ask for, in nights"),
    Setting("IHOME_MAX_PENDING_PER_GUEST", "MAX_PENDING_PER_GUEST", 3, int,
            "orders a guest may hold in WAIT_ACCEPT/WAIT_PAYMENT at once (and one per house)"),
    Setting("IHOME_GUEST_FEE_PERCENT", "GUEST_FEE_PERCENT", 5, int, "guest service fee, % of the nights' subtotal"),
    Setting("IHOME_HOST_COMMISSION_PERCENT", "HOST_COMMISSION_PERCENT", 3, int,
            "host commission, % of the nights' subtotal"),
    Setting("IHOME_REVIEW_WINDOW_DAYS", "REVIEW_WINDOW_DAYS", 14, int,
            "days after check-out the host may review the guest; a stay's reviews are public when both are "
            "written or this window closes"),
    Setting("IHOME_HOST_REQUEST_TEXT_MINUTES", "HOST_REQUEST_TEXT_MINUTES", 15, int,
            "a host gets at most one new-booking text per this many minutes; later ones are counted in a digest"),
    # iCal calendar sync (houses/ical*.py)
    Setting("IHOME_ICAL_SYNC_MINUTES", "ICAL_SYNC_MINUTES", 30, int,
            "each imported iCal feed is fetched again after this many minutes (and once when added)"),
    Setting("IHOME_ICAL_FETCH_TIMEOUT", "ICAL_FETCH_TIMEOUT", 10.0, float,
            "seconds an iCal fetch may wait to connect, and for each read (the whole fetch: 3 times as long)"),
    Setting("IHOME_ICAL_ALLOW_PRIVATE", "ICAL_ALLOW_PRIVATE", None, _bool,
            "let iCal imports reach private, loopback and link-local addresses (development/testing only; "
            "unset: on in development and testing, off in production; testing then reaches loopback only)",
            dev_only=True),
    # Conversations
    Setting("IHOME_MESSAGES_PER_MINUTE", "MESSAGES_PER_MINUTE", 30, int, "messages a user may send per minute"),
    Setting("IHOME_MESSAGE_TEXT_INTERVAL_MINUTES", "MESSAGE_TEXT_INTERVAL_MINUTES", 15, int,
            "at most one new-message text per conversation and recipient in this many minutes"),
    # Statistics
    Setting("IHOME_STATS_REROLL_DAYS", "STATS_REROLL_DAYS", 7, int,
            "the hourly statistics job re-rolls this many closed days (yesterday included)"),
    # SMS provider: Ronglian Cloud Communication (容联云通讯)
    Setting("IHOME_RONGLIAN_ACCOUNT_SID", "RONGLIAN_ACCOUNT_SID", None, str, "Ronglian account SID"),
    Setting("IHOME_RONGLIAN_AUTH_TOKEN", "RONGLIAN_AUTH_TOKEN", None, str, "Ronglian auth token"),
    Setting("IHOME_RONGLIAN_APP_ID", "RONGLIAN_APP_ID", None, str, "Ronglian app id"),
    Setting("IHOME_RONGLIAN_TEMPLATE_ID", "RONGLIAN_TEMPLATE_ID", "1", str, "Ronglian SMS template id"),
    Setting("IHOME_RONGLIAN_BASE_URL", "RONGLIAN_BASE_URL", "https://app.cloopen.com:8883", str, "Ronglian REST host"),
    # Storage provider: Qiniu
    Setting("IHOME_QINIU_ACCESS_KEY", "QINIU_ACCESS_KEY", None, str, "Qiniu access key"),
    Setting("IHOME_QINIU_SECRET_KEY", "QINIU_SECRET_KEY", None, str, "Qiniu secret key"),
    Setting("IHOME_QINIU_BUCKET", "QINIU_BUCKET", None, str, "Qiniu bucket"),
    Setting("IHOME_QINIU_DOMAIN", "QINIU_DOMAIN", None, str, "public base URL of the bucket, e.g. https://img.example.com"),
    Setting("IHOME_QINIU_UPLOAD_HOST", "QINIU_UPLOAD_HOST", None, str, "override of Qiniu's upload host"),
    # Payment provider: Alipay
    Setting("IHOME_ALIPAY_APP_ID", "ALIPAY_APP_ID", "2016000000000000", str, "Alipay app id"),
    Setting("IHOME_ALIPAY_PRIVATE_KEY", "ALIPAY_PRIVATE_KEY", None, str, "app private key (PEM text)"),
    Setting("IHOME_ALIPAY_PRIVATE_KEY_FILE", "ALIPAY_PRIVATE_KEY_FILE", None, str, "path of the app private key"),
    Setting("IHOME_ALIPAY_PUBLIC_KEY", "ALIPAY_PUBLIC_KEY", None, str, "Alipay's public key (PEM text)"),
    Setting("IHOME_ALIPAY_PUBLIC_KEY_FILE", "ALIPAY_PUBLIC_KEY_FILE", None, str, "path of Alipay's public key"),
    Setting("IHOME_ALIPAY_GATEWAY", "ALIPAY_GATEWAY", None, str,
            "gateway URL; default Alipay's production gateway (alipay backend) or the local simulator"),
    Setting("IHOME_PUBLIC_URL", "PUBLIC_URL", "http://127.0.0.1:5000", str,
            "the site's public base URL (payment return and notify URLs); required in production; "
            "`ihome serve` defaults it to the address it serves"),
    Setting("IHOME_PAYMENT_QUERY_AFTER_SECONDS", "PAYMENT_QUERY_AFTER_SECONDS", 300, int,
            "unconfirmed payments older than this are queried"),
    Setting("IHOME_REFUND_MAX_ATTEMPTS", "REFUND_MAX_ATTEMPTS", 20, int,
            "failed refund calls are retried until this many attempts, then marked FAILED"),
)

# Settings that only make sense on a developer's machine: production refuses them.
DEV_ONLY_VALUES: Mapping[str, tuple[str, ...]] = {
    "SMS_BACKEND": ("console",),
    "PAYMENT_BACKEND": ("simulator",),
}


# What each real backend cannot run without: (config key, value) -> groups of settings, one of each group.
REQUIRED_BY_BACKEND: Mapping[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("SMS_BACKEND", "ronglian"): (("RONGLIAN_ACCOUNT_SID",), ("RONGLIAN_AUTH_TOKEN",), ("RONGLIAN_APP_ID",)),
    ("STORAGE_BACKEND", "qiniu"): (("QINIU_ACCESS_KEY",), ("QINIU_SECRET_KEY",), ("QINIU_BUCKET",), ("QINIU_DOMAIN",)),
    ("PAYMENT_BACKEND", "alipay"): (
        ("ALIPAY_PRIVATE_KEY", "ALIPAY_PRIVATE_KEY_FILE"),
        ("ALIPAY_PUBLIC_KEY", "ALIPAY_PUBLIC_KEY_FILE"),
    ),
}


class ConfigError(RuntimeError):
    """The configuration cannot run in the chosen environment."""


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Build the Flask config from defaults, the environment and explicit overrides."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    explicit: set[str] = set()
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is not None and raw != "":
            config[setting.key] = setting.parse(raw)
            explicit.add(setting.key)
        else:
            config[setting.key] = setting.default
    for key, value in (overrides or {}).items():
        config[key] = value
        explicit.add(key)

    env = config["IHOME_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"IHOME_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if env == "production":
        _check_production(config, explicit)
    elif not config["SECRET_KEY"]:
        config["SECRET_KEY"] = DEV_SECRET_KEY

    instance = Path(config["INSTANCE_PATH"]).resolve()
    config["INSTANCE_PATH"] = str(instance)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'ihome.db'}"
    config.setdefault("SQLALCHEMY_DATABASE_URI", config["DATABASE_URL"])
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["MAX_CONTENT_LENGTH"] = config["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024
    config["TESTING"] = env == "testing"
    if config["ICAL_ALLOW_PRIVATE"] is None:  # SSRF guard: only a developer's machine fetches its own network
        config["ICAL_ALLOW_PRIVATE"] = env != "production"
    config["PRODUCTION"] = env == "production"
    return config


def _check_production(config: dict[str, Any], explicit: set[str]) -> None:
    key = config["SECRET_KEY"]
    if not key or key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigError("production needs IHOME_SECRET_KEY: a random value of at least 32 characters")
    if "PUBLIC_URL" not in explicit:  # the development default would send Alipay's notify to 127.0.0.1
        raise ConfigError("production needs IHOME_PUBLIC_URL: the https address browsers and Alipay reach")
    for setting in SETTINGS:
        if setting.dev_only and config.get(setting.key):
            raise ConfigError(f"{setting.env} is for development only and must not be set in production")
    for key_name, refused in DEV_ONLY_VALUES.items():
        if config.get(key_name) in refused:
            env_name = next(s.env for s in SETTINGS if s.key == key_name)
            raise ConfigError(
                f"{env_name}={config[key_name]} is for development only; choose a real backend in production"
            )
    env_names = {s.key: s.env for s in SETTINGS}
    for (key_name, backend), groups in REQUIRED_BY_BACKEND.items():
        if config.get(key_name) != backend:
            continue
        for group in groups:
            if not any(config.get(k) for k in group):
                names = " or ".join(env_names[k] for k in group)
                raise ConfigError(f"{env_names[key_name]}={backend} needs {names} in production")

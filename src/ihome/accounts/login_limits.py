"""Limits on login attempts that hold under concurrency and do not lock the owner out.

Every attempt is counted (atomically, ``counters.hit``) *before* the password is checked, so forty
attempts at once still reach the password check at most ``LOGIN_MAX_FAILURES`` times. Three windows
of ``LOGIN_WINDOW_SECONDS``:

- per (mobile, client address), ``LOGIN_MAX_FAILURES`` (5): an attacker's address is stopped
  after five tries, and only that address;
- per client address over every mobile, ``LOGIN_MAX_PER_ADDRESS`` (100): one address cannot walk
  through many accounts;
- per mobile over every address, ``LOGIN_MAX_FAILURES_PER_MOBILE`` (50), looser: a spread-out
  attack on one account stops there.

The two wide windows do not apply to an address this account logged in from within
``LOGIN_KNOWN_ADDRESS_DAYS`` (30) days, so the owner at home (or behind an office NAT that someone
else abuses) still gets in.

An attempt refused by a narrower window does not count in the wider ones (one address cannot use
up an account's allowance), and a successful login takes its attempt back everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from ihome.accounts import counters
from ihome.core.errors import RateLimited
from ihome.core.redis_client import get_redis

PREFIX = "ihome:login"
DAY = 24 * 3600


@dataclass(frozen=True)
class Attempt:
    """The counters one login attempt was counted in (to take it back on success)."""

    mobile: str
    address: str
    keys: tuple[str, ...]


def _pair_key(mobile: str, address: str) -> str:
    return f"{PREFIX}:pair:{mobile}:{address}"


def _address_key(address: str) -> str:
    return f"{PREFIX}:address:{address}"


def _mobile_key(mobile: str) -> str:
    return f"{PREFIX}:mobile:{mobile}"


def _known_key(mobile: str, address: str) -> str:
    return f"{PREFIX}:known:{mobile}:{address}"


def _locked(retry_after: int) -> RateLimited:
    minutes = max((retry_after + 59) // 60, 1)
    return RateLimited(_("Too many failed logins, please try again in %(minutes)s minutes", minutes=minutes),
                       retry_after=retry_after)


def count_attempt(*, mobile: str, address: str) -> Attempt:
    """Count a login attempt before its password is checked; ``RateLimited`` when a window is full."""
    config = current_app.config
    window = config["LOGIN_WINDOW_SECONDS"]
    counted: list[str] = []
    limits = (
        (_pair_key(mobile, address), config["LOGIN_MAX_FAILURES"]),
        (_address_key(address), config["LOGIN_MAX_PER_ADDRESS"]),
        (_mobile_key(mobile), config["LOGIN_MAX_FAILURES_PER_MOBILE"]),
    )
    known: bool | None = None  # looked up only when a wide window is full
    for key, limit in limits:
        count, retry_after = counters.hit(key, window=window)
        counted.append(key)
        if count > limit:
            if len(counted) > 1 and known is None:
                known = bool(get_redis().exists(_known_key(mobile, address)))
            if len(counted) > 1 and known:
                continue  # the owner at an address they used before: others' attempts must not lock them out
            for earlier in counted[1:]:  # the narrowest window keeps the refused attempt
                counters.undo(earlier)
            raise _locked(retry_after)
    return Attempt(mobile=mobile, address=address, keys=tuple(counted))


def succeeded(attempt: Attempt) -> None:
    """The password was right: forget this address's failures, take the attempt back, remember the address."""
    counters.clear(attempt.keys[0])
    for key in attempt.keys[1:]:
        counters.undo(key)
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    if days > 0:
        get_redis().set(_known_key(attempt.mobile, attempt.address), 1, ex=days * DAY)

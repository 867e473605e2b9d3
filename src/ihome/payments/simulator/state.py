"""The simulator's memory, in Redis so that every gunicorn worker and the Celery worker see it."""

from __future__ import annotations

import json
from typing import Any

from ihome.core.clock import now
from ihome.core.redis_client import get_redis

PREFIX = "ihome:alipay-sim"
REFUNDS = f"{PREFIX}:refunds"  # granted refunds, oldest first
FAIL_REFUNDS = f"{PREFIX}:fail-refunds"  # how many coming refund calls fail (set by tests)
TRADE_TTL = 60 * 60 * 24 * 30


def _trade_key(out_trade_no: str) -> str:
    return f"{PREFIX}:trade:{out_trade_no}"


def get_trade(out_trade_no: str) -> dict[str, Any] | None:
    """The trade the cashier opened for ``out_trade_no``, or None."""
    raw = get_redis().get(_trade_key(out_trade_no))
    return json.loads(raw) if raw else None


def save_trade(trade: dict[str, Any]) -> None:
    get_redis().set(_trade_key(trade["out_trade_no"]), json.dumps(trade, ensure_ascii=False), ex=TRADE_TTL)


def open_trade(trade: dict[str, Any]) -> dict[str, Any]:
    """Create the trade unless it exists; returns the stored one (a reload shows the same trade)."""
    get_redis().set(_trade_key(trade["out_trade_no"]), json.dumps(trade, ensure_ascii=False), ex=TRADE_TTL, nx=True)
    stored = get_trade(trade["out_trade_no"])
    assert stored is not None
    return stored


def fail_next_refunds(count: int = 1) -> None:
    """Make the next ``count`` refund calls fail with a system error (for retry tests)."""
    get_redis().set(FAIL_REFUNDS, count)


def take_refund_failure() -> bool:
    """Whether this refund call must fail (consumes one planned failure)."""
    redis = get_redis()
    if int(redis.get(FAIL_REFUNDS) or 0) <= 0:
        return False
    return int(redis.decr(FAIL_REFUNDS)) >= 0


def _request_key(out_trade_no: str, out_request_no: str) -> str:
    return f"{PREFIX}:refund-request:{out_trade_no}:{out_request_no}"


def refund_granted(*, out_trade_no: str, out_request_no: str) -> bool:
    """Whether this refund request was granted before."""
    return bool(get_redis().exists(_request_key(out_trade_no, out_request_no)))


def record_refund(*, out_trade_no: str, out_request_no: str, refund_amount: str) -> bool:
    """Grant a refund once per ``out_request_no``; False when that request was already granted."""
    redis = get_redis()
    if not redis.set(_request_key(out_trade_no, out_request_no), refund_amount, nx=True, ex=TRADE_TTL):
        return False
    entry = {"out_trade_no": out_trade_no, "refund_amount": refund_amount, "created_at": now().isoformat()}
    redis.rpush(REFUNDS, json.dumps(entry))
    return True


def refunds() -> list[dict[str, Any]]:
    """Every refund granted, oldest first."""
    return [json.loads(raw) for raw in get_redis().lrange(REFUNDS, 0, -1)]

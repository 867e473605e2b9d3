"""The money rule of a booking, in integer fen, in one place: subtotal, guest fee, commission, payout,
and what a cancellation policy refunds.

Everything that needs an order's money (booking, the factories of the tests, the pages through the
API) takes it from ``quote``; nobody multiplies nights by a price elsewhere. Percentages are whole
numbers from the configuration and are rounded half up to the fen with integer arithmetic only
(``(amount × percent + 50) // 100``), never with floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context

DEFAULT_GUEST_FEE_PERCENT = 5
DEFAULT_HOST_COMMISSION_PERCENT = 3


@dataclass(frozen=True)
class Quote:
    """What a stay costs: the guest pays ``amount``; the host receives ``host_payout``."""

    nights: int
    subtotal: int
    service_fee: int
    commission: int

    @property
    def amount(self) -> int:
        """What the guest pays: the nights plus the guest's service fee."""
        return self.subtotal + self.service_fee

    @property
    def host_payout(self) -> int:
        """What the host receives: the nights less the marketplace's commission."""
        return self.subtotal - self.commission

    def order_columns(self) -> dict[str, int]:
        """The order's stored money columns (fixed at booking time)."""
        return {"subtotal": self.subtotal, "service_fee": self.service_fee, "commission": self.commission,
                "host_payout": self.host_payout, "amount": self.amount}


def percent_of(amount: int, percent: int) -> int:
    """``percent`` % of ``amount`` fen, rounded half up to the fen (integers only; amounts are ≥ 0)."""
    if amount < 0 or percent < 0:
        raise ValueError("amounts and percentages are not negative")
    return (amount * percent + 50) // 100


def quote(*, nightly_prices: list[int], guest_fee_percent: int | None = None,
          host_commission_percent: int | None = None) -> Quote:
    """The quote of a stay whose nights cost ``nightly_prices`` (fen each); percentages default to the config."""
    config = current_app.config if has_app_context() else {}  # outside an app (a script): the defaults
    fee = guest_fee_percent if guest_fee_percent is not None else int(
        config.get("GUEST_FEE_PERCENT", DEFAULT_GUEST_FEE_PERCENT))
    commission = host_commission_percent if host_commission_percent is not None else int(
        config.get("HOST_COMMISSION_PERCENT", DEFAULT_HOST_COMMISSION_PERCENT))
    subtotal = sum(nightly_prices)
    return Quote(nights=len(nightly_prices), subtotal=subtotal, service_fee=percent_of(subtotal, fee),
                 commission=percent_of(subtotal, commission))


def stay_quote(*, price: int, nights: int) -> Quote:
    """The quote of ``nights`` nights at the house's base ``price`` (every night the same, for now)."""
    return quote(nightly_prices=[price] * nights)


# ---- cancellation policies -------------------------------------------------------------------------------

POLICIES = ("flexible", "moderate", "strict")
DEFAULT_POLICY = "moderate"
# whole days before check-in from which each policy refunds everything (strict never does)
FULL_REFUND_DAYS = {"flexible": 1, "moderate": 5}
STRICT_HALF_REFUND_DAYS = 7


def days_before_check_in(*, start_date: date, cancel_date: date) -> int:
    """Whole days from the cancel date (marketplace time zone) to check-in: 0 on the day itself."""
    return (start_date - cancel_date).days


def policy_refund(*, policy: str, amount: int, subtotal: int, days_before: int) -> int:
    """What a guest's cancel of a paid stay refunds under ``policy``, fen (a half is floored).

    flexible: all of ``amount`` ≥ 1 day before, else 50 % of ``subtotal`` (fee and the other half kept);
    moderate: all ≥ 5 days before, else 50 % of ``subtotal``; strict: 50 % of ``subtotal`` ≥ 7 days
    before, else nothing.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown cancellation policy {policy!r}")
    half = subtotal // 2  # floor: a refund that is not a whole number of fen rounds down
    if policy == "strict":
        return half if days_before >= STRICT_HALF_REFUND_DAYS else 0
    return amount if days_before >= FULL_REFUND_DAYS[policy] else half


@dataclass(frozen=True)
class PolicyTerms:
    """A policy's deadlines for a stay: cancel on or before a date to get that refund (None: never)."""

    policy: str
    full_refund_until: date | None
    half_refund_until: date | None


def policy_terms(*, policy: str, start_date: date) -> PolicyTerms:
    """The last cancel dates that still give a full refund, and 50 % of the nights, for check-in ``start_date``."""
    if policy == "strict":
        return PolicyTerms(policy, None, start_date - timedelta(days=STRICT_HALF_REFUND_DAYS))
    # a paid stay can be cancelled until the day before check-in: 50 % of the nights after the full deadline
    return PolicyTerms(policy, start_date - timedelta(days=FULL_REFUND_DAYS[policy]), start_date - timedelta(days=1))

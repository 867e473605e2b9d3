"""The money rule of a booking, in integer fen, in one place: subtotal, guest fee, commission, payout.

Everything that needs an order's money (booking, the factories of the tests, the pages through the
API) takes it from ``quote``; nobody multiplies nights by a price elsewhere. Percentages are whole
numbers from the configuration and are rounded half up to the fen with integer arithmetic only
(``(amount × percent + 50) // 100``), never with floats.
"""

from __future__ import annotations

from dataclasses import dataclass

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

"""Cancellation policies (API.md): what a guest's cancel of a paid stay refunds, at every boundary.

Whole days are counted from the cancel date in the marketplace's time zone (Asia/Shanghai) to
check-in; a half that is not a whole number of fen rounds down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ihome.core import clock
from ihome.orders.models import Order
from ihome.orders.money import days_before_check_in, policy_refund, policy_terms, quote
from ihome.orders.service import guest_cancel_refund

# an odd subtotal: 3 nights of 333.33 yuan = 99999 fen, fee 5 % = 5000 (4999.95 half up), amount 104999
ODD = quote(nightly_prices=[33333] * 3, guest_fee_percent=5, host_commission_percent=3)


def refund(policy: str, days_before: int, q=ODD) -> int:
    return policy_refund(policy=policy, amount=q.amount, subtotal=q.subtotal, days_before=days_before)


def test_the_odd_quote_is_what_the_rounding_rules_say():
    assert (ODD.subtotal, ODD.service_fee, ODD.amount) == (99999, 5000, 104999)


@pytest.mark.parametrize(("policy", "days_before", "expected"), [
    # flexible: everything from 1 day before; on the day the fee and half of the nights are kept
    ("flexible", 30, 104999), ("flexible", 2, 104999), ("flexible", 1, 104999), ("flexible", 0, 49999),
    # moderate: everything from 5 days before, else half of the nights (49999.5 floored)
    ("moderate", 30, 104999), ("moderate", 6, 104999), ("moderate", 5, 104999), ("moderate", 4, 49999),
    ("moderate", 1, 49999), ("moderate", 0, 49999),
    # strict: half of the nights from 7 days before, else nothing
    ("strict", 30, 49999), ("strict", 8, 49999), ("strict", 7, 49999), ("strict", 6, 0), ("strict", 1, 0),
    ("strict", 0, 0),
])
def test_each_policy_at_its_boundaries(policy, days_before, expected):
    assert refund(policy, days_before) == expected


def test_an_even_subtotal_halves_exactly():
    even = quote(nightly_prices=[20000, 20000], guest_fee_percent=5, host_commission_percent=3)
    assert refund("moderate", 4, even) == 20000
    assert refund("flexible", 1, even) == even.amount == 42000


def test_one_fen_halves_to_nothing():
    tiny = quote(nightly_prices=[1], guest_fee_percent=5, host_commission_percent=3)
    assert refund("moderate", 0, tiny) == 0
    assert refund("flexible", 1, tiny) == tiny.amount == 1


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        refund("lenient", 3)


def test_days_are_whole_calendar_days():
    assert days_before_check_in(start_date=date(2026, 12, 14), cancel_date=date(2026, 12, 9)) == 5
    assert days_before_check_in(start_date=date(2026, 12, 14), cancel_date=date(2026, 12, 14)) == 0


def test_policy_terms_give_the_last_dates_of_each_refund():
    start = date(2026, 12, 15)
    assert policy_terms(policy="flexible", start_date=start).full_refund_until == date(2026, 12, 14)
    moderate = policy_terms(policy="moderate", start_date=start)
    assert (moderate.full_refund_until, moderate.half_refund_until) == (date(2026, 12, 10), date(2026, 12, 14))
    strict = policy_terms(policy="strict", start_date=start)
    assert (strict.full_refund_until, strict.half_refund_until) == (None, date(2026, 12, 8))


def order_on(policy: str, start: date) -> Order:
    return Order(start_date=start, end_date=start + timedelta(days=3), cancellation_policy=policy,
                 subtotal=ODD.subtotal, service_fee=ODD.service_fee, amount=ODD.amount)


@pytest.mark.parametrize(("policy", "before", "after"), [
    ("moderate", 104999, 49999),  # 5 days before at 23:59:59 in Shanghai, 4 days at midnight
    ("strict", 0, 0),  # 5 and 4 days: both under strict's 7
    ("flexible", 104999, 104999),
])
def test_the_cancel_day_turns_at_midnight_in_shanghai_not_in_utc(app_ctx, policy, before, after):
    order = order_on(policy, date(2026, 12, 14))
    # 15:59:59 UTC is 23:59:59 on 9 December in Shanghai; one second later it is 10 December there
    with clock.frozen(datetime(2026, 12, 9, 15, 59, 59, tzinfo=UTC)):
        assert clock.today() == date(2026, 12, 9)
        assert guest_cancel_refund(order) == before
    with clock.frozen(datetime(2026, 12, 9, 16, 0, 0, tzinfo=UTC)):
        assert clock.today() == date(2026, 12, 10)
        assert guest_cancel_refund(order) == after


def test_strict_turns_at_midnight_seven_days_before(app_ctx):
    order = order_on("strict", date(2026, 12, 14))
    with clock.frozen(datetime(2026, 12, 6, 15, 59, 59, tzinfo=UTC)):  # 23:59:59 on 6 December: 8 days
        assert guest_cancel_refund(order) == 49999
    with clock.frozen(datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC)):  # 23:59:59 on 7 December: 7 days
        assert guest_cancel_refund(order) == 49999
    with clock.frozen(datetime(2026, 12, 7, 16, 0, 0, tzinfo=UTC)):  # midnight on 8 December: 6 days
        assert guest_cancel_refund(order) == 0

"""The booking's one read after its locks: night prices, blocks over the stay, the guest's pending orders."""

from __future__ import annotations

from datetime import timedelta

from ihome.core import clock
from ihome.houses import calendar as house_calendar
from ihome.houses.calendar_models import HouseBlock, NightPrice
from ihome.orders.booking_reads import read_for_booking
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


def day(n: int):
    return clock.today() + timedelta(days=n)


def test_it_reads_what_the_calendar_and_the_limits_would_read(app_ctx, db):
    house, guest = make_house(price=10000, weekend_price=15000), make_user()
    db.session.add_all([NightPrice(house_id=house.id, night=day(3), price=7777),
                        NightPrice(house_id=house.id, night=day(30), price=1),  # outside the stay
                        HouseBlock(house_id=house.id, start_date=day(5), end_date=day(6)),
                        HouseBlock(house_id=house.id, start_date=day(-3), end_date=day(2)),  # from before check-in
                        HouseBlock(house_id=house.id, start_date=day(8), end_date=day(9))])  # after check-out
    waiting = make_order(house=make_house(), guest=guest, start=day(40), nights=2)
    make_order(house=make_house(), guest=guest, start=day(50), nights=2, status=S.WAIT_PAYMENT)
    make_order(house=make_house(), guest=guest, start=day(60), nights=2, status=S.PAID)  # not pending
    make_order(house=make_house(), start=day(40), nights=2)  # another guest's
    db.session.commit()

    reads = read_for_booking(house=house, user_id=guest.id, start=day(1), end=day(7))

    assert reads.nightly_prices == house_calendar.nightly_prices(house, day(1), day(7))
    assert 7777 in reads.nightly_prices
    assert reads.first_blocked_night == day(1) == house_calendar.first_blocked_night(
        house_id=house.id, start=day(1), end=day(7))
    assert sorted(p.status for p in reads.pending) == [S.WAIT_ACCEPT.value, S.WAIT_PAYMENT.value]
    first = next(p for p in reads.pending if p.house_id == waiting.house_id)
    assert first.create_time.tzinfo is not None and first.create_time == waiting.create_time


def test_a_free_stay_has_no_blocked_night_and_the_house_prices(app_ctx, db):
    house, guest = make_house(price=12345), make_user()
    reads = read_for_booking(house=house, user_id=guest.id, start=day(1), end=day(3))
    assert reads.first_blocked_night is None and reads.pending == []
    assert reads.nightly_prices == house_calendar.nightly_prices(house, day(1), day(3))

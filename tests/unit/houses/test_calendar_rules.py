"""The night-price rule (override > weekend price on Friday and Saturday nights > base) and the blocked nights."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ihome.core import clock
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses import calendar
from ihome.houses.calendar_models import CalendarImport, HouseBlock, NightPrice
from tests.factories.houses import make_house


def next_weekday(weekday: int, *, after: int = 7) -> date:
    """The first date with ``weekday`` (Monday 0) at least ``after`` days from today."""
    start = clock.today() + timedelta(days=after)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_every_night_costs_the_base_price_without_weekend_price_or_overrides(app_ctx):
    house = make_house(price=20000)
    monday = next_weekday(0)
    assert calendar.nightly_prices(house, monday, monday + timedelta(days=7)) == [20000] * 7


def test_friday_and_saturday_nights_take_the_weekend_price(app_ctx):
    house = make_house(price=20000, weekend_price=35050)
    monday = next_weekday(0)
    # Mon Tue Wed Thu Fri Sat Sun: the nights of Friday and Saturday are the weekend
    assert calendar.nightly_prices(house, monday, monday + timedelta(days=7)) == [
        20000, 20000, 20000, 20000, 35050, 35050, 20000]


def test_an_override_beats_the_weekend_and_the_base_price(app_ctx):
    house = make_house(price=20000, weekend_price=30000)
    thursday = next_weekday(3)
    db.session.add_all([NightPrice(house_id=house.id, night=thursday, price=12345),
                        NightPrice(house_id=house.id, night=thursday + timedelta(days=2), price=0)])
    db.session.flush()
    # Thu (override) Fri (weekend) Sat (override 0: free) Sun (base)
    assert calendar.nightly_prices(house, thursday, thursday + timedelta(days=4)) == [12345, 30000, 0, 20000]


def test_a_stay_across_months_reads_each_night(app_ctx):
    house = make_house(price=10000, weekend_price=15000)
    first = date(clock.today().year + 1, 2, 1)  # next year's February: inside no horizon check here
    db.session.add(NightPrice(house_id=house.id, night=first, price=99900))
    db.session.flush()
    start, end = first - timedelta(days=3), first + timedelta(days=3)
    expected = [99900 if night == first else 15000 if night.weekday() in (4, 5) else 10000
                for night in calendar.nights_of(start, end)]
    assert calendar.nightly_prices(house, start, end) == expected
    assert len(expected) == 6 and sum(expected) == sum(calendar.nightly_prices(house, start, end))


def test_other_houses_overrides_do_not_count(app_ctx):
    house, other = make_house(price=10000), make_house(price=10000)
    monday = next_weekday(0)
    db.session.add(NightPrice(house_id=other.id, night=monday, price=1))
    db.session.flush()
    assert calendar.nightly_prices(house, monday, monday + timedelta(days=1)) == [10000]


def test_merge_joins_overlapping_and_touching_ranges():
    d = date(2030, 1, 1)

    def r(a: int, b: int) -> tuple[date, date]:
        return d + timedelta(days=a), d + timedelta(days=b)

    assert calendar.merge([r(5, 7), r(0, 2), r(2, 3), r(6, 9), r(11, 12)]) == [r(0, 3), r(5, 9), r(11, 12)]


def test_host_and_imported_blocks_both_refuse_a_night_and_are_merged_without_source(app_ctx):
    house = make_house()
    feed = CalendarImport(house_id=house.id, url="https://example.com/a.ics")
    db.session.add(feed)
    db.session.flush()
    d = clock.today() + timedelta(days=10)
    db.session.add_all([HouseBlock(house_id=house.id, start_date=d, end_date=d + timedelta(days=2)),
                        HouseBlock(house_id=house.id, start_date=d + timedelta(days=2), end_date=d + timedelta(days=4),
                                   import_id=feed.id)])
    db.session.flush()
    assert calendar.blocked_ranges(house_id=house.id, start=d - timedelta(days=5), end=d + timedelta(days=30)) == [
        (d, d + timedelta(days=4))]
    for night in (d, d + timedelta(days=3)):
        with pytest.raises(Invalid) as refused:
            calendar.refuse_blocked_nights(house_id=house.id, start=night - timedelta(days=1),
                                           end=night + timedelta(days=1))
        assert "start_date" in refused.value.data["fields"]
    # the nights around are free: back to back with a block is fine
    calendar.refuse_blocked_nights(house_id=house.id, start=d - timedelta(days=2), end=d)
    calendar.refuse_blocked_nights(house_id=house.id, start=d + timedelta(days=4), end=d + timedelta(days=6))

"""The search rules, on the database under test (SQLite by default, PostgreSQL with IHOME_TEST_DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.core.errors import Invalid
from ihome.houses.search import search_houses
from ihome.orders.models import ACTIVE_STATUSES, OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.sql import statements_of


@pytest.fixture
def stay(app_ctx):
    """A two-night stay starting ten days from today: (check-in, check-out)."""
    sd = clock.today() + timedelta(days=10)
    return sd, sd + timedelta(days=2)


def found(*, area_id=None, start=None, end=None, sort="new", page=1) -> list[int]:
    result = search_houses(area_id=area_id, start=start, end=end, sort=sort, page=page)
    return [house["house_id"] for house in result["houses"]]


# ---- overlap with orders ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("offset", "nights", "free"), [
    (-2, 2, True),   # the other guest checks out the day we check in
    (2, 3, True),    # the other guest checks in the day we check out
    (-1, 2, False),  # overlaps our first night
    (1, 1, False),   # inside our stay
    (-3, 10, False),  # covers our whole stay
    (0, 2, False),   # the same dates
    (1, 5, False),   # overlaps our last night
    (-5, 2, True),   # well before
])
def test_overlap_at_the_edges(stay, offset, nights, free):
    sd, ed = stay
    house = make_house()
    make_order(house=house, start=sd + timedelta(days=offset), nights=nights)
    assert found(start=sd, end=ed) == ([house.id] if free else [])


@pytest.mark.parametrize("status", list(OrderStatus))
def test_only_active_orders_hold_the_nights(stay, status):
    sd, ed = stay
    house = make_house()
    make_order(house=house, start=sd, nights=2, status=status)
    assert found(start=sd, end=ed) == ([] if status in ACTIVE_STATUSES else [house.id])


def test_orders_of_other_houses_do_not_matter(stay):
    sd, ed = stay
    free, busy = make_house(), make_house()
    make_order(house=busy, start=sd, nights=2)
    assert found(start=sd, end=ed) == [free.id]


def test_without_dates_booked_houses_are_listed(stay):
    house = make_house()
    make_order(house=house, start=stay[0], nights=2)
    assert found() == [house.id]


# ---- min and max days ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("min_days", "max_days", "nights", "free"), [
    (1, 0, 1, True), (2, 0, 1, False), (2, 0, 2, True), (1, 3, 3, True), (1, 3, 4, False),
    (3, 3, 3, True), (1, 0, 366, True),
])
def test_min_and_max_days(app_ctx, min_days, max_days, nights, free):
    sd = clock.today() + timedelta(days=1)
    house = make_house(min_days=min_days, max_days=max_days)
    assert found(start=sd, end=sd + timedelta(days=nights)) == ([house.id] if free else [])


# ---- district, sorts and pages ---------------------------------------------------------------------------

def test_district_filter(app_ctx):
    mine = make_house(area_id=7)
    make_house(area_id=8)
    assert found(area_id=7) == [mine.id]
    assert found(area_id="7") == [mine.id]
    assert found(area_id="") == found(area_id=None) and len(found()) == 2


def test_each_sort_order_with_ties_broken_by_id(app_ctx):
    from ihome.extensions import db

    a = make_house(price=300, order_count=5)
    b = make_house(price=100, order_count=9)
    c = make_house(price=300, order_count=5)
    d = make_house(price=200, order_count=0)
    base = a.create_time
    for offset, house in zip((3, 1, 3, 2), (a, b, c, d), strict=True):
        house.create_time = base + timedelta(minutes=offset)
    db.session.commit()
    assert found(sort="new") == [c.id, a.id, d.id, b.id]
    assert found(sort="booking") == [b.id, c.id, a.id, d.id]
    assert found(sort="price-inc") == [b.id, d.id, a.id, c.id]
    assert found(sort="price-des") == [c.id, a.id, d.id, b.id]
    assert found(sort=None) == found(sort="new")


def test_pages(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "PAGE_SIZE", 2)
    ids = [make_house(price=100 + i).id for i in range(5)]
    pages = [search_houses(sort="price-inc", page=p) for p in (1, 2, 3, 4)]
    assert [page["total_page"] for page in pages] == [3, 3, 3, 3]
    assert [page["current_page"] for page in pages] == [1, 2, 3, 4]
    assert [[h["house_id"] for h in page["houses"]] for page in pages] == [ids[0:2], ids[2:4], ids[4:], []]


def test_an_exact_multiple_of_the_page_size(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "PAGE_SIZE", 2)
    for _ in range(4):
        make_house()
    assert search_houses(page=2)["total_page"] == 2
    assert search_houses(page="3") == {"total_page": 2, "current_page": 3, "total": 4, "houses": []}


def test_nothing_found_is_zero_pages(app_ctx):
    assert search_houses(area_id=9) == {"total_page": 0, "current_page": 1, "total": 0, "houses": []}


def test_summaries_have_the_api_fields(app_ctx):
    make_house(images=1, area_id=2)
    [summary] = search_houses()["houses"]
    assert summary["area_name"] == "西城区" and summary["index_image_url"].endswith("-0-thumb.jpg")
    assert summary["create_time"].endswith("+00:00") and summary["avg_rating"] is None


# ---- one query for the page, one for the count -----------------------------------------------------------

def test_two_queries_and_no_order_ids_in_python(app_ctx, stay):

    sd, ed = stay
    for _ in range(3):
        make_order(house=make_house(images=1), start=sd + timedelta(days=5), nights=2)
    found: list[dict] = []
    statements = statements_of(
        lambda: found.append(search_houses(area_id=1, start=sd, end=ed, sort="price-inc", page=1)))
    result = found[0]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    house_queries = [s for s in selects if "ih_house" in s]
    assert len(result["houses"]) == 3
    assert len(house_queries) == 2, selects
    assert all("NOT (EXISTS" in s or "NOT EXISTS" in s for s in house_queries)


# ---- bad parameters --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"start": "2020-01-01", "end": "2020-01-03"}, "sd"),
    ({"start": "nope", "end": "2031-01-03"}, "sd"),
    ({"page": 0}, "p"),
    ({"page": "2.5"}, "p"),
    ({"sort": "random"}, "sk"),
    ({"area_id": 12345}, "aid"),
])
def test_bad_parameters_raise_invalid_with_the_field(app_ctx, kwargs, field):
    with pytest.raises(Invalid) as error:
        search_houses(**kwargs)
    assert list(error.value.fields) == [field]


def test_past_is_relative_to_the_marketplace_clock(app_ctx):
    from datetime import UTC, date, datetime

    with clock.frozen(datetime(2031, 5, 1, 20, 0, tzinfo=UTC)):  # already 2 May in Shanghai
        with pytest.raises(Invalid):
            search_houses(start=date(2031, 5, 1), end=date(2031, 5, 3))
        assert search_houses(start=date(2031, 5, 2), end=date(2031, 5, 3))["total_page"] == 0


def test_a_stay_of_366_nights_is_the_longest(app_ctx):
    sd = clock.today() + timedelta(days=1)
    make_house()
    assert search_houses(start=sd, end=sd + timedelta(days=366))["total_page"] == 1
    with pytest.raises(Invalid):
        search_houses(start=sd, end=sd + timedelta(days=367))

"""Search treats blocked nights (the host's and imported ones) like booked ones, still in two queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock, NightPrice
from ihome.houses.search import search_houses
from tests.factories.houses import make_house
from tests.support.sql import statements_of


def found(**kwargs) -> list[int]:
    return [house["house_id"] for house in search_houses(**kwargs)["houses"]]


@pytest.mark.parametrize(("offset", "nights", "free"), [
    (-2, 2, True),    # the block ends the day we check in
    (2, 3, True),     # the block starts the day we check out
    (-1, 2, False),   # our first night
    (1, 1, False),    # our last night
    (-3, 10, False),  # the whole stay
])
@pytest.mark.parametrize("imported", [False, True])
def test_a_blocked_night_hides_the_house_for_those_dates(app_ctx, offset, nights, free, imported):
    sd = clock.today() + timedelta(days=10)
    ed = sd + timedelta(days=2)
    house, other = make_house(area_id=5), make_house(area_id=5)
    import_id = None
    if imported:
        feed = CalendarImport(house_id=house.id, url="https://example.com/x.ics")
        db.session.add(feed)
        db.session.flush()
        import_id = feed.id
    db.session.add(HouseBlock(house_id=house.id, start_date=sd + timedelta(days=offset),
                              end_date=sd + timedelta(days=offset + nights), import_id=import_id))
    db.session.commit()
    result = found(area_id=5, start=sd, end=ed)
    assert (house.id in result) is free and other.id in result
    assert house.id in found(area_id=5)  # without dates nothing is excluded


def test_still_one_page_query_and_one_count_query_with_blocks_and_prices(app_ctx):
    sd = clock.today() + timedelta(days=10)
    ed = sd + timedelta(days=2)
    houses = [make_house(area_id=6, images=1, price=10000 + i) for i in range(4)]
    db.session.add(HouseBlock(house_id=houses[0].id, start_date=sd, end_date=ed))
    db.session.add(NightPrice(house_id=houses[1].id, night=sd, price=1))
    db.session.commit()
    results: list[dict] = []
    statements = statements_of(lambda: results.append(
        search_houses(area_id=6, start=sd, end=ed, sort="price-inc", page=1, min_price=10001)))
    house_queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "ih_house " in s]
    assert len(house_queries) == 2, statements
    assert all("ih_house_block" in s for s in house_queries)
    assert not [s for s in statements if "ih_night_price" in s]  # the price filter is the base price
    # the override of ¥0.01 does not bring house 1 under min_price; house 0 is blocked
    assert [h["house_id"] for h in results[0]["houses"]] == [h.id for h in houses[1:]]
    assert results[0]["total"] == 3


def test_a_new_block_shows_in_the_next_search(stay):
    """A block bumps the search cache generation (houses.cache.house_changed)."""
    sd = clock.today() + timedelta(days=10)
    query = f"/houses?aid={stay.house.area_id}&sd={sd}&ed={sd + timedelta(days=2)}"

    def listed() -> bool:
        data = stay.guest_api.get(query).expect(200).data
        pages = [data] + [stay.guest_api.get(f"{query}&p={n}").data for n in range(2, data["total_page"] + 1)]
        return any(h["house_id"] == stay.house.id for page in pages for h in page["houses"])

    assert listed()
    body = {"start_date": (sd + timedelta(days=1)).isoformat(), "end_date": (sd + timedelta(days=2)).isoformat()}
    stay.host_api.put(f"/houses/{stay.house.id}/calendar/blocks", json={**body, "blocked": True}).expect(200)
    assert not listed()
    stay.host_api.put(f"/houses/{stay.house.id}/calendar/blocks", json={**body, "blocked": False}).expect(200)
    assert listed()

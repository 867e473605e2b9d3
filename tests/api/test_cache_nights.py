"""Per-night invalidation of dated searches (issue 14): a change of the nights [s, e) reaches every
search whose stay shares a night with it, in either form of counters (nights, or weeks for long
stays), and leaves searches of other nights cached."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ihome.core import clock
from ihome.houses.cache import (
    CHANGE_NIGHTS,
    NIGHT_KEYS,
    SEARCH,
    district_generation,
    search_generations,
    stay_generations,
)
from tests.api.test_cache_districts import _search, no_refresh_ahead, two_districts  # noqa: F401 (fixtures)

DAY0 = date(2030, 1, 1)
offsets = st.integers(min_value=0, max_value=400)
lengths = st.integers(min_value=1, max_value=120)


@settings(max_examples=400, deadline=None)
@given(offsets, lengths, offsets, lengths, st.sampled_from([None, 3]))
def test_a_change_bumps_a_counter_of_every_search_sharing_a_night(s0, sn, c0, cn, aid):
    search_start, change_start = DAY0 + timedelta(days=s0), DAY0 + timedelta(days=c0)
    search_end, change_end = search_start + timedelta(days=sn), change_start + timedelta(days=cn)
    read = set(search_generations(aid, search_start, search_end))
    scopes = [SEARCH, district_generation(3)]
    bumped = set(stay_generations(scopes, change_start, change_end))
    overlap = search_start < change_end and change_start < search_end
    if overlap:
        assert read & bumped, "a change that shares a night must reach the search"
    elif sn <= NIGHT_KEYS and cn <= CHANGE_NIGHTS:
        assert not read & bumped, "short searches of other nights stay cached"


def test_the_counters_read_and_bumped_stay_few():
    start = DAY0
    assert len(search_generations(1, start, start + timedelta(days=2))) == 3  # scope + 2 nights
    assert len(search_generations(1, start, start + timedelta(days=366))) <= 1 + 54  # weeks, not nights
    assert stay_generations(["s"], start, start + timedelta(days=CHANGE_NIGHTS + 1)) == ["s"]
    assert len(stay_generations(["s"], start, start + timedelta(days=CHANGE_NIGHTS))) <= CHANGE_NIGHTS + 11


def _book(stay, house_id: int, start: date, nights: int):
    return stay.guest_api.post("/orders", json={"house_id": house_id, "start_date": start.isoformat(),
                                                "end_date": (start + timedelta(days=nights)).isoformat()})


def _stay(start: date, nights: int) -> tuple[str, str]:
    return start.isoformat(), (start + timedelta(days=nights)).isoformat()


def test_a_booking_keeps_the_searches_of_other_nights_of_its_week_cached(two_districts):  # noqa: F811
    stay, house_id, _other_id = two_districts
    api = stay.guest_api
    monday = clock.today() + timedelta(days=14 + (7 - clock.today().toordinal() % 7))  # a week's first night
    assert monday.toordinal() % 7 == 0
    before, after = _stay(monday, 2), _stay(monday + timedelta(days=4), 2)  # same week, other nights
    assert _search(api, 1, before) == ("miss", [house_id])
    assert _search(api, 1, after) == ("miss", [house_id])
    _book(stay, house_id, monday + timedelta(days=2), 2).expect(201)  # nights 2 and 3 of the week
    assert _search(api, 1, before) == ("hit", [house_id])  # back-to-back: still free, still cached
    assert _search(api, 1, after) == ("hit", [house_id])
    assert _search(api, 1, _stay(monday + timedelta(days=1), 2)) == ("miss", [])  # shares night 2: fresh
    assert _search(api, 1, _stay(monday + timedelta(days=3), 3)) == ("miss", [])  # shares night 3: fresh


def test_a_long_search_reads_weeks_and_a_booking_inside_it_makes_it_fresh(two_districts):  # noqa: F811
    stay, house_id, _other_id = two_districts
    api = stay.guest_api
    start = clock.today() + timedelta(days=10)
    long = _stay(start, NIGHT_KEYS + 9)
    assert _search(api, 1, long) == ("miss", [house_id])
    assert _search(api, 1, long) == ("hit", [house_id])
    _book(stay, house_id, start + timedelta(days=20), 1).expect(201)  # one night in the middle
    assert _search(api, 1, long) == ("miss", [])


def test_a_block_longer_than_the_change_limit_makes_every_search_of_its_district_fresh(two_districts):  # noqa: F811
    stay, house_id, other_id = two_districts
    api = stay.guest_api
    start = clock.today() + timedelta(days=5)
    inside = _stay(start + timedelta(days=CHANGE_NIGHTS // 2), 2)
    assert _search(api, 1, inside) == ("miss", [house_id])
    assert _search(api, 2, inside) == ("miss", [other_id])
    sd, ed = _stay(start, CHANGE_NIGHTS + 8)
    stay.host_api.put(f"/houses/{house_id}/calendar/blocks",
                      json={"start_date": sd, "end_date": ed, "blocked": True}).expect(200)
    assert _search(api, 1, inside) == ("miss", [])  # the whole district's scope was bumped
    assert _search(api, 2, inside) == ("hit", [other_id])  # another district saw no change

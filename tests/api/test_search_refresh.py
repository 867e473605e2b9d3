"""Popular searches are refreshed ahead of their readers: a change recomputes the cached searches it
made stale that people read from the cache, before its request answers (``houses/search_refresh``).

The answer after the change is fresh *and* a hit (``X-Cache``); a search nobody read from the cache is
left to miss as before; at most ``IHOME_SEARCH_REFRESH`` searches per change, most recently read first.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import g

from ihome.core import clock
from ihome.extensions import db
from ihome.houses import search, search_refresh
from ihome.houses.models import Area
from ihome.orders.models import Order


def _dates(days: int = 3) -> tuple[str, str]:
    start = clock.today() + timedelta(days=days)
    return start.isoformat(), (start + timedelta(days=2)).isoformat()


def _search(api, *, dates: tuple[str, str] | None = None, sort: str = "new", lang: str = "zh", aid: str = "1"):
    sd, ed = dates or _dates()
    response = api.get(f"/houses?aid={aid}&sd={sd}&ed={ed}&sk={sort}&lang={lang}").expect(200)
    return response.headers["X-Cache"], [h["house_id"] for h in response.data["houses"]], response.data["total"]


def _popular(api, **criteria) -> None:
    """Read a search twice: computed once, then answered from the cache (which makes it popular)."""
    assert _search(api, **criteria)[0] == "miss"
    assert _search(api, **criteria)[0] == "hit"


def test_a_booking_refreshes_the_popular_searches_it_changed(stay):
    api, house_id = stay.guest_api, stay.house.id
    _popular(api)
    assert _search(api) == ("hit", [house_id], 1)

    order_id = stay.book(start_in=3).expect(201).data["order_id"]

    assert _search(api) == ("hit", [], 0)  # recomputed before the booking answered: fresh, from the cache
    assert db.session.get(Order, order_id).house_id == house_id


def test_without_refresh_the_same_search_misses_after_the_booking(stay, app, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_REFRESH", 0)
    api = stay.guest_api
    _popular(api)
    stay.book(start_in=3).expect(201)
    assert _search(api) == ("miss", [], 0)


def test_a_search_never_read_from_the_cache_is_not_refreshed(stay):
    api = stay.guest_api
    assert _search(api)[0] == "miss"  # computed once, never read again: not popular
    stay.book(start_in=3).expect(201)
    assert _search(api) == ("miss", [], 0)


def test_popular_searches_of_other_nights_are_left_alone(stay, redis):
    api, house_id = stay.guest_api, stay.house.id
    far = _dates(days=40)
    _popular(api, dates=far)
    key = next(k for k in redis.scan_iter("ihome:cache:houses:search:*"))
    stored = redis.get(key)

    stay.book(start_in=3).expect(201)

    assert redis.get(key) == stored  # not recomputed: the booking shares no night with it
    assert _search(api, dates=far) == ("hit", [house_id], 1)


def test_at_most_the_setting_many_are_refreshed_most_recently_read_first(stay, app, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_REFRESH", 2)
    api = stay.guest_api
    for sort in ("new", "booking", "price-inc"):  # read in this order: price-inc most recently
        _popular(api, sort=sort)

    stay.book(start_in=3).expect(201)

    assert _search(api, sort="price-inc") == ("hit", [], 0)
    assert _search(api, sort="booking") == ("hit", [], 0)
    assert _search(api, sort="new") == ("miss", [], 0)


def test_a_search_is_refreshed_in_its_readers_language(stay):
    api = stay.guest_api
    _popular(api, lang="en", sort="booking")
    _popular(api, lang="zh", sort="booking")
    area = db.session.get(Area, 1)

    # a listing change: every search of the district
    stay.host_api.put(f"/houses/{stay.house.id}", json={"title": "Renamed"}).expect(200)

    english = api.get(f"/houses?aid=1&sd={_dates()[0]}&ed={_dates()[1]}&sk=booking&lang=en").expect(200)
    chinese = api.get(f"/houses?aid=1&sd={_dates()[0]}&ed={_dates()[1]}&sk=booking&lang=zh").expect(200)
    assert english.headers["X-Cache"] == chinese.headers["X-Cache"] == "hit"
    assert [(h["title"], h["area_name"]) for h in english.data["houses"]] == [("Renamed", area.name_en)]
    assert [(h["title"], h["area_name"]) for h in chinese.data["houses"]] == [("Renamed", area.name)]


def test_an_edit_refreshes_the_popular_searches_without_dates(stay):
    api, house_id = stay.guest_api, stay.house.id
    assert api.get("/houses?aid=1").headers["X-Cache"] == "miss"
    assert api.get("/houses?aid=1").headers["X-Cache"] == "hit"

    stay.host_api.put(f"/houses/{house_id}", json={"title": "New title"}).expect(200)

    fresh = api.get("/houses?aid=1").expect(200)
    assert fresh.headers["X-Cache"] == "hit"
    assert [h["title"] for h in fresh.data["houses"]] == ["New title"]


def test_a_failed_refresh_is_logged_and_the_change_still_answers(stay, monkeypatch, caplog):
    api = stay.guest_api
    _popular(api)

    def broken(_key: str) -> bool:
        raise RuntimeError("database went away")

    monkeypatch.setattr(search, "refresh_search", broken)
    with caplog.at_level(logging.ERROR):
        order_id = stay.book(start_in=3).expect(201).data["order_id"]
    assert "refreshing popular searches failed" in caplog.text
    assert db.session.get(Order, order_id) is not None
    assert _search(api) == ("miss", [], 0)  # the bump happened: the next reader computes it fresh


def test_a_reader_records_a_popular_search_through_the_buffer(stay, redis):
    api = stay.guest_api
    _popular(api)
    scope = "ihome:hot:search:area:1"
    assert redis.zcard(scope) == 0  # waiting in this process's buffer: no Redis round trip on the hit
    search_refresh.flush()
    (member,) = redis.zrange(scope, 0, -1)
    assert member.decode().startswith(search.KEY_PREFIX + "zh:1:")
    assert 0 < redis.ttl(scope) <= search_refresh.HOT_SECONDS


def test_a_popular_search_whose_check_in_has_passed_is_dropped(app_ctx):
    yesterday = clock.today() - timedelta(days=1)
    size = app_ctx.config["PAGE_SIZE"]
    key = f"{search.KEY_PREFIX}zh:1:{yesterday}:{yesterday + timedelta(days=2)}:new:1:{size}::::::"
    assert search.stay_of_key(key) == (yesterday, yesterday + timedelta(days=2))
    assert search.refresh_search(key) is False


def test_a_rolled_back_change_refreshes_nothing(app_ctx):
    db.session.get(Area, 1)  # a transaction is open
    search_refresh.note_change(db.session, ["search"], None)
    db.session.rollback()
    assert search_refresh.CHANGES not in db.session.info
    db.session.commit()
    assert search_refresh.PENDING not in vars(g)  # nothing waits to be refreshed


@pytest.mark.parametrize("nights, expected", [
    ((3, 5), ["a", "b"]),  # shares a night with both stays
    ((5, 6), ["b"]),  # the night of the 5th: only the longer stay
    ((7, 9), []),  # back to back with both: no night shared
    (None, ["c", "a", "b"]),  # the whole scope, undated searches too; most recently read first
])
def test_the_searches_a_change_affects(app_ctx, redis, nights, expected):
    today = clock.today()

    def day(n: int):
        return today + timedelta(days=n)

    size = app_ctx.config["PAGE_SIZE"]
    keys = {"a": f"{search.KEY_PREFIX}zh:1:{day(3)}:{day(5)}:new:1:{size}::::::",
            "b": f"{search.KEY_PREFIX}zh:1:{day(4)}:{day(7)}:new:1:{size}::::::",
            "c": f"{search.KEY_PREFIX}zh:1:::new:1:{size}::::::"}
    now = search_refresh.time.time()
    redis.zadd("ihome:hot:search:area:1", {keys["b"]: now - 2, keys["a"]: now - 1, keys["c"]: now})
    change = None if nights is None else (day(nights[0]), day(nights[1]))
    reverse = {v: k for k, v in keys.items()}
    assert [reverse[k] for k in search_refresh.chosen([(("search:area:1",), change)], 10)] == expected

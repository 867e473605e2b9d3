"""The page cache (issue 14): anonymous visitors get the home and house pages from Redis, under the
generations of their data, so a change makes the next page fresh; logged-in visitors never do.

Real Redis (the session's embedded one), the real app; ``X-Cache`` says whether the cache answered.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ihome.core import clock
from ihome.core.page_cache import CSRF_PLACEHOLDER, PAGE_PREFIX
from ihome.core.security import CSRF_COOKIE
from ihome.houses.models import House
from ihome.orders.models import Order
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient

META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def anonymous(app, path: str):
    """A first visit: a new browser, no cookies."""
    response = app.test_client().get(path)
    assert response.status_code == 200, response.status_code
    return response


def page(app, path: str) -> tuple[str, str]:
    response = anonymous(app, path)
    return response.headers["X-Cache"], response.get_data(as_text=True)


def stored_pages(redis) -> list[bytes]:
    return list(redis.scan_iter(match=PAGE_PREFIX + "*"))


def test_the_second_anonymous_home_page_is_a_hit_with_its_own_csrf_token(app, redis):
    make_house(title="Sunny loft", images=1, order_count=3)
    first, second = anonymous(app, "/"), anonymous(app, "/")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert "Sunny loft" in second.get_data(as_text=True)
    tokens = []
    for response in (first, second):
        body = response.get_data(as_text=True)
        [meta] = META.findall(body)
        cookie = response.headers.getlist("Set-Cookie")
        assert any(c.startswith(f"{CSRF_COOKIE}={meta};") for c in cookie), cookie  # the meta is the cookie's token
        assert CSRF_PLACEHOLDER not in body
        assert response.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.mimetype == "text/html"
        tokens.append(meta)
    assert tokens[0] != tokens[1]  # nobody shares a token
    assert META.sub("", first.get_data(as_text=True)) == META.sub("", second.get_data(as_text=True))
    assert len(stored_pages(redis)) == 1


def test_a_returning_anonymous_visitor_keeps_its_csrf_cookie(app, client):
    client.get("/")
    token = client.get_cookie(CSRF_COOKIE).value
    response = client.get("/")
    assert response.headers["X-Cache"] == "hit"
    assert META.findall(response.get_data(as_text=True)) == [token]
    assert not any(c.startswith(CSRF_COOKIE) for c in response.headers.getlist("Set-Cookie"))


def test_a_logged_in_visitor_never_gets_or_stores_the_anonymous_copy(app, client, redis):
    host = make_user(verified=True)
    house = make_house(owner=host, title="Host's own", images=1)
    assert page(app, f"/houses/{house.id}")[0] == "miss"
    assert page(app, f"/houses/{house.id}")[0] == "hit"
    login(client, host.id)
    mine = client.get(f"/houses/{house.id}")
    body = mine.get_data(as_text=True)
    assert mine.status_code == 200 and "X-Cache" not in mine.headers
    assert 'id="edit-house"' in body and 'href="/my/houses"' in body  # the owner's page, not the public one
    assert 'id="book"' not in body
    assert len(stored_pages(redis)) == 1  # only the anonymous copy
    assert 'id="edit-house"' not in page(app, f"/houses/{house.id}")[1]


def test_zh_and_en_are_cached_apart(app):
    make_house(title="Quiet court", images=1)
    assert page(app, "/")[0] == "miss"
    assert page(app, "/?lang=en")[0] == "miss"
    cache, english = page(app, "/?lang=en")
    cache_zh, chinese = page(app, "/")
    assert (cache, cache_zh) == ("hit", "hit")
    assert '<html lang="en">' in english and "Districts" in english and "朝阳区" not in english
    assert '<html lang="zh-CN">' in chinese and "朝阳区" in chinese
    response = app.test_client().get("/?lang=en")
    assert any(c.startswith("lang=en;") for c in response.headers.getlist("Set-Cookie"))  # remembered as before


def test_the_chosen_stay_is_part_of_the_house_page_key(app):
    house = make_house(images=1)
    start = clock.today() + timedelta(days=5)
    stay = f"?sd={start.isoformat()}&ed={(start + timedelta(days=2)).isoformat()}&guests=2"
    assert page(app, f"/houses/{house.id}")[0] == "miss"
    cache, body = page(app, f"/houses/{house.id}{stay}")
    assert cache == "miss" and f'href="/houses/{house.id}/book{stay.replace("&", "&amp;")}"' in body
    assert page(app, f"/houses/{house.id}?utm=x")[0] == "hit"  # arguments the page ignores share its copy


def test_a_hidden_house_is_a_404_and_never_stored(app, db, redis):
    house = make_house(published=False)
    assert app.test_client().get(f"/houses/{house.id}").status_code == 404
    assert app.test_client().get("/houses/999999").status_code == 404
    assert stored_pages(redis) == []


# ---- a change makes the next anonymous page fresh ------------------------------------------------------

def test_a_listing_edit_shows_on_the_next_house_and_home_page(app, stay, db):
    house_id = stay.house.id
    db.session.get(House, house_id).index_image_key = "house/cover.jpg"
    db.session.commit()
    assert page(app, f"/houses/{house_id}")[0] == "miss"
    assert page(app, "/")[0] == "miss"
    assert page(app, f"/houses/{house_id}")[0] == "hit" and page(app, "/")[0] == "hit"

    stay.host_api.put(f"/houses/{house_id}", json={"title": "Renamed courtyard"}).expect(200)

    for path in (f"/houses/{house_id}", "/"):
        cache, body = page(app, path)
        assert cache == "miss" and "Renamed courtyard" in body
    db.session.expire_all()
    assert db.session.get(House, house_id).title == "Renamed courtyard"


def test_a_booking_makes_the_house_page_fresh_and_keeps_the_home_page(app, stay, db):
    house_id = stay.house.id
    other_id = make_house(owner=stay.host, images=1).id
    page(app, f"/houses/{house_id}")
    page(app, f"/houses/{other_id}")
    page(app, "/")

    order_id = stay.book(start_in=3).expect(201).data["order_id"]

    assert page(app, f"/houses/{house_id}")[0] == "miss"
    assert page(app, f"/houses/{other_id}")[0] == "hit"  # another house saw no change
    assert page(app, "/")[0] == "hit"  # the home page shows no availability
    assert db.session.get(Order, order_id).house_id == house_id


def test_a_published_review_shows_on_the_next_house_page(app, stay, db):
    from ihome.orders.models import OrderStatus

    start = clock.today() - timedelta(days=3)
    order = make_order(house=stay.house, guest=stay.guest, start=start, nights=2, status=OrderStatus.WAIT_COMMENT)
    order_id, house_id = order.id, stay.house.id
    assert "Lovely courtyard" not in page(app, f"/houses/{house_id}")[1]
    assert page(app, f"/houses/{house_id}")[0] == "hit"

    stay.guest_api.put(f"/orders/{order_id}/comment", json={"comment": "Lovely courtyard", "rating": 5}).expect(200)
    stay.host_api.put(f"/orders/{order_id}/guest_review", json={"rating": 4, "comment": "Tidy"}).expect(200)

    cache, body = page(app, f"/houses/{house_id}")
    assert cache == "miss" and "Lovely courtyard" in body
    assert page(app, f"/houses/{house_id}")[0] == "hit"


def test_a_host_name_change_shows_on_the_next_house_page(app, stay, db):
    house_id = stay.house.id
    page(app, f"/houses/{house_id}")
    assert page(app, f"/houses/{house_id}")[0] == "hit"

    stay.host_api.put("/user/name", json={"name": "新名字房东"}).expect(200)

    cache, body = page(app, f"/houses/{house_id}")
    assert cache == "miss" and 'id="host-name">新名字房东<' in body


def test_redis_down_renders_the_page_uncached(app, monkeypatch):
    import redis as redis_lib

    from ihome.core import page_cache

    class Down:
        def mget(self, *_args):
            raise redis_lib.exceptions.ConnectionError("down")

    monkeypatch.setattr(page_cache, "get_cache_redis", lambda: Down())
    house = make_house(title="Still served")
    response = app.test_client().get(f"/houses/{house.id}")
    assert response.status_code == 200 and "Still served" in response.get_data(as_text=True)
    assert "X-Cache" not in response.headers


def test_the_api_client_still_works_after_a_cached_page(app):
    """A page's script echoes the csrf cookie it got with the cached page: a state change goes through."""
    user_id = make_user().id
    client = app.test_client()
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "hit"
    login(client, user_id)
    ApiClient(client).put("/user/name", json={"name": "after-cache"}).expect(200)

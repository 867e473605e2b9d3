"""Cached reads never lie: after each kind of change the very next request shows it; Redis down is no error."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from ihome import create_app
from ihome.core import clock
from ihome.extensions import db as database
from ihome.houses.cache import house_changed, user_profile_changed
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from tests.conftest import login
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient
from tests.support.houses_fixtures import image_bytes


@pytest.fixture
def listed(app, host):
    """A house of ``host`` in district 2 with one photo: (house id, check-in, check-out)."""
    with app.app_context():
        house = make_house(owner=database.session.get(type(host), host.id), area_id=2, images=1, price=10000)
        sd = clock.today() + timedelta(days=5)
        return house.id, sd, sd + timedelta(days=2)


def _search(api, sd, ed) -> list[int]:
    return [h["house_id"] for h in api.get(f"/houses?aid=2&sd={sd}&ed={ed}").expect(200).data["houses"]]


def _warm(api, house_id, sd, ed) -> None:
    """Fill every cache that shows the house."""
    api.get(f"/houses/{house_id}").expect(200)
    api.get("/houses/index").expect(200)
    _search(api, sd, ed)


def test_reads_are_cached(app, api, listed):
    """A change made behind the service's back stays invisible until ``house_changed``: the cache is used."""
    house_id, sd, ed = listed
    _warm(api, house_id, sd, ed)
    with app.app_context():
        database.session.get(House, house_id).title = "Changed behind the cache's back"
        database.session.commit()
    assert api.get(f"/houses/{house_id}").data["house"]["title"] != "Changed behind the cache's back"
    with app.app_context():
        house_changed(database.session, house_id)
        database.session.commit()
    assert api.get(f"/houses/{house_id}").data["house"]["title"] == "Changed behind the cache's back"


def test_an_edit_shows_at_once(app, host_api, listed):
    house_id, sd, ed = listed
    _warm(host_api, house_id, sd, ed)
    host_api.put(f"/houses/{house_id}", json={"price": 12345, "title": "Renovated"}).expect(200)
    assert host_api.get(f"/houses/{house_id}").data["house"]["price"] == 12345
    assert host_api.get("/houses/index").data[0]["title"] == "Renovated"
    search = host_api.get(f"/houses?aid=2&sd={sd}&ed={ed}").data["houses"]
    assert search[0]["price"] == 12345
    host_api.put(f"/houses/{house_id}", json={"area_id": 3}).expect(200)
    assert _search(host_api, sd, ed) == []


def test_a_new_photo_shows_at_once(app, host_api, listed):
    house_id, sd, ed = listed
    _warm(host_api, house_id, sd, ed)
    url = host_api.post(f"/houses/{house_id}/images", data={"house_image": (io.BytesIO(image_bytes()), "p.jpg")},
                        content_type="multipart/form-data").expect(201).data["image_url"]
    assert host_api.get(f"/houses/{house_id}").data["house"]["img_urls"][-1] == url


def test_a_new_house_photo_puts_it_on_the_home_page(app, host_api, host):
    with app.app_context():
        house_id = make_house(owner=database.session.get(type(host), host.id)).id
    assert host_api.get("/houses/index").data == []
    host_api.post(f"/houses/{house_id}/images", data={"house_image": (io.BytesIO(image_bytes()), "p.jpg")},
                  content_type="multipart/form-data").expect(201)
    assert [h["house_id"] for h in host_api.get("/houses/index").data] == [house_id]


def test_a_published_house_shows_in_search_at_once(host_api, listed):
    house_id, sd, ed = listed
    assert _search(host_api, sd, ed) == [house_id]
    new_id = host_api.post("/houses", json={"title": "New", "price": 1, "area_id": 2, "address": "A"}).data["house_id"]
    assert _search(host_api, sd, ed) == [new_id, house_id]


def test_a_new_order_hides_the_house_at_once_and_a_cancel_frees_it(app, api, listed):
    house_id, sd, ed = listed
    _warm(api, house_id, sd, ed)
    assert _search(api, sd, ed) == [house_id]
    with app.app_context():
        order = make_order(house=database.session.get(House, house_id), start=sd + timedelta(days=1), commit=False)
        house_changed(database.session, house_id)
        database.session.commit()
        order_id = order.id
    assert _search(api, sd, ed) == []
    with app.app_context():
        database.session.get(Order, order_id).status = OrderStatus.CANCELED.value
        house_changed(database.session, house_id)
        database.session.commit()
    assert _search(api, sd, ed) == [house_id]


def test_a_review_shows_in_the_detail_at_once(app, api, listed):
    house_id, sd, ed = listed
    _warm(api, house_id, sd, ed)
    with app.app_context():
        house = database.session.get(House, house_id)
        make_order(house=house, start=clock.today() - timedelta(days=9), status=OrderStatus.COMPLETE,
                   comment="Great", rating=5, commit=False)
        house.rating_sum, house.rating_count = 5, 1
        house_changed(database.session, house_id)
        database.session.commit()
    detail = api.get(f"/houses/{house_id}").data["house"]
    assert (detail["avg_rating"], [c["comment"] for c in detail["comments"]]) == (5.0, ["Great"])


def test_a_rolled_back_change_bumps_nothing(app, api, listed, redis):
    house_id, sd, ed = listed
    _warm(api, house_id, sd, ed)
    before = redis.get(f"ihome:gen:house:{house_id}")
    with app.app_context():
        house_changed(database.session, house_id)
        database.session.rollback()
    assert redis.get(f"ihome:gen:house:{house_id}") == before


def test_a_host_renamed_shows_at_once(app, api, listed, host):
    house_id, sd, ed = listed
    _warm(api, house_id, sd, ed)
    with app.app_context():
        database.session.get(type(host), host.id).name = "New name"
        user_profile_changed(database.session)
        database.session.commit()
    assert api.get(f"/houses/{house_id}").data["house"]["user_name"] == "New name"


def test_each_language_has_its_own_cached_copy(api, listed):
    house_id, sd, ed = listed
    assert api.get(f"/houses?aid=2&sd={sd}&ed={ed}").data["houses"][0]["area_name"] == "西城区"
    english = api.get(f"/houses?aid=2&sd={sd}&ed={ed}", headers={"Accept-Language": "en"}).data
    assert english["houses"][0]["area_name"] == "Xicheng"
    assert api.get(f"/houses/{house_id}?lang=en").data["house"]["area_name"] == "Xicheng"
    assert api.get(f"/houses/{house_id}?lang=zh").data["house"]["area_name"] == "西城区"


def test_the_viewer_id_is_applied_after_the_cache(app, api, listed, host):
    house_id, _sd, _ed = listed
    assert api.get(f"/houses/{house_id}").data["user_id"] == -1
    login(api.client, host.id)
    assert api.get(f"/houses/{house_id}").data["user_id"] == host.id


# ---- Redis down ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dead_redis_app(tmp_path_factory):
    """An app whose Redis does not exist.

    Its database is the suite's: the autouse ``db`` fixture binds every app's session to the
    test's transaction, so the rows a test arranges are what this app reads.
    """
    return create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('houses-dead') / 'unused.db'}",
        "REDIS_URL": f"unix://{tmp_path_factory.mktemp('houses-nothing')}/none.sock?db=0",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("houses-dead-instance")),
    })


def test_reads_work_uncached_when_redis_is_down(app, dead_redis_app):
    with app.app_context():
        house_id = make_house(images=1, area_id=2).id
    api = ApiClient(dead_redis_app.test_client(), csrf=False)
    sd = clock.today() + timedelta(days=1)
    assert api.get(f"/houses/{house_id}").expect(200).data["house"]["house_id"] == house_id
    assert [h["house_id"] for h in api.get("/houses/index").expect(200).data] == [house_id]
    assert api.get(f"/houses?aid=2&sd={sd}&ed={sd + timedelta(days=1)}").expect(200).data["total_page"] == 1
    assert api.get("/areas").expect(200).data


def test_a_host_renaming_themself_shows_at_once(app, host_api, listed):
    house_id, sd, ed = listed
    _warm(host_api, house_id, sd, ed)
    host_api.put("/user/name", json={"name": "Renamed host"}).expect(200)
    assert host_api.get(f"/houses/{house_id}").data["house"]["user_name"] == "Renamed host"


def test_a_host_changing_their_avatar_shows_at_once(app, host_api, listed):
    house_id, sd, ed = listed
    _warm(host_api, house_id, sd, ed)
    before = host_api.get(f"/houses/{house_id}").data["house"]["user_avatar"]
    avatar = host_api.post("/user/avatar", data={"avatar": (io.BytesIO(image_bytes("PNG")), "me.png")},
                           content_type="multipart/form-data").expect(200).data["avatar_url"]
    shown = host_api.get(f"/houses/{house_id}").data["house"]
    assert shown["user_avatar"] == avatar != before
    assert [h["user_avatar"] for h in host_api.get(f"/houses?aid=2&sd={sd}&ed={ed}").data["houses"]] == [avatar]

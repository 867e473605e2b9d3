"""The houses API: publish, edit, my houses, the home list, the detail and search, with their errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.houses.models import House
from ihome.orders.models import OrderStatus
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

VALID = {
    "title": "  Sunny flat by the lake ", "price": 28800, "area_id": 3, "address": "8 Lake Road",
    "room_count": 2, "acreage": 65, "unit": "2室1厅", "capacity": 4, "beds": "2 double beds",
    "deposit": 50000, "min_days": 2, "max_days": 30, "facility": [3, 1, 1],
}


def _house(app, house_id: int) -> House:
    with app.app_context():
        from ihome.extensions import db

        house = db.session.get(House, house_id)
        assert house is not None
        house.facilities  # noqa: B018 - load before the session closes
        return house


# ---- POST /houses ----------------------------------------------------------------------------------------

def test_verified_host_publishes_a_house(app, host, host_api):
    response = host_api.post("/houses", json=VALID).expect(201)
    house = _house(app, response.data["house_id"])
    assert (house.user_id, house.title, house.price, house.area_id) == (host.id, "Sunny flat by the lake", 28800, 3)
    assert (house.min_days, house.max_days, house.deposit, house.unit) == (2, 30, 50000, "2室1厅")
    assert [f.id for f in house.facilities] == [1, 3]


def test_publishing_needs_only_the_required_fields(app, host_api):
    response = host_api.post("/houses", json={"title": "T", "price": 0, "area_id": 1, "address": "A"}).expect(201)
    house = _house(app, response.data["house_id"])
    assert (house.room_count, house.capacity, house.min_days, house.max_days, house.facilities) == (1, 1, 1, 0, [])


def test_publishing_needs_login(api):
    api.post("/houses", json=VALID).expect(401, "4101")


def test_publishing_needs_real_name_verification(app, api):
    with app.app_context():
        user = make_user(verified=False)
        login(api.client, user.id)
    response = api.post("/houses", json=VALID).expect(403, "4104")
    assert response.errmsg
    with app.app_context():
        from ihome.extensions import db

        assert db.session.scalar(select(House.id).where(House.user_id == user.id)) is None


def test_disabled_account_cannot_publish(app, api):
    with app.app_context():
        user = make_user(verified=True)
        user.is_active = False
        from ihome.extensions import db

        db.session.commit()
        login(api.client, user.id)
    api.post("/houses", json=VALID).expect(403, "4104")


def test_missing_required_fields_are_named(host_api):
    response = host_api.post("/houses", json={}).expect(400, "4103")
    assert set(response.fields) == {"title", "price", "area_id", "address"}


@pytest.mark.parametrize(("field", "value"), [
    ("title", ""), ("title", "x" * 65), ("title", 5),
    ("price", -1), ("price", 100_000_001), ("price", "cheap"), ("price", 1.5), ("price", True),
    ("deposit", -1), ("area_id", 999), ("area_id", "x"), ("address", "   "), ("address", "a" * 513),
    ("room_count", 0), ("capacity", 0), ("acreage", -1), ("unit", "u" * 33), ("beds", "b" * 65),
    ("min_days", 0), ("max_days", -1), ("max_days", 1), ("facility", [1, 9999]), ("facility", "wifi"),
    ("facility", ["x"]),
])
def test_each_field_rule_has_a_message(host_api, field, value):
    body = {**VALID, field: value}
    response = host_api.post("/houses", json=body).expect(400, "4103")
    assert list(response.fields) == [field] and response.fields[field][0]


def test_field_messages_are_translated(host_api):
    zh = host_api.post("/houses", json={**VALID, "min_days": 0}, headers={"Accept-Language": "zh-CN"})
    en = host_api.post("/houses", json={**VALID, "min_days": 0}, headers={"Accept-Language": "en"})
    assert en.fields["min_days"] == ["Enter a number from 1 to 3650"]
    assert zh.fields["min_days"][0] != en.fields["min_days"][0] and "1" in zh.fields["min_days"][0]


def test_numbers_as_digit_strings_are_accepted(app, host_api):
    response = host_api.post("/houses", json={**VALID, "price": "12000", "facility": ["2"]}).expect(201)
    assert _house(app, response.data["house_id"]).price == 12000


def test_a_body_that_is_not_an_object_is_refused(host_api):
    host_api.post("/houses", json=[1, 2]).expect(400, "4103")


# ---- PUT /houses/<id> ------------------------------------------------------------------------------------

def test_owner_edits_only_the_fields_sent(app, host, host_api):
    house_id = host_api.post("/houses", json=VALID).expect(201).data["house_id"]
    host_api.put(f"/houses/{house_id}", json={"price": 30000, "facility": [5]}).expect(200)
    house = _house(app, house_id)
    assert (house.price, house.title, [f.id for f in house.facilities]) == (30000, "Sunny flat by the lake", [5])


def test_edit_checks_max_days_against_the_current_min_days(host_api):
    house_id = host_api.post("/houses", json=VALID).expect(201).data["house_id"]
    response = host_api.put(f"/houses/{house_id}", json={"max_days": 1}).expect(400, "4103")
    assert list(response.fields) == ["max_days"]
    host_api.put(f"/houses/{house_id}", json={"max_days": 0}).expect(200)


def test_edit_by_someone_else_is_forbidden(app, api):
    with app.app_context():
        house = make_house()
        other = make_user(verified=True)
        house_id, other_id = house.id, other.id
    login(api.client, other_id)
    api.put(f"/houses/{house_id}", json={"price": 1}).expect(403, "4105")
    assert _house(app, house_id).price == 20000


def test_edit_of_a_missing_house_is_404(host_api):
    host_api.put("/houses/987654", json={"price": 1}).expect(404, "4002")


def test_edit_needs_login(api):
    api.put("/houses/1", json={"price": 1}).expect(401, "4101")


def test_edit_with_bad_fields_changes_nothing(app, host_api):
    house_id = host_api.post("/houses", json=VALID).expect(201).data["house_id"]
    host_api.put(f"/houses/{house_id}", json={"price": 1, "title": ""}).expect(400, "4103")
    assert _house(app, house_id).price == 28800


# ---- GET /user/houses ------------------------------------------------------------------------------------

def test_my_houses_newest_first(app, host, host_api):
    first = host_api.post("/houses", json={**VALID, "title": "First"}).expect(201).data["house_id"]
    second = host_api.post("/houses", json={**VALID, "title": "Second"}).expect(201).data["house_id"]
    with app.app_context():
        make_house(title="Somebody else's")
    houses = host_api.get("/user/houses").expect(200).data["houses"]
    assert [h["house_id"] for h in houses] == [second, first]
    summary = houses[0]
    assert set(summary) == {"house_id", "title", "price", "area_name", "address", "room_count", "order_count",
                            "index_image_url", "create_time", "avg_rating", "user_avatar", "price_display", "stars",
                            "published", "listed"}  # my houses: the owner's flag and the administrators'
    assert summary["published"] is True and summary["listed"] is True
    assert summary["area_name"] == "朝阳区" and summary["index_image_url"] is None
    assert summary["price"] == 28800 and summary["price_display"] == "¥288"
    assert summary["stars"] == 0 and summary["avg_rating"] is None


def test_my_houses_needs_login(api):
    api.get("/user/houses").expect(401, "4101")


# ---- GET /houses/index -----------------------------------------------------------------------------------

def test_index_lists_five_houses_with_photos_most_booked_first(app, api):
    with app.app_context():
        booked = [make_house(images=1, order_count=n).id for n in range(7)]
        make_house(images=0, order_count=100)  # no photo: never on the home page
    houses = api.get("/houses/index").expect(200).data
    assert [h["house_id"] for h in houses] == booked[::-1][:5]
    assert houses[0]["index_image_url"] == f"/media/houses/{booked[6]}-0-thumb.jpg"


def test_index_names_districts_in_the_request_language(app, api):
    with app.app_context():
        make_house(images=1, area_id=4)
    assert api.get("/houses/index").data[0]["area_name"] == "海淀区"
    assert api.get("/houses/index", headers={"Accept-Language": "en"}).data[0]["area_name"] == "Haidian"


# ---- GET /houses/<id> ------------------------------------------------------------------------------------

def test_detail_shows_everything_and_the_viewer(app, api):
    with app.app_context():
        from ihome.extensions import db

        house = make_house(images=2, price=30000, rating_sum=9, rating_count=2)
        host_name, house_id = house.owner.name, house.id
        old = make_order(house=house, start=clock.today() - timedelta(days=30), status=OrderStatus.COMPLETE,
                         comment="Lovely", rating=5)
        make_order(house=house, start=clock.today() - timedelta(days=20), status=OrderStatus.COMPLETE,
                   comment="Fine", rating=4)
        make_order(house=house, start=clock.today() - timedelta(days=10), status=OrderStatus.WAIT_COMMENT)
        old.update_time = old.update_time - timedelta(days=5)
        db.session.commit()
    data = api.get(f"/houses/{house_id}").expect(200).data
    assert data["user_id"] == -1
    detail = data["house"]
    assert (detail["house_id"], detail["price"], detail["user_name"], detail["avg_rating"]) == (
        house_id, 30000, host_name, 4.5)
    assert (detail["price_display"], detail["stars"]) == ("¥300", 5)  # 4.5 rounds half up, on every page
    assert detail["img_urls"] == [f"/media/houses/{house_id}-0.jpg", f"/media/houses/{house_id}-1.jpg"]
    assert detail["thumb_urls"][0] == f"/media/houses/{house_id}-0-thumb.jpg"
    assert [c["comment"] for c in detail["comments"]] == ["Fine", "Lovely"]
    assert detail["comments"][0]["rating"] == 4 and detail["facilities"] == []


def test_detail_tells_the_logged_in_viewer_their_id(app, api, host):
    with app.app_context():
        house_id = make_house().id
    login(api.client, host.id)
    assert api.get(f"/houses/{house_id}").expect(200).data["user_id"] == host.id


def test_detail_of_a_missing_house_is_404(api):
    api.get("/houses/987654").expect(404, "4002")


def test_detail_lists_facilities(app, host_api):
    house_id = host_api.post("/houses", json=VALID).expect(201).data["house_id"]
    assert host_api.get(f"/houses/{house_id}").data["house"]["facilities"] == [1, 3]


# ---- GET /houses -----------------------------------------------------------------------------------------

def test_search_by_district_and_dates(app, api):
    sd = clock.today() + timedelta(days=3)
    with app.app_context():
        free = make_house(area_id=5).id
        taken = make_house(area_id=5)
        make_order(house=taken, start=sd, nights=1)
        make_house(area_id=6)
    data = api.get(f"/houses?aid=5&sd={sd}&ed={sd + timedelta(days=2)}&sk=new&p=1").expect(200).data
    assert data == {"total_page": 1, "current_page": 1, "total": 1, "houses": data["houses"]}
    assert [h["house_id"] for h in data["houses"]] == [free]


def test_search_without_parameters_lists_every_house(app, api):
    with app.app_context():
        ids = [make_house().id for _ in range(2)]
    data = api.get("/houses").expect(200).data
    assert [h["house_id"] for h in data["houses"]] == ids[::-1]


@pytest.mark.parametrize(("query", "field"), [
    ("sd=2030-02-30&ed=2030-03-02", "sd"),
    ("sd=tomorrow&ed=2030-03-02", "sd"),
    ("sd={d1}&ed={d1}", "ed"),
    ("sd={d2}&ed={d1}", "ed"),
    ("sd={past}&ed={d1}", "sd"),
    ("sd={d1}", "ed"),
    ("ed={d1}", "sd"),
    ("sd={d1}&ed={far}", "ed"),
    ("p=0", "p"), ("p=-1", "p"), ("p=x", "p"),
    ("sk=cheapest", "sk"),
    ("aid=999", "aid"), ("aid=x", "aid"),
])
def test_search_refuses_bad_parameters(api, query, field):
    today = clock.today()
    query = query.format(d1=today + timedelta(days=1), d2=today + timedelta(days=2),
                         past=today - timedelta(days=1), far=today + timedelta(days=368))
    response = api.get(f"/houses?{query}").expect(400, "4103")
    assert list(response.fields) == [field]


def test_openapi_documents_each_endpoint_errors(app, client):
    paths = client.get("/openapi.json").get_json()["paths"]
    prefix = "/api/v1.0"
    assert {"400", "401", "403"} <= set(paths[f"{prefix}/houses"]["post"]["responses"])
    assert {"400", "401", "403", "404"} <= set(paths[f"{prefix}/houses/{{house_id}}"]["put"]["responses"])
    assert {"400", "403", "404", "413"} <= set(paths[f"{prefix}/houses/{{house_id}}/images"]["post"]["responses"])
    assert "404" in paths[f"{prefix}/houses/{{house_id}}"]["get"]["responses"]
    assert "400" in paths[f"{prefix}/houses"]["get"]["responses"]
    assert "401" in paths[f"{prefix}/user/houses"]["get"]["responses"]


def test_ids_beyond_the_database_range_are_not_found_by_the_services(app_ctx, host):
    from ihome.core.errors import NotFound
    from ihome.houses import service

    with pytest.raises(NotFound):
        service.get_house_detail(house_id=2**31, viewer_id=None)
    with pytest.raises(NotFound):
        service.update_house(house_id=2**63, user_id=host.id, fields={"price": 1})


@pytest.mark.parametrize("query", ["aid=99999999999999999999", "p=99999999999999999999", "p=²", "aid=٣",
                                   "p=" + "9" * 5000, "aid=-1"])
def test_odd_numbers_in_search_are_4103(api, query):
    api.get(f"/houses?{query}").expect(400, "4103")


@pytest.mark.parametrize("value", ["²", "9" * 5000, "٣", 2**40])
def test_odd_numbers_in_fields_are_4103(host_api, value):
    response = host_api.post("/houses", json={**VALID, "price": value, "area_id": value}).expect(400, "4103")
    assert set(response.fields) == {"price", "area_id"}


def test_a_summary_cached_before_the_display_fields_still_answers_with_them():
    """A deploy over a warm cache: summaries stored without price_display and stars are completed, not a 500."""
    from ihome.houses.schemas import HouseSummaryOut

    old = {"house_id": 1, "title": "t", "price": 41650, "area_name": "a", "address": "x", "room_count": 1,
           "order_count": 0, "index_image_url": None, "create_time": "2026-01-01T00:00:00+00:00", "avg_rating": 4.5,
           "user_avatar": None}
    summary = HouseSummaryOut.model_validate(old)
    assert (summary.price_display, summary.stars) == ("¥416.50", 5)

"""A listing's texts and times (description, house rules, check-in/out), the keyword on the description, and
publication: an unpublished house leaves search, the home list, favourites and booking, and its detail is a
404 for everyone but its owner and administrators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.favorites import Favorite
from ihome.houses.models import House
from ihome.orders.models import Order
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

BASE = {"title": "Courtyard", "price": 30000, "area_id": 1, "address": "5 Hutong Lane"}
DESCRIPTION = "安静的小院。\n院子里有一棵石榴树 <b>&</b>"


def _row(house_id: int) -> House:
    db.session.expire_all()
    house = db.session.get(House, house_id)
    assert house is not None
    return house


def test_a_house_is_published_with_its_texts_and_times(host_api):
    body = {**BASE, "description": DESCRIPTION + "  ", "house_rules": "不吸烟\r\n22:00 后请安静",
            "check_in_time": "15:30", "check_out_time": "11:00"}
    house_id = host_api.post("/houses", json=body).expect(201).data["house_id"]
    house = _row(house_id)
    assert (house.description, house.house_rules) == (DESCRIPTION, "不吸烟\n22:00 后请安静")
    assert (house.check_in_time, house.check_out_time, house.published) == ("15:30", "11:00", True)
    detail = host_api.get(f"/houses/{house_id}").expect(200).data["house"]
    assert (detail["description"], detail["house_rules"]) == (DESCRIPTION, "不吸烟\n22:00 后请安静")
    assert (detail["check_in_time"], detail["check_out_time"], detail["published"]) == ("15:30", "11:00", True)


def test_defaults_and_an_edit_that_keeps_what_it_does_not_send(host_api):
    house_id = host_api.post("/houses", json=BASE).expect(201).data["house_id"]
    detail = host_api.get(f"/houses/{house_id}").data["house"]
    assert (detail["description"], detail["house_rules"]) == ("", "")
    assert (detail["check_in_time"], detail["check_out_time"]) == ("14:00", "12:00")
    host_api.put(f"/houses/{house_id}", json={"description": "New text"}).expect(200)
    house = _row(house_id)
    assert (house.description, house.check_in_time, house.title) == ("New text", "14:00", "Courtyard")
    host_api.put(f"/houses/{house_id}", json={"check_out_time": "10:15", "house_rules": "No pets"}).expect(200)
    house = _row(house_id)
    assert (house.description, house.house_rules, house.check_out_time) == ("New text", "No pets", "10:15")


@pytest.mark.parametrize(("field", "value"), [
    ("description", "字" * 2001), ("house_rules", "x" * 1001), ("description", 12), ("house_rules", ["a"]),
    ("description", "bell\x07"), ("check_in_time", "25:00"), ("check_in_time", "9:00"), ("check_out_time", "12:60"),
    ("check_out_time", "noon"), ("check_in_time", 1400), ("check_in_time", "14:00:00"), ("check_out_time", ""),
])
def test_bad_fields_are_4103_naming_the_field_and_change_nothing(host_api, field, value):
    house_id = host_api.post("/houses", json=BASE).expect(201).data["house_id"]
    answer = host_api.put(f"/houses/{house_id}", json={field: value}).expect(400, "4103")
    assert list(answer.fields) == [field] and answer.fields[field][0]
    house = _row(house_id)
    assert (house.description, house.house_rules, house.check_in_time, house.check_out_time) == (
        "", "", "14:00", "12:00")
    host_api.post("/houses", json={**BASE, field: value}).expect(400, "4103")


def test_the_longest_texts_are_taken(host_api):
    body = {**BASE, "description": "字" * 2000, "house_rules": "规" * 1000, "check_in_time": "00:00",
            "check_out_time": "23:59"}
    house_id = host_api.post("/houses", json=body).expect(201).data["house_id"]
    assert len(_row(house_id).description) == 2000


@pytest.mark.parametrize("value", ["nul\x00", "lone \ud800 surrogate"])
def test_nul_and_lone_surrogates_are_refused_not_a_500(host_api, value):
    import json

    raw = json.dumps({**BASE, "description": value}, ensure_ascii=True)
    answer = host_api.post("/houses", data=raw, content_type="application/json").expect(400, "4103")
    assert "description" in answer.fields
    assert db.session.scalar(select(House.id).where(House.title == "Courtyard")) is None


@pytest.mark.parametrize("word", ["石榴树", "Pomegranate", "石榴", "榴"])  # FTS / trigram, and the gram table
def test_the_keyword_finds_a_word_only_in_the_description(api, word):
    found = make_house(title="Flat", address="1 Road", description="院子里有一棵石榴树 (pomegranate tree)").id
    make_house(title="Other", address="2 Road", description="没有树")
    data = api.get("/houses", query_string={"q": word}).expect(200).data
    assert [h["house_id"] for h in data["houses"]] == [found] and data["total"] == 1


# ---- publication ------------------------------------------------------------------------------------------

def _publish(api, house_id: int, published: bool):
    return api.put(f"/houses/{house_id}/publication", json={"published": published})


def test_an_unpublished_house_is_hidden_everywhere_but_from_its_owner_and_admins(app, host, host_api, admin_api):
    house = make_house(owner=host, title="Hidden loft", images=1)
    house_id = house.id
    fan = make_user()
    db.session.add(Favorite(user_id=fan.id, house_id=house_id))
    db.session.commit()
    guest = app.test_client()
    login(guest, fan.id)
    from tests.support.api_client import ApiClient as api_of

    guest_api = api_of(guest)
    assert [h["house_id"] for h in guest_api.get("/user/favorites").data["houses"]] == [house_id]
    assert house_id in [h["house_id"] for h in guest_api.get("/houses", query_string={"q": "Hidden"}).data["houses"]]
    assert house_id in [h["house_id"] for h in guest_api.get("/houses/index").data]  # cached now

    assert _publish(host_api, house_id, False).expect(200).data == {"published": False}
    assert _row(house_id).published is False
    assert guest_api.get("/houses", query_string={"q": "Hidden"}).data["total"] == 0
    assert house_id not in [h["house_id"] for h in guest_api.get("/houses/index").data]
    assert guest_api.get("/user/favorites").data["houses"] == []
    guest_api.get(f"/houses/{house_id}").expect(404, "4002")
    assert guest.get(f"/houses/{house_id}").status_code == 404
    guest_api.put(f"/houses/{house_id}/favorite").expect(404, "4002")
    start = clock.today() + timedelta(days=3)
    guest_api.post("/orders", json={"house_id": house_id, "start_date": start.isoformat(),
                                    "end_date": (start + timedelta(days=2)).isoformat()}).expect(404, "4002")
    assert db.session.scalar(select(Order.id).where(Order.house_id == house_id)) is None
    guest_api.get(f"/houses/{house_id}/calendar").expect(404, "4002")  # not even which nights are taken
    api_of(app.test_client()).get(f"/houses/{house_id}/calendar").expect(404, "4002")  # anonymous
    assert len(host_api.get(f"/houses/{house_id}/calendar").expect(200).data["prices"]) == 180
    admin_api.get(f"/houses/{house_id}/calendar").expect(200)

    owner_view = host_api.get(f"/houses/{house_id}").expect(200).data["house"]
    assert owner_view["published"] is False
    assert admin_api.get(f"/houses/{house_id}").expect(200).data["house"]["published"] is False
    mine = host_api.get("/user/houses").data["houses"]
    assert [(h["house_id"], h["published"], h["listed"]) for h in mine] == [(house_id, False, True)]

    assert _publish(host_api, house_id, True).expect(200).data == {"published": True}
    assert guest_api.get("/houses", query_string={"q": "Hidden"}).data["total"] == 1
    assert [h["house_id"] for h in guest_api.get("/user/favorites").data["houses"]] == [house_id]
    guest_api.get(f"/houses/{house_id}").expect(200)
    guest_api.get(f"/houses/{house_id}/calendar").expect(200)


def test_only_the_owner_publishes_and_a_refusal_changes_nothing(user_api, api):
    house_id = make_house().id
    _publish(user_api, house_id, False).expect(403, "4105")
    assert _row(house_id).published is True
    _publish(api.__class__(api.client.application.test_client()), house_id, False).expect(401, "4101")
    _publish(user_api, 999_999, False).expect(404, "4002")
    user_api.put(f"/houses/{house_id}/publication", json={"published": "maybe"}).expect(400, "4103")
    user_api.put(f"/houses/{house_id}/publication", json={}).expect(400, "4103")
    assert _row(house_id).published is True


def test_active_listings_count_only_houses_the_public_sees(admin_api, host):
    today = clock.today().isoformat()
    before = admin_api.get("/admin/stats/summary", query_string={"start": today, "end": today}).expect(200).data
    make_house(owner=host)
    make_house(owner=host, published=False)
    make_house(owner=host, listed=False)
    suspended = make_user(verified=True)
    make_house(owner=suspended)
    db.session.get(type(suspended), suspended.id).is_active = False
    db.session.commit()
    after = admin_api.get("/admin/stats/summary", query_string={"start": today, "end": today}).expect(200).data
    assert after["active_listings"] - (before["active_listings"] or 0) == 1
    assert after["new_listings"] - before["new_listings"] == 4

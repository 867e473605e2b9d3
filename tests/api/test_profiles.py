"""GET /users/{id} (the public profile), the house detail's host card, the response rate, and the summary of
what hosts wrote of a guest on the host's booking list. No mobile number anywhere."""

from __future__ import annotations

import json
from datetime import timedelta

from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import add_event, make_order

S = OrderStatus


def requests_answered(host, house):
    """Four requests of the last 90 days: accepted, rejected, expired, withdrawn; one older, expired."""
    day = clock.today()
    outcomes = [("user", S.WAIT_PAYMENT), ("user", S.REJECTED), ("system:expire_unanswered", S.CANCELED),
                ("guest", S.CANCELED)]
    for n, (actor, to_status) in enumerate(outcomes):
        order = make_order(house=house, start=day + timedelta(days=10 + 3 * n), status=to_status)
        who = f"user:{host.id}" if actor == "user" else (f"user:{order.user_id}" if actor == "guest" else actor)
        add_event(order=order, from_status=S.WAIT_ACCEPT, to_status=to_status, actor=who)
    old = make_order(house=house, start=day + timedelta(days=40), status=S.CANCELED,
                     create_time=clock.now() - timedelta(days=91))
    add_event(order=old, from_status=S.WAIT_ACCEPT, to_status=S.CANCELED, actor="system:expire_unanswered")


def test_a_hosts_public_profile(api, stay):
    host_id, name, mobile, house_id = stay.host.id, stay.host.name, stay.host.mobile, stay.house.id
    other = make_house(owner=stay.host, title="Second home").id
    hidden = make_house(owner=stay.host, title="Unlisted", listed=False).id
    requests_answered(stay.host, stay.house)
    answer = api.get(f"/users/{host_id}").expect(200)
    data = answer.data
    assert set(data) == {"user_id", "name", "avatar_url", "joined", "verified", "houses", "reviews_as_guest",
                         "response_rate"}
    assert (data["user_id"], data["name"], data["verified"], data["avatar_url"]) == (host_id, name, True, None)
    assert data["joined"] == clock.today().isoformat()
    assert {h["house_id"] for h in data["houses"]} == {house_id, other}  # not the unlisted one
    assert hidden not in {h["house_id"] for h in data["houses"]}
    assert data["response_rate"] == 0.6667  # 2 answered of 3 (the withdrawn and the old one do not count)
    assert data["reviews_as_guest"] == []
    assert mobile not in answer.response.get_data(as_text=True)

    card = api.get(f"/houses/{house_id}").expect(200).data["house"]["host"]
    assert card == {"user_id": host_id, "name": name, "avatar_url": None, "joined": data["joined"],
                    "response_rate": 0.6667}


def test_a_new_host_has_no_response_rate_and_a_guest_no_badge(api):
    person = make_user()
    data = api.get(f"/users/{person.id}").expect(200).data
    assert (data["verified"], data["houses"], data["response_rate"]) == (False, [], None)


def test_unknown_and_suspended_people_are_404(api, admin_api):
    person = make_user(verified=True)
    person_id = person.id
    make_house(owner=person)
    api.get("/users/999999").expect(404, "4002")
    api.get(f"/users/{person_id}").expect(200)
    admin_api.put(f"/admin/users/{person_id}/status", json={"active": False, "reason": "欺诈"}).expect(200)
    api.get(f"/users/{person_id}").expect(404, "4002")


def test_the_profile_page_shows_the_person(client, stay):
    host_id, name, mobile, house_id, title = (stay.host.id, stay.host.name, stay.host.mobile, stay.house.id,
                                              stay.house.title)
    page = client.get(f"/users/{host_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and name in html and title in html
    assert mobile not in html and 'id="profile-verified"' in html
    assert client.get("/users/999999").status_code == 404
    detail = client.get(f"/houses/{house_id}").get_data(as_text=True)
    assert f'href="/users/{host_id}"' in detail


def test_the_host_sees_what_other_hosts_wrote_of_a_guest(stay):
    guest_id, mobile = stay.guest.id, stay.guest.mobile
    past = clock.today() - timedelta(days=40)
    for n, (rating, hidden) in enumerate(((5, False), (4, False), (1, True))):  # the hidden one does not count
        make_order(house=make_house(), guest=stay.guest, start=past + timedelta(days=3 * n), status=S.COMPLETE,
                   comment="ok", rating=5, host_rating=rating, host_comment="good guest",
                   host_review_time=clock.now(), review_hidden=hidden)
    make_order(house=make_house(), guest=stay.guest, start=past - timedelta(days=9), status=S.WAIT_COMMENT,
               host_rating=1, host_comment="blind", host_review_time=clock.now())  # still blind: not counted
    stay.book(start_in=3).expect(201)
    [request] = stay.host_api.get("/user/orders?role=landlord").expect(200).data["orders"]
    assert request["guest_reviews"] == {"user_id": guest_id, "count": 2, "avg_rating": 4.5}
    reviews = stay.guest_api.get(f"/users/{guest_id}").expect(200).data["reviews_as_guest"]
    assert sorted(r["rating"] for r in reviews) == [4, 5]
    page = stay.host_api.client.get("/my/lorders").get_data(as_text=True)
    assert f'href="/users/{guest_id}"' in page and "4.5" in page
    assert mobile not in json.dumps(reviews)

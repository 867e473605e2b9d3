"""The orders API against its contract (API.md): every success shape and every error it names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.payments import service as payments
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient

S = OrderStatus


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def client_of(app, user) -> ApiClient:
    client, user_id = app.test_client(), user.id  # read before the session ends
    with client.session_transaction() as session:
        session["user_id"] = user_id
    return ApiClient(client)


# ---- POST /orders -----------------------------------------------------------------------------------------

def test_booking_answers_201_with_the_order_id_and_the_server_computes_the_amount(stay, db):
    response = stay.book(start_in=2, nights=3).expect(201)
    order = db.session.get(Order, response.data["order_id"])
    assert response.data == {"order_id": order.id, "days": 3, "subtotal": 60000, "service_fee": 3000,
                             "amount": 63000}
    assert (order.status, order.days, order.amount, order.house_price) == (S.WAIT_ACCEPT, 3, 63000, 20000)
    assert (order.subtotal, order.service_fee, order.commission, order.host_payout) == (60000, 3000, 1800, 58200)


def test_booking_ignores_a_client_sent_amount(stay, db):
    response = stay.guest_api.post("/orders", json={
        "house_id": stay.house.id, "start_date": day(1), "end_date": day(2), "amount": 1, "days": 9}).expect(201)
    assert db.session.get(Order, response.data["order_id"]).amount == 21000  # 1 night + 5 % fee


def test_booking_needs_login(api, stay):
    api.post("/orders", json={"house_id": stay.house.id, "start_date": day(1), "end_date": day(2)}).expect(401, "4101")


def test_booking_needs_the_csrf_header(app, stay):
    bare = ApiClient(stay.guest_api.client, csrf=False)
    bare.post("/orders", json={"house_id": stay.house.id, "start_date": day(1), "end_date": day(2)}).expect(400, "4004")


def test_booking_an_unknown_house_is_404(stay):
    stay.guest_api.post("/orders", json={"house_id": 999999, "start_date": day(1), "end_date": day(2)}).expect(
        404, "4002")


def test_booking_your_own_house_is_4105(stay):
    stay.book(api=stay.host_api).expect(403, "4105")


@pytest.mark.parametrize(("body", "field"), [
    ({"start_date": -1, "end_date": 1}, "start_date"),
    ({"start_date": 2, "end_date": 2}, "end_date"),
    ({"start_date": 3, "end_date": 1}, "end_date"),
])
def test_bad_dates_are_4103_with_field_messages(stay, body, field):
    response = stay.guest_api.post("/orders", json={
        "house_id": stay.house.id, "start_date": day(body["start_date"]), "end_date": day(body["end_date"])})
    assert field in response.expect(400, "4103").fields


@pytest.mark.parametrize("body", [
    {},
    {"house_id": "x", "start_date": "2030-01-01", "end_date": "2030-01-02"},
    {"house_id": 1, "start_date": "01/02/2030", "end_date": "2030-01-03"},
    {"house_id": 1, "start_date": "2030-01-01"},
])
def test_malformed_bodies_are_4103(stay, body):
    stay.guest_api.post("/orders", json=body).expect(400, "4103")


def test_nights_outside_min_and_max_are_4103(app, stay, db):
    house = make_house(min_days=2, max_days=3)
    for nights in (1, 4):
        response = stay.guest_api.post("/orders", json={
            "house_id": house.id, "start_date": day(1), "end_date": day(1 + nights)}).expect(400, "4103")
        assert "end_date" in response.fields


def test_taken_dates_are_409_4004_and_leave_one_row(stay, db):
    stay.book(start_in=1, nights=3).expect(201)
    other = client_of(stay.host_api.client.application, make_user())
    stay.book(start_in=2, nights=1, api=other).expect(409, "4004")
    stay.book(start_in=4, nights=1, api=other).expect(201)  # back to back
    assert len(db.session.scalars(select(Order).where(Order.house_id == stay.house.id)).all()) == 2


def test_booking_answers_in_english_when_asked(stay):
    stay.book().expect(201)
    response = stay.book(start_in=1, nights=1)
    assert response.status == 409
    english = stay.guest_api.post("/orders?lang=en", json={
        "house_id": stay.house.id, "start_date": day(1), "end_date": day(2)})
    assert english.errmsg == "These dates are already booked"


# ---- PUT /orders/<id>/status ------------------------------------------------------------------------------

def test_host_accepts(stay):
    order_id = stay.book().expect(201).data["order_id"]
    response = stay.host_api.put(f"/orders/{order_id}/status", json={"action": "accept"}).expect(200)
    assert response.data == {"order_id": order_id, "status": "WAIT_PAYMENT"}


def test_host_rejects_with_a_reason(stay, db):
    order_id = stay.book().expect(201).data["order_id"]
    response = stay.host_api.put(f"/orders/{order_id}/status", json={"action": "reject", "reason": "closed"})
    assert response.expect(200).data["status"] == "REJECTED"
    assert db.session.get(Order, order_id).reject_reason == "closed"


@pytest.mark.parametrize("body", [{"action": "reject"}, {"action": "reject", "reason": "  "},
                                  {"action": "reject", "reason": "x" * 501}])
def test_reject_without_a_reason_is_4103(stay, body):
    order_id = stay.book().expect(201).data["order_id"]
    assert "reason" in stay.host_api.put(f"/orders/{order_id}/status", json=body).expect(400, "4103").fields


@pytest.mark.parametrize("body", [{}, {"action": "pay"}, {"action": "ACCEPT"}, {"action": 1}])
def test_unknown_actions_are_4103(stay, body):
    order_id = stay.book().expect(201).data["order_id"]
    stay.host_api.put(f"/orders/{order_id}/status", json=body).expect(400, "4103")


def test_guest_cancels(stay):
    order_id = stay.book().expect(201).data["order_id"]
    response = stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)
    assert response.data["status"] == "CANCELED"


def test_guest_cancels_a_paid_stay_before_check_in_and_it_is_refunded(stay, monkeypatch):
    refunded = []
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda *, order_id, **_: refunded.append(order_id))
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(days=2))
    stay.guest_api.put(f"/orders/{order.id}/status", json={"action": "cancel"}).expect(200)
    assert refunded == [order.id]


def test_a_paid_stay_cannot_be_cancelled_from_check_in(stay, monkeypatch):
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: pytest.fail("no refund"))
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today())
    stay.guest_api.put(f"/orders/{order.id}/status", json={"action": "cancel"}).expect(409, "4004")


@pytest.mark.parametrize(("who", "action"), [("guest", "accept"), ("guest", "reject"), ("host", "cancel"),
                                             ("stranger", "accept"), ("stranger", "cancel")])
def test_wrong_role_is_4105(app, stay, who, action):
    order_id = stay.book().expect(201).data["order_id"]
    api = {"guest": stay.guest_api, "host": stay.host_api, "stranger": client_of(app, make_user())}[who]
    api.put(f"/orders/{order_id}/status", json={"action": action, "reason": "r"}).expect(403, "4105")


def test_actions_in_a_wrong_state_are_409(stay):
    order_id = stay.book().expect(201).data["order_id"]
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "accept"}).expect(200)
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "accept"}).expect(409, "4004")
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "reject", "reason": "r"}).expect(409, "4004")
    stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)
    stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(409, "4004")


def test_status_of_an_unknown_order_is_404(stay):
    stay.host_api.put("/orders/999999/status", json={"action": "accept"}).expect(404, "4002")


def test_ids_beyond_32_bits_are_simply_not_found(stay):
    huge = 2**40
    stay.host_api.put(f"/orders/{huge}/status", json={"action": "accept"}).expect(404, "4002")
    stay.guest_api.put(f"/orders/{huge}/comment", json={"comment": "x", "rating": 3}).expect(404, "4002")
    stay.guest_api.get(f"/houses/{huge}/calendar").expect(404, "4002")
    stay.guest_api.post("/orders", json={"house_id": huge, "start_date": day(1), "end_date": day(2)}).expect(
        404, "4002")


def test_status_needs_login(api, stay):
    order_id = stay.book().expect(201).data["order_id"]
    api.put(f"/orders/{order_id}/status", json={"action": "accept"}).expect(401, "4101")


def test_a_cancelled_booking_frees_the_dates(stay):
    order_id = stay.book(start_in=1, nights=2).expect(201).data["order_id"]
    stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)
    stay.book(start_in=1, nights=2).expect(201)


# ---- PUT /orders/<id>/comment -----------------------------------------------------------------------------

def test_guest_reviews_a_finished_stay(stay, db):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_COMMENT)
    response = stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Great", "rating": 4})
    assert response.expect(200).data == {"order_id": order.id, "status": "COMPLETE"}
    db.session.expire_all()
    house = db.session.get(House, stay.house.id)
    # double-blind: the stars count once the host has reviewed too or the window closed (tests/api/test_reviews.py)
    assert (house.order_count, house.rating_sum, house.rating_count) == (1, 0, 0)


@pytest.mark.parametrize("body", [{"comment": "", "rating": 3}, {"comment": "x" * 501, "rating": 3},
                                  {"comment": "ok", "rating": 0}, {"comment": "ok", "rating": 6},
                                  {"comment": "ok"}, {"rating": 3}])
def test_bad_reviews_are_4103(stay, body):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_COMMENT)
    stay.guest_api.put(f"/orders/{order.id}/comment", json=body).expect(400, "4103")


def test_review_outside_wait_comment_is_409(stay):
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "ok", "rating": 3}).expect(409, "4004")


def test_review_by_someone_else_is_4105_and_unknown_is_404(stay):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_COMMENT)
    stay.host_api.put(f"/orders/{order.id}/comment", json={"comment": "ok", "rating": 3}).expect(403, "4105")
    stay.guest_api.put("/orders/999999/comment", json={"comment": "ok", "rating": 3}).expect(404, "4002")


# ---- GET /user/orders -------------------------------------------------------------------------------------

def test_my_orders_as_guest_and_as_host(stay):
    house = make_house(owner=stay.host, images=1, title="With photo")
    house_id = house.id
    first = stay.book(start_in=1).expect(201).data["order_id"]
    second = stay.guest_api.post("/orders", json={"house_id": house_id, "start_date": day(1),
                                                  "end_date": day(3)}).expect(201).data["order_id"]
    mine = stay.guest_api.get("/user/orders").expect(200).data["orders"]
    assert [o["order_id"] for o in mine] == [second, first]
    assert mine[0] == {
        "order_id": second, "house_id": house_id, "title": "With photo", "img_url": mine[0]["img_url"],
        "start_date": day(1), "end_date": day(3), "ctime": mine[0]["ctime"], "days": 2, "amount": 42000,
        "status": "WAIT_ACCEPT", "comment": None, "rating": None, "reject_reason": None,
        # the review fields (tests/api/test_reviews.py)
        "host_review": None, "reply": None, "reviews_public": False, "review_window_ends": day(3 + 14),
        "can_review_guest": False, "can_reply": False, "guest_reviews": None,
        "guests": 1, "guest": None,  # my own bookings: no guest card
    }
    assert mine[0]["img_url"].endswith(f"houses/{house_id}-0-thumb.jpg")
    assert mine[1]["img_url"] is None
    hosted = stay.host_api.get("/user/orders?role=landlord").expect(200).data["orders"]
    assert [o["order_id"] for o in hosted] == [second, first]
    mobile = stay.guest.mobile
    assert hosted[0]["guest"] == {"user_id": stay.guest.id, "name": stay.guest.name, "avatar_url": None,
                                  "verified": False, "mobile": f"{mobile[:3]}****{mobile[-4:]}"}  # not paid yet
    assert stay.guest_api.get("/user/orders?role=landlord").expect(200).data["orders"] == []
    assert stay.guest_api.get("/user/orders?role=custom").expect(200).data["orders"] == mine


def test_my_orders_with_a_bad_role_is_4103(stay):
    assert "role" in stay.guest_api.get("/user/orders?role=boss").expect(400, "4103").fields


def test_my_orders_needs_login(api):
    api.get("/user/orders").expect(401, "4101")

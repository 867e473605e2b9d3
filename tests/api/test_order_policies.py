"""Cancellation policies on houses and orders, the host's cancel, and GET /orders/{id} with its privacy rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments import service as payments
from tests.factories.accounts import make_user
from tests.factories.orders import add_event, make_order
from tests.support.api_client import ApiClient

S = OrderStatus
HOUSE = {"title": "Quiet courtyard", "price": 30000, "area_id": 1, "address": "3 Hutong"}


def client_of(app, user) -> ApiClient:
    client, user_id = app.test_client(), user.id
    with client.session_transaction() as session:
        session["user_id"] = user_id
    return ApiClient(client)


def events_of(order_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order_id))


# ---- the house's policy ----------------------------------------------------------------------------------

def test_a_house_is_moderate_unless_its_owner_chooses(host_api):
    house_id = host_api.post("/houses", json=HOUSE).expect(201).data["house_id"]
    assert host_api.get(f"/houses/{house_id}").expect(200).data["house"]["cancellation_policy"] == "moderate"
    strict_id = host_api.post("/houses", json={**HOUSE, "cancellation_policy": "strict"}).expect(201).data["house_id"]
    assert db.session.get(House, strict_id).cancellation_policy == "strict"


def test_the_owner_changes_the_policy_and_it_shows_on_the_detail(host_api):
    house_id = host_api.post("/houses", json=HOUSE).expect(201).data["house_id"]
    host_api.put(f"/houses/{house_id}", json={"cancellation_policy": "flexible"}).expect(200)
    assert host_api.get(f"/houses/{house_id}").expect(200).data["house"]["cancellation_policy"] == "flexible"


@pytest.mark.parametrize("value", ["lenient", "", 3, ["strict"]])
def test_an_unknown_policy_is_refused_naming_the_field(host_api, value):
    house_id = host_api.post("/houses", json=HOUSE).expect(201).data["house_id"]
    response = host_api.put(f"/houses/{house_id}", json={"cancellation_policy": value}).expect(400, "4103")
    assert "cancellation_policy" in response.data["fields"]
    db.session.expire_all()
    assert db.session.get(House, house_id).cancellation_policy == "moderate"


def test_the_house_page_and_the_booking_page_show_the_policy(app, stay):
    stay.house.cancellation_policy = "flexible"
    db.session.merge(stay.house)
    db.session.commit()
    page = stay.guest_api.client.get(f"/houses/{stay.house.id}").get_data(as_text=True)
    assert 'id="cancellation-policy"' in page and "灵活" in page
    book = stay.guest_api.client.get(f"/houses/{stay.house.id}/book").get_data(as_text=True)
    assert 'data-policy="flexible"' in book and 'data-days="1"' in book and "免费取消至 {date}" in book


def test_the_order_keeps_the_policy_it_was_booked_under(stay, db):
    order_id = stay.book(start_in=3).expect(201).data["order_id"]
    stay.host_api.put(f"/houses/{stay.house.id}", json={"cancellation_policy": "strict"}).expect(200)
    db.session.expire_all()
    assert db.session.get(Order, order_id).cancellation_policy == "moderate"
    assert stay.guest_api.get(f"/orders/{order_id}").expect(200).data["cancellation_policy"] == "moderate"


# ---- the host's cancel -----------------------------------------------------------------------------------

def test_the_host_cancels_an_unpaid_booking_with_a_reason(stay, texts, monkeypatch):
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: pytest.fail("nothing was paid"))
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_PAYMENT, start=clock.today() + timedelta(3))
    data = stay.host_api.put(f"/orders/{order.id}/status",
                             json={"action": "host_cancel", "reason": "  Double-booked elsewhere "}).expect(200).data
    assert data == {"order_id": order.id, "status": "CANCELED"}
    event = db.session.execute(select(OrderEvent).where(OrderEvent.order_id == order.id)).scalar_one()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "WAIT_PAYMENT", "CANCELED", f"user:{stay.host.id}", "Double-booked elsewhere")
    assert [mobile for mobile, _body in texts] == [stay.guest.mobile]
    detail = stay.guest_api.get(f"/orders/{order.id}").expect(200).data
    assert detail["events"][-1]["actor_role"] == "host" and detail["refund"] is None


def test_the_host_cancels_a_paid_stay_and_it_is_refunded_in_full(stay, monkeypatch):
    asked = []
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **kwargs: asked.append(kwargs))
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(1),
                       cancellation_policy="strict")
    stay.host_api.put(f"/orders/{order.id}/status", json={"action": "host_cancel", "reason": "Flood"}).expect(200)
    assert asked == [{"order_id": order.id, "reason": "cancelled by the host before check-in"}]  # amount: all


@pytest.mark.parametrize(("status", "start_in"), [
    (S.WAIT_ACCEPT, 3), (S.CANCELED, 3), (S.REJECTED, 3), (S.WAIT_COMMENT, -2), (S.COMPLETE, -2),
    (S.PAID, 0), (S.WAIT_PAYMENT, 0), (S.PAID, -1),  # on or after check-in
])
def test_a_host_cancel_outside_its_states_or_from_check_in_is_409_and_changes_nothing(stay, monkeypatch, status,
                                                                                      start_in):
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: pytest.fail("no refund"))
    order = make_order(house=stay.house, guest=stay.guest, status=status, start=clock.today() + timedelta(start_in))
    stay.host_api.put(f"/orders/{order.id}/status", json={"action": "host_cancel", "reason": "r"}).expect(409, "4004")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == status.value and events_of(order.id) == 0


def test_only_the_host_may_host_cancel(app, stay, monkeypatch):
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: pytest.fail("no refund"))
    order_id = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(3)).id
    for api in (stay.guest_api, client_of(app, make_user())):
        api.put(f"/orders/{order_id}/status", json={"action": "host_cancel", "reason": "r"}).expect(403, "4105")
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "PAID" and events_of(order_id) == 0


def test_a_host_cancel_needs_a_reason(stay):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_PAYMENT, start=clock.today() + timedelta(3))
    response = stay.host_api.put(f"/orders/{order.id}/status", json={"action": "host_cancel"}).expect(400, "4103")
    assert response.data["fields"]["reason"] == ["取消预订须填写原因"]
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "WAIT_PAYMENT" and events_of(order.id) == 0


# ---- GET /orders/{id} ------------------------------------------------------------------------------------

def test_the_guest_sees_the_order_with_their_own_mobile_and_no_payout(stay):
    order_id = stay.book(start_in=10, nights=3).expect(201).data["order_id"]
    data = stay.guest_api.get(f"/orders/{order_id}").expect(200).data
    start = clock.today() + timedelta(days=10)
    assert {k: data[k] for k in ("order_id", "status", "days", "guests", "subtotal", "service_fee", "amount",
                                 "host_payout", "cancellation_policy", "viewer_role", "conversation_id")} == {
        "order_id": order_id, "status": "WAIT_ACCEPT", "days": 3, "guests": 1, "subtotal": 60000,
        "service_fee": 3000, "amount": 63000, "host_payout": None, "cancellation_policy": "moderate",
        "viewer_role": "guest", "conversation_id": None}
    assert data["full_refund_until"] == (start - timedelta(days=5)).isoformat()
    assert data["guest"]["mobile"] == stay.guest.mobile and data["guest"]["user_id"] == stay.guest.id
    assert data["events"] == [{"from_status": None, "to_status": "WAIT_ACCEPT", "actor_role": "guest", "note": None,
                               "at": data["events"][0]["at"]}]
    assert data["refund"] is None


def test_the_host_sees_the_payout_and_a_masked_mobile_until_the_order_is_paid(stay):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_PAYMENT, start=clock.today() + timedelta(3))
    data = stay.host_api.get(f"/orders/{order.id}").expect(200).data
    mobile = stay.guest.mobile
    assert data["guest"]["mobile"] == f"{mobile[:3]}****{mobile[-4:]}" != mobile
    assert data["host_payout"] == 38800 and data["viewer_role"] == "host"
    add_event(order=order, from_status=S.WAIT_PAYMENT, to_status=S.PAID, actor="system:alipay")
    add_event(order=order, from_status=S.PAID, to_status=S.CANCELED, actor=f"user:{stay.guest.id}")
    data = stay.host_api.get(f"/orders/{order.id}").expect(200).data  # it reached PAID once: shown
    assert data["guest"]["mobile"] == mobile
    assert [(e["to_status"], e["actor_role"]) for e in data["events"]] == [("PAID", "system"), ("CANCELED", "guest")]


def test_an_administrator_sees_any_order(app, stay, admin_api):
    order = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_ACCEPT)
    data = admin_api.get(f"/orders/{order.id}").expect(200).data
    assert data["viewer_role"] == "admin" and data["host_payout"] == 38800
    assert data["guest"]["mobile"] == stay.guest.mobile


def test_the_order_detail_names_the_conversation(stay):
    order_id = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_ACCEPT).id
    conversation_id = stay.guest_api.post(f"/houses/{stay.house.id}/conversation",
                                          json={"text": "Is there parking?"}).expect(201).data["conversation_id"]
    assert stay.host_api.get(f"/orders/{order_id}").expect(200).data["conversation_id"] == conversation_id


def test_anyone_else_gets_4105_and_an_unknown_order_404(app, stay, api):
    order_id = make_order(house=stay.house, guest=stay.guest).id
    client_of(app, make_user()).get(f"/orders/{order_id}").expect(403, "4105")
    stay.guest_api.get("/orders/99999999").expect(404, "4002")
    api.get(f"/orders/{order_id}").expect(401, "4101")


def test_the_house_form_offers_the_policies_with_the_house_s_own_selected(host_api):
    house_id = host_api.post("/houses", json={**HOUSE, "cancellation_policy": "strict"}).expect(201).data["house_id"]
    page = host_api.client.get(f"/my/houses/{house_id}/edit").get_data(as_text=True)
    assert 'name="cancellation_policy"' in page
    assert '<option value="strict" selected>' in page and '<option value="moderate" >' in page


def test_a_guest_cancel_of_a_paid_stay_texts_the_refund_to_the_guest_and_the_host(stay, texts, monkeypatch):
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **_: [])
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(2),
                       nights=3)  # moderate, 2 days before: half of 60000 back
    stay.guest_api.put(f"/orders/{order.id}/status", json={"action": "cancel"}).expect(200)
    assert [mobile for mobile, _body in texts] == [stay.guest.mobile, stay.host.mobile]
    assert "¥300" in texts[0][1] and "适中" in texts[0][1]

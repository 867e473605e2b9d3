"""The gateway simulator through the test client: cashier page, decisions, API calls, refunds list."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ihome.integrations.payments import get_payment_gateway
from tests.support.payments_fixtures import payment_of

NOTIFY = "/api/v1.0/payments/alipay/notify"


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    """Notifications the simulator would post (captured instead of sent from a thread)."""
    from ihome.payments.simulator import gateway

    captured: list[tuple[str, dict]] = []
    monkeypatch.setattr(gateway, "_send_notification", lambda url, data: captured.append((url, dict(data))))
    return captured


def cashier_path(case) -> str:
    url = case.api.post(f"/orders/{case.order}/payment").expect(200).data["pay_url"]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_cashier_shows_the_amount_and_pays(app, client, awaiting_payment, sent):
    case = awaiting_payment(price=12345, nights=1)  # 123.45 yuan + the 5 % fee 6.17 = 129.62
    path = cashier_path(case)
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-cashier-amount>129.62<" in html and 'data-decision="pay"' in html
    assert "付款" in html  # zh-CN by default
    response = client.post(path, data={"decision": "pay"})  # no CSRF token, like Alipay's page
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/pay/complete"
    params = dict(parse_qsl(location.query))
    assert "trade_status" not in params
    assert params["total_amount"] == "129.62"
    with app.test_request_context():
        assert get_payment_gateway().verify(params, params["sign"])
    # the notification went to the notify URL; delivering it pays the order
    [(url, notice)] = sent
    assert url == "http://localhost/api/v1.0/payments/alipay/notify"
    assert notice["trade_status"] == "TRADE_SUCCESS"
    assert client.post(NOTIFY, data=notice).text == "success"
    assert case.api.put("/order/payment", json=params).expect(200).data["status"] == "PAID"
    # paying again does not charge twice; notify-again resends the same notice
    assert client.post(path, data={"decision": "pay"}).status_code == 302
    assert client.post(path, data={"decision": "notify-again"}).status_code == 200
    assert [n["notify_id"] for _, n in sent] == [notice["notify_id"]] * 2


def test_cancel_leaves_the_trade_payable(client, awaiting_payment, sent):
    case = awaiting_payment()
    path = cashier_path(case)
    html = client.post(path, data={"decision": "cancel"}).get_data(as_text=True)
    assert "data-cashier-cancelled" in html and "http://localhost/my/orders" in html
    assert 'data-decision="pay"' in html
    assert sent == []


def test_a_tampered_pay_url_is_refused(client, awaiting_payment):
    case = awaiting_payment(price=12345, nights=1)
    path = cashier_path(case).replace("129.62", "0.01")
    response = client.get(path)
    assert response.status_code == 400
    assert "data-cashier-error" in response.get_data(as_text=True)


def test_unsigned_api_calls_get_an_unsigned_error(client):
    body = json.loads(client.get("/dev/alipay/gateway?method=alipay.trade.query&app_id=1&sign=x").data)
    assert body["error_response"]["sub_code"] == "isv.invalid-signature"


def test_queries_through_the_real_sdk(app, client, awaiting_payment, sdk_transport, sent):
    case = awaiting_payment()
    path = cashier_path(case)
    with app.test_request_context():
        out_trade_no = payment_of(case.order).out_trade_no
        gateway = get_payment_gateway()
        assert gateway.query(out_trade_no)["sub_code"] == "ACQ.TRADE_NOT_EXIST"
    client.get(path)  # the buyer opens the cashier: the trade exists, unpaid
    with app.test_request_context():
        assert gateway.query(out_trade_no)["trade_status"] == "WAIT_BUYER_PAY"
    client.post(path, data={"decision": "pay"})
    with app.test_request_context():
        answer = gateway.query(out_trade_no)
        assert (answer["code"], answer["trade_status"]) == ("10000", "TRADE_SUCCESS")
        assert gateway.close(out_trade_no)["sub_code"] == "ACQ.TRADE_STATUS_ERROR"  # a paid trade stays paid
    assert client.get("/dev/alipay/refunds.json").get_json() == []


def test_the_simulator_is_registered_only_outside_production(app):
    from flask import Flask

    from ihome.payments.simulator import gateway

    assert "/dev/alipay/gateway" in {r.rule for r in app.url_map.iter_rules()}
    production = Flask("production")
    production.config["PRODUCTION"] = True
    gateway.register(production)
    assert not any(r.rule.startswith("/dev/alipay") for r in production.url_map.iter_rules())


def test_the_return_page_renders_in_both_languages(client):
    html = client.get("/pay/complete?out_trade_no=x").get_data(as_text=True)
    assert "支付结果" in html and 'data-page="pay-complete"' in html and "js/payments/complete.js" in html
    assert "Payment result" in client.get("/pay/complete?lang=en").get_data(as_text=True)

"""The simulator's independent RSA2 code and python-alipay-sdk agree, both ways."""

from __future__ import annotations

from urllib.parse import parse_qsl

from alipay import AliPay

from ihome.integrations.payments import AlipayGateway
from ihome.payments.simulator import signing


def sdk(keys) -> AlipayGateway:
    return AlipayGateway(app_id="2016000000000000", app_private_key=keys.app_private_pem,
                         alipay_public_key=keys.simulator_public_pem, gateway="http://sim/gateway")


def test_the_sdk_verifies_what_the_simulator_signs(alipay_keys):
    params = signing.signed_params({"out_trade_no": "ih1-a", "total_amount": "1.00", "subject": "家 & 房"},
                                   alipay_keys.simulator_private_pem)
    gateway = sdk(alipay_keys)
    assert gateway.verify(dict(params), params["sign"])
    assert not gateway.verify({**params, "total_amount": "1.01"}, params["sign"])
    assert not gateway.verify(dict(params), "not-base64!")
    assert not gateway.verify({**params, "sign_type": "RSA"}, params["sign"])


def test_the_simulator_verifies_what_the_sdk_signs(alipay_keys):
    url = sdk(alipay_keys).page_pay_url(out_trade_no="ih1-a", total_amount="370.35", subject="一间房",
                                        return_url="http://x/pay/complete", notify_url="http://x/notify")
    query = dict(parse_qsl(url.split("?", 1)[1]))
    text = signing.unsigned_string(query, drop_sign_type=False)
    assert signing.verify(text, query["sign"], alipay_keys.app_public_pem)
    assert not signing.verify(text.replace("370.35", "0.01"), query["sign"], alipay_keys.app_public_pem)
    assert not signing.verify(text, query["sign"], alipay_keys.simulator_public_pem)


def test_signed_responses_pass_the_sdks_sync_check(alipay_keys):
    client = AliPay(appid="1", app_private_key_string=alipay_keys.app_private_pem,
                    alipay_public_key_string=alipay_keys.simulator_public_pem)
    body = {"code": "10000", "msg": "Success", "out_trade_no": "ih1-a", "trade_status": "TRADE_SUCCESS"}
    raw = signing.signed_response("alipay.trade.query", body, alipay_keys.simulator_private_pem)
    assert client._verify_and_return_sync_response(raw, "alipay_trade_query_response") == body

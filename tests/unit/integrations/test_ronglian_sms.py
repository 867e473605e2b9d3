"""The Ronglian backend against a local server speaking Ronglian's request and response format."""

from __future__ import annotations

import base64
import hashlib
import re
import socket

import pytest

from ihome.integrations.ronglian_sms import RonglianSms
from ihome.integrations.sms import SmsError, build_sms_backend
from tests.unit.integrations.fake_ronglian import APP_ID, SID, TOKEN, FakeRonglian, running


def backend(url: str) -> RonglianSms:
    return RonglianSms(account_sid=SID, auth_token=TOKEN, app_id=APP_ID, template_id="1", base_url=url)


def test_sends_a_signed_template_request():
    with running(FakeRonglian()) as fake:
        backend(fake.url).send("13800138000", "your code is 123456", params=["123456", "5"])
    (request,) = fake.requests
    assert request["body"] == {"to": "13800138000", "appId": APP_ID, "templateId": "1", "datas": ["123456", "5"]}
    sid, timestamp = base64.b64decode(request["headers"]["Authorization"]).decode().split(":")
    assert sid == SID and re.fullmatch(r"\d{14}", timestamp)
    assert request["headers"]["Accept"] == "application/json"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_without_params_the_body_is_the_only_template_value():
    with running(FakeRonglian()) as fake:
        backend(fake.url).send("13800138000", "order accepted")
    assert fake.requests[0]["body"]["datas"] == ["order accepted"]


def test_signature_is_md5_of_sid_token_timestamp_upper_case():
    sms = backend("http://127.0.0.1:1")
    expected = hashlib.md5(f"{SID}{TOKEN}20260101120000".encode(), usedforsecurity=False).hexdigest().upper()
    assert sms.signature("20260101120000") == expected
    assert sms.authorization("20260101120000") == base64.b64encode(f"{SID}:20260101120000".encode()).decode()


def test_a_wrong_token_is_a_final_error():
    with running(FakeRonglian()) as fake:
        wrong = RonglianSms(account_sid=SID, auth_token="wrong", app_id=APP_ID, template_id="1", base_url=fake.url)
        with pytest.raises(SmsError) as error:
            wrong.send("13800138000", "x")
    assert not error.value.retryable and "111113" in str(error.value)


def test_business_error_codes_are_not_retried():
    answer = {"statusCode": "160040", "statusMsg": "验证码超出同号码每天发送上限"}
    with running(FakeRonglian(answers=[(200, answer)])) as fake, pytest.raises(SmsError) as error:
        backend(fake.url).send("13800138000", "x")
    assert not error.value.retryable and "160040" in str(error.value)


@pytest.mark.parametrize("answer", [(500, {"statusCode": "172001", "statusMsg": "网络错误"}),
                                    (503, "<html>busy</html>")])
def test_server_errors_are_retryable(answer):
    with running(FakeRonglian(answers=[answer])) as fake, pytest.raises(SmsError) as error:
        backend(fake.url).send("13800138000", "x")
    assert error.value.retryable


def test_an_answer_that_is_not_json_is_retryable():
    with running(FakeRonglian(answers=[(200, "not json")])) as fake, pytest.raises(SmsError) as error:
        backend(fake.url).send("13800138000", "x")
    assert error.value.retryable


def test_an_unreachable_host_is_retryable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(SmsError) as error:
        backend(f"http://127.0.0.1:{port}").send("13800138000", "x")
    assert error.value.retryable


def test_build_from_config(app, monkeypatch):
    config = dict(app.config, SMS_BACKEND="ronglian", RONGLIAN_ACCOUNT_SID=SID, RONGLIAN_AUTH_TOKEN=TOKEN,
                  RONGLIAN_APP_ID=APP_ID, RONGLIAN_TEMPLATE_ID="7", RONGLIAN_BASE_URL="http://127.0.0.1:9/")
    monkeypatch.setattr(app, "config", config)
    built = build_sms_backend(app)
    assert isinstance(built, RonglianSms) and built.template_id == "7" and built.base_url == "http://127.0.0.1:9"


def test_missing_credentials_are_refused():
    with pytest.raises(ValueError, match="IHOME_RONGLIAN_AUTH_TOKEN"):
        RonglianSms.from_config({"RONGLIAN_ACCOUNT_SID": SID, "RONGLIAN_APP_ID": APP_ID})

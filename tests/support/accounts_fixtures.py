"""Fixtures of the accounts domain (registered in tests/conftest.py through pytest_plugins)."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from tests.conftest import login
from tests.factories.accounts import make_user


def png_bytes(size: tuple[int, int] = (400, 300), color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A real PNG drawn with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def issue_image_code(api, redis) -> tuple[str, str]:
    """Ask for a captcha as a browser does; returns (its id, the answer read from Redis)."""
    code_id = str(uuid.uuid4())
    response = api.client.get(f"/api/v1.0/image_codes/{code_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    return code_id, redis.get(f"ihome:image_code:{code_id}").decode()


def request_sms_code(api, redis, mobile: str) -> str:
    """Pass the captcha, ask for an SMS code for ``mobile``; returns the code from the outbox."""
    from ihome.integrations.sms import OUTBOX_KEY

    code_id, answer = issue_image_code(api, redis)
    api.post("/sms_codes", json={"mobile": mobile, "image_code": answer, "image_code_id": code_id}).expect(200)
    return redis.hget(f"ihome:sms_code:{mobile}", "code").decode() if redis.llen(OUTBOX_KEY) else ""


@pytest.fixture
def sms_code(api, redis, unique_mobile) -> tuple[str, str]:
    """(mobile, a valid SMS code for it), requested through the API."""
    return unique_mobile, request_sms_code(api, redis, unique_mobile)


@pytest.fixture
def user(app):
    """A registered user (not verified), committed; password ``DEFAULT_PASSWORD``."""
    with app.app_context():
        person = make_user()
        return {"id": person.id, "mobile": person.mobile, "name": person.name}


@pytest.fixture
def user_api(api, user):
    """The API as ``user``, logged in."""
    login(api.client, user["id"])
    return api


def live_client(live):
    """A ``requests`` session against the live server that sends the CSRF header like the pages do."""
    import requests

    session = requests.Session()
    session.get(live.url + "/healthz", timeout=10)
    session.headers["X-CSRFToken"] = session.cookies["csrf_token"]
    return session


def live_sms_code(live, mobile: str) -> str:
    """Register-ready SMS code on the live server: captcha via the test code, code read from the outbox."""
    session = live_client(live)
    code_id = str(uuid.uuid4())
    assert session.get(f"{live.url}/api/v1.0/image_codes/{code_id}", timeout=10).status_code == 200
    answer = session.post(f"{live.url}/api/v1.0/sms_codes", timeout=10,
                          json={"mobile": mobile, "image_code": "TEST", "image_code_id": code_id})
    assert answer.status_code == 200, answer.text
    return outbox_code(live, mobile)


def outbox_code(live, mobile: str, timeout: float = 15.0) -> str:
    """The newest code sent to ``mobile``, read from ``/dev/outbox.json`` (the worker sends it)."""
    import re
    import time

    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in requests.get(live.url + "/dev/outbox.json", timeout=10).json() if m["mobile"] == mobile]
        if messages:
            return re.search(r"\d{6}", messages[-1]["body"]).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no SMS for {mobile} in the outbox")

"""Crafted inputs that once answered 500: each now gets a 4xx in the envelope (or a safe page).

Issue 9, section 3. The JSON layer (``core/inputs.py``) refuses lone surrogates, NUL characters
and deep nesting for every route; codes and CSRF tokens are compared as bytes; dates that would
overflow are refused as fields; list sizes are bounded in the schemas.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from sqlalchemy import func, select

from ihome.accounts.models import User
from ihome.houses.models import House, HouseImage
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.support.accounts_fixtures import issue_image_code

API = "/api/v1.0"
ARABIC_INDIC = "١٢٣٤٥٦"


def raw_json(api, method: str, path: str, body: str | bytes):
    """Send ``body`` exactly as given (``json=`` would escape or refuse what we mean to send)."""
    return api.request(method, path, data=body, content_type="application/json")


def ihdr_iend_png() -> bytes:
    """A PNG with a header and an end chunk but no image data: Pillow opens it and fails to decode it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


# ---- codes compared as bytes -----------------------------------------------------------------------------

def test_a_non_ascii_image_code_is_wrong_not_a_crash(api, redis, unique_mobile):
    code_id, _answer = issue_image_code(api, redis)
    result = api.post("/sms_codes", json={"mobile": unique_mobile, "image_code": "١٢٣٤", "image_code_id": code_id})
    result.expect(400, "4004")
    assert "image_code" in result.fields
    assert redis.exists(f"ihome:image_code:{code_id}") == 0  # spent, like any wrong answer


def test_arabic_indic_digits_are_a_wrong_sms_code(api, redis, sms_code):
    mobile, code = sms_code
    body = {"mobile": mobile, "sms_code": ARABIC_INDIC, "password": "s3cret-pass", "password2": "s3cret-pass"}
    api.post("/users", json=body).expect(400, "4004")
    assert redis.hget(f"ihome:sms_code:{mobile}", "tries") == b"1"


@pytest.mark.parametrize("where", ["header", "cookie"])
def test_a_non_ascii_csrf_token_is_refused(client, where):
    client.get("/healthz")
    token = client.get_cookie("csrf_token").value
    header, cookie = (("é" + token[1:]), token) if where == "header" else (token, ARABIC_INDIC)
    client.set_cookie("csrf_token", cookie)
    response = client.post(API + "/sessions", json={"mobile": "13800138000", "password": "x"},
                           headers={"X-CSRFToken": header})
    assert response.status_code == 400 and response.json["errno"] == "4004", response.data


# ---- dates -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["start=9999-12-31", "start=9999-12-01&end=9999-12-31", "end=0001-01-01",
                                   "start=0001-01-01&end=0001-01-02"])
def test_calendar_dates_at_the_ends_of_time(api, db, query):
    house = make_house()
    result = api.get(f"/houses/{house.id}/calendar?{query}").expect(400, "4103")
    assert set(result.fields) <= {"start", "end"} and result.fields


# ---- the JSON layer: surrogates, NUL, nesting ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/sessions", "/users", "/sms_codes"])
def test_a_lone_surrogate_in_a_text_field_is_refused(api, path):
    result = raw_json(api, "POST", path, '{"mobile": "\\ud800", "password": "x", "sms_code": "1"}')
    result.expect(400, "4103")
    assert "surrogate" in result.errmsg or "代理" in result.errmsg or result.fields


def test_a_lone_surrogate_in_a_key_or_deep_inside_is_refused(user_api):
    raw_json(user_api, "PUT", "/user/name", '{"name": "ok", "\\udc80": 1}').expect(400, "4103")
    raw_json(user_api, "PUT", "/user/name", '{"name": ["a", {"b": "\\udbff"}]}').expect(400, "4103")


def test_a_nul_character_in_a_text_field_is_refused_and_nothing_changes(user_api, db, user):
    result = user_api.put("/user/name", json={"name": "a\u0000b"}).expect(400, "4103")
    assert result.fields == {"name": [result.fields["name"][0]]}
    assert db.session.get(User, user["id"]).name == user["name"]


def test_a_nul_character_in_the_login_mobile_is_refused(api):
    api.post("/sessions", json={"mobile": "1380013800\u0000", "password": "x"}).expect(400, "4103")


def test_a_nul_character_in_a_house_title_is_refused(host_api, db, host):
    body = {"title": "a\x00", "price": 100, "area_id": 1, "address": "x"}
    host_api.post("/houses", json=body).expect(400, "4103")
    assert db.session.scalar(select(func.count()).select_from(House).where(House.user_id == host.id)) == 0


def test_a_nul_character_in_a_query_string_is_refused(api):
    api.get("/houses?sk=new%00").expect(400, "4103")
    api.get("/houses?aid=%00").expect(400, "4103")


@pytest.mark.parametrize("body", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000,
                                  '{"mobile": ' + "[" * 100_000 + "]" * 100_000 + "}"])
def test_json_nested_deeply_is_refused(api, body):
    result = raw_json(api, "POST", "/sessions", body).expect(400, "4103")
    assert result.data is None


def test_json_nested_a_little_is_still_an_ordinary_validation_error(api):
    result = raw_json(api, "POST", "/sessions", '{"mobile": [[[1]]], "password": "x"}').expect(400, "4103")
    assert "mobile" in result.fields


def test_malformed_utf8_is_refused(api):
    raw_json(api, "POST", "/sessions", b'{"mobile": "\xff\xfe", "password": "x"}').expect(400, "4103")


# ---- images --------------------------------------------------------------------------------------------------

def test_a_png_with_only_ihdr_and_iend_is_not_a_photo(host_api, db, host):
    house = make_house(owner=db.session.get(User, host.id))
    result = host_api.post(f"/houses/{house.id}/images", content_type="multipart/form-data",
                           data={"house_image": (io.BytesIO(ihdr_iend_png()), "empty.png")}).expect(400, "4103")
    assert "house_image" in result.fields
    assert db.session.scalar(select(func.count()).select_from(HouseImage)
                             .where(HouseImage.house_id == house.id)) == 0


def test_a_png_with_only_ihdr_and_iend_is_not_an_avatar(user_api, db, user):
    result = user_api.post("/user/avatar", content_type="multipart/form-data",
                           data={"avatar": (io.BytesIO(ihdr_iend_png()), "empty.png")}).expect(400, "4103")
    assert "avatar" in result.fields
    assert db.session.get(User, user["id"]).avatar_key is None


# ---- pages -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%0d%0aX:y", "/%0aX:y", "/my%09x", "/%7f"])
def test_login_next_with_control_characters_goes_home(client, app, target):
    with app.app_context():
        user_id = make_user().id
    login(client, user_id)
    response = client.get(f"/login?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/my"
    assert "X" not in response.headers


# ---- sizes -------------------------------------------------------------------------------------------------------

def test_400000_facility_ids_are_a_400_not_a_503(host_api, db, host):
    body = {"title": "t", "price": 100, "area_id": 1, "address": "x", "facility": list(range(1, 400_001))}
    result = host_api.post("/houses", json=body).expect(400, "4103")
    assert "facility" in result.fields
    assert db.session.scalar(select(func.count()).select_from(House).where(House.user_id == host.id)) == 0


# ---- ids -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [("GET", "/houses/{id}"), ("GET", "/houses/{id}/calendar"),
                                              ("POST", "/orders/{id}/payment"), ("PUT", "/orders/{id}/status")])
@pytest.mark.parametrize("house_or_order_id", [2**31 - 1, 2**31, 4695555924753, 10**18])
def test_ids_past_32_bits_are_not_found(user_api, method, path, house_or_order_id):
    """PostgreSQL ids are 32-bit: a larger one once reached the database and answered 500 there."""
    result = user_api.request(method, path.format(id=house_or_order_id), json={"action": "cancel"})
    assert (result.status, result.errno) == (404, "4002")


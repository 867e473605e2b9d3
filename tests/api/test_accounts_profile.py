"""Profile, avatar and real-name verification: GET /user, PUT /user/name, POST /user/avatar, /user/auth."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image

from ihome.accounts.models import User
from tests.factories.accounts import make_user
from tests.support.accounts_fixtures import png_bytes

VALID_ID = "11010519491231002X"


def test_profile_of_the_logged_in_user(user_api, user):
    data = user_api.get("/user").expect(200).data
    assert data["user_id"] == user["id"] and data["mobile"] == user["mobile"] and data["name"] == user["name"]
    assert data["avatar_url"] is None and data["real_name_verified"] is False
    assert data["create_time"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/user"), ("PUT", "/user/name"), ("POST", "/user/avatar"),
                                              ("GET", "/user/auth"), ("POST", "/user/auth")])
def test_profile_endpoints_need_login(api, method, path):
    api.request(method, path, json={"name": "x"} if method == "PUT" else None).expect(401, "4101")


# ---- name ------------------------------------------------------------------------------------------------

def test_rename(user_api, db, user):
    assert user_api.put("/user/name", json={"name": "  小明  "}).expect(200).data == {"name": "小明"}
    assert db.session.get(User, user["id"]).name == "小明"


def test_names_are_unique(user_api, app):
    with app.app_context():
        make_user(name="taken-name")
    result = user_api.put("/user/name", json={"name": "taken-name"}).expect(409, "4003")
    assert "name" in result.fields


def test_another_persons_mobile_is_not_a_name(user_api):
    user_api.put("/user/name", json={"name": "13900000000"}).expect(400, "4103")


def test_your_own_mobile_is_not_a_name_either_and_the_name_stays(user_api, user, db):
    result = user_api.put("/user/name", json={"name": user["mobile"]}).expect(400, "4103")
    assert "name" in result.fields
    assert db.session.get(User, user["id"]).name == user["name"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 33])
def test_name_length(user_api, name):
    user_api.put("/user/name", json={"name": name}).expect(400, "4103")


def test_rename_needs_the_csrf_header(client, user):
    from tests.conftest import login

    login(client, user["id"])
    response = client.put("/api/v1.0/user/name", json={"name": "new-name"})
    assert response.status_code == 400 and response.get_json()["errno"] == "4004"


# ---- avatar ----------------------------------------------------------------------------------------------

def upload(api, data: bytes, filename: str = "me.png"):
    return api.post("/user/avatar", data={"avatar": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_avatar_is_stored_as_a_200px_jpeg(user_api, app, db, user, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 30)).save(buffer, fmt)
    url = upload(user_api, buffer.getvalue(), f"me.{fmt.lower()}").expect(200).data["avatar_url"]
    key = db.session.get(User, user["id"]).avatar_key
    assert url == f"/media/{key}" and key.startswith("avatars/") and key.endswith(".jpg")
    stored = Image.open(Path(app.instance_path) / "uploads" / key)
    assert (stored.format, stored.size) == ("JPEG", (200, 200))
    assert user_api.get("/user").expect(200).data["avatar_url"] == url
    assert user_api.client.get(url).status_code == 200


def test_avatar_drops_exif_and_gps(user_api, app, db, user):
    image = Image.new("RGB", (300, 300), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()
    upload(user_api, buffer.getvalue(), "gps.jpg").expect(200)
    key = db.session.get(User, user["id"]).avatar_key
    stored = Image.open(Path(app.instance_path) / "uploads" / key)
    assert not stored.getexif() and "exif" not in stored.info


def test_fake_image_is_refused(user_api, db, user):
    result = upload(user_api, b"GIF89a not really" + b"\0" * 100, "fake.png").expect(400, "4103")
    assert "avatar" in result.fields
    assert db.session.get(User, user["id"]).avatar_key is None


def test_gif_is_refused(user_api):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    upload(user_api, buffer.getvalue(), "a.gif").expect(400, "4103")


def test_oversized_avatar_is_refused(user_api, app, monkeypatch):
    monkeypatch.setitem(app.config, "AVATAR_MAX_MB", 1)
    data = png_bytes() + b"\0" * (1024 * 1024)
    upload(user_api, data).expect(400, "4103")


def test_decompression_bomb_is_refused(user_api, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_AVATAR_PIXELS", 100 * 100)
    upload(user_api, png_bytes((200, 200))).expect(400, "4103")


def test_missing_avatar_field(user_api):
    result = user_api.post("/user/avatar", data={}, content_type="multipart/form-data").expect(400, "4103")
    assert "avatar" in result.fields


# ---- real-name verification ------------------------------------------------------------------------------

def test_real_name_is_set_once_and_shown_masked(user_api, db, user, caplog):
    assert user_api.get("/user/auth").expect(200).data == {"real_name": None, "id_card": None}
    with caplog.at_level(logging.DEBUG):
        user_api.post("/user/auth", json={"real_name": "张三", "id_card": VALID_ID.lower()}).expect(200)
    assert VALID_ID not in caplog.text and VALID_ID.lower() not in caplog.text
    assert user_api.get("/user/auth").expect(200).data == {"real_name": "张三", "id_card": "110***********002X"}
    assert db.session.get(User, user["id"]).id_card == VALID_ID
    assert user_api.get("/user").expect(200).data["real_name_verified"] is True
    again = user_api.post("/user/auth", json={"real_name": "李四", "id_card": "110105199003071239"})
    again.expect(409, "4003")
    assert db.session.get(User, user["id"]).real_name == "张三"


@pytest.mark.parametrize("id_card", ["110105194912310021", "11010519491231002", "1101051949123100XX",
                                     "110105194902300020"])  # Feb 30: right check digit
def test_invalid_id_cards_are_refused(user_api, id_card):
    result = user_api.post("/user/auth", json={"real_name": "张三", "id_card": id_card}).expect(400, "4103")
    assert "id_card" in result.fields


@pytest.mark.parametrize("name", ["张", "x" * 33])
def test_real_name_length(user_api, name):
    result = user_api.post("/user/auth", json={"real_name": name, "id_card": VALID_ID}).expect(400, "4103")
    assert "real_name" in result.fields

"""The Qiniu backend against a local stand-in for Qiniu's upload host (form upload, its answers)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import socket
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP

import pytest

from ihome.core.errors import ProviderFailed
from ihome.integrations.qiniu_storage import QiniuStorage
from ihome.integrations.storage import build_storage
from tests.support.accounts_fixtures import png_bytes
from tests.support.http_stub import serving

ACCESS, SECRET, BUCKET, DOMAIN = "test-access-key", "test-secret-key", "ihome-test", "https://img.example.com"


class StandIn:
    """Plays Qiniu's upload host: verifies the upload token, stores the file, answers like Qiniu."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self.forced: list[tuple[int, dict]] = []
        self.deleted: list[str] = []

    def upload(self, form: dict[str, tuple[bytes, str | None]]) -> tuple[int, dict]:
        if self.forced:
            return self.forced.pop(0)
        token = form["token"][0].decode()
        access, signature, encoded_policy = token.split(":")
        signed = hmac.new(SECRET.encode(), encoded_policy.encode(), "sha1").digest()  # Qiniu signs with HMAC-SHA1
        expected = base64.urlsafe_b64encode(signed).decode()
        if access != ACCESS or signature != expected:
            return 401, {"error": "bad token"}
        policy = json.loads(base64.urlsafe_b64decode(encoded_policy))
        key = form["key"][0].decode()
        if policy["scope"] != f"{BUCKET}:{key}":
            return 403, {"error": "key doesn't match with scope"}
        if key in self.objects:
            return 614, {"error": "file exists"}
        self.objects[key], self.content_types[key] = form["file"]
        return 200, {"hash": "Fq" + hashlib.sha256(form["file"][0]).hexdigest()[:26], "key": key}


def parse_form(headers, body: bytes) -> dict[str, tuple[bytes, str | None]]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
    return {part.get_param("name", header="content-disposition"): (part.get_payload(decode=True),
                                                                   part.get_content_type())
            for part in message.iter_parts()}


@pytest.fixture
def stand_in() -> Iterator[tuple[StandIn, str]]:
    fake = StandIn()

    def respond(path: str, headers, body: bytes):
        if path.startswith("/delete/"):
            entry = base64.urlsafe_b64decode(path.split("/")[2]).decode()
            fake.deleted.append(entry)
            exists = entry.split(":", 1)[1] in fake.objects
            status, answer = (200, {}) if exists else (612, {"error": "no such file or directory"})
        else:
            status, answer = fake.upload(parse_form(headers, body))
        return status, answer, {"X-Reqid": "standin-reqid"}

    with serving(respond) as url:
        yield fake, url


def storage(host: str, secret: str = SECRET) -> QiniuStorage:
    return QiniuStorage(access_key=ACCESS, secret_key=secret, bucket=BUCKET, domain=DOMAIN + "/", upload_host=host)


def test_upload_token_allows_exactly_one_key():
    token = storage("http://127.0.0.1:1").upload_token("avatars/abc.jpg")
    access, _, encoded = token.split(":")
    policy = json.loads(base64.urlsafe_b64decode(encoded))
    assert access == ACCESS and policy["scope"] == f"{BUCKET}:avatars/abc.jpg" and policy["deadline"] > 0


def test_save_uploads_under_a_content_addressed_key(stand_in):
    fake, host = stand_in
    key = storage(host).save(b"jpeg bytes", prefix="avatars", extension="jpg", content_type="image/jpeg")
    assert key == f"avatars/{hashlib.sha256(b'jpeg bytes').hexdigest()}.jpg"
    assert fake.objects[key] == b"jpeg bytes" and fake.content_types[key] == "image/jpeg"


def test_the_same_bytes_twice_is_the_same_key(stand_in):
    _, host = stand_in
    qiniu_storage = storage(host)
    first = qiniu_storage.save(b"same", prefix="houses", extension="jpg", content_type="image/jpeg")
    second = qiniu_storage.save(b"same", prefix="houses", extension="jpg", content_type="image/jpeg")  # 614
    assert first == second


def test_public_url_is_on_the_bucket_domain():
    assert storage("http://127.0.0.1:1").url("avatars/x.jpg") == f"{DOMAIN}/avatars/x.jpg"


def test_a_bad_key_pair_is_a_provider_failure(stand_in, caplog):
    fake, host = stand_in
    with pytest.raises(ProviderFailed):
        storage(host, secret="wrong").save(b"x", prefix="avatars", extension="jpg", content_type="image/jpeg")
    assert fake.objects == {} and "401" in caplog.text


@pytest.mark.parametrize("answer", [(579, {"error": "callback failed"}), (403, {"error": "quota exceeded"})])
def test_error_answers_are_provider_failures(stand_in, answer):
    fake, host = stand_in
    fake.forced.append(answer)
    with pytest.raises(ProviderFailed):
        storage(host).save(b"x", prefix="avatars", extension="jpg", content_type="image/jpeg")


def test_an_unreachable_host_is_a_provider_failure():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ProviderFailed):
        storage(f"http://127.0.0.1:{port}").save(b"x", prefix="avatars", extension="jpg", content_type="image/jpeg")


def test_delete(stand_in):
    fake, host = stand_in
    qiniu_storage = storage(host)
    key = qiniu_storage.save(b"bye", prefix="avatars", extension="jpg", content_type="image/jpeg")
    qiniu_storage.delete(key)
    qiniu_storage.delete("avatars/missing.jpg")  # 612: already gone is fine
    assert fake.deleted == [f"{BUCKET}:{key}", f"{BUCKET}:avatars/missing.jpg"]


def test_build_from_config(app, monkeypatch):
    config = dict(app.config, STORAGE_BACKEND="qiniu", QINIU_ACCESS_KEY=ACCESS, QINIU_SECRET_KEY=SECRET,
                  QINIU_BUCKET=BUCKET, QINIU_DOMAIN=DOMAIN, QINIU_UPLOAD_HOST="http://127.0.0.1:9")
    monkeypatch.setattr(app, "config", config)
    built = build_storage(app)
    assert isinstance(built, QiniuStorage) and built.bucket == BUCKET and built.url("a") == f"{DOMAIN}/a"


def test_missing_settings_are_refused():
    with pytest.raises(ValueError, match="IHOME_QINIU_DOMAIN"):
        QiniuStorage.from_config({"QINIU_ACCESS_KEY": ACCESS, "QINIU_SECRET_KEY": SECRET, "QINIU_BUCKET": BUCKET})


def test_an_avatar_goes_to_qiniu_and_its_url_is_on_the_bucket_domain(stand_in, app, user_api, monkeypatch):
    fake, host = stand_in
    monkeypatch.setitem(app.extensions, "ihome.storage", storage(host))
    url = user_api.post("/user/avatar", data={"avatar": (io.BytesIO(png_bytes()), "me.png")},
                        content_type="multipart/form-data").expect(200).data["avatar_url"]
    (key,) = fake.objects
    assert url == f"{DOMAIN}/{key}" and key.startswith("avatars/") and fake.content_types[key] == "image/jpeg"
    assert user_api.get("/user").expect(200).data["avatar_url"] == url


def test_a_qiniu_failure_during_an_avatar_upload_is_a_502(stand_in, app, user_api, monkeypatch):
    fake, host = stand_in
    fake.forced.append((503, {"error": "service unavailable"}))
    fake.forced.append((503, {"error": "service unavailable"}))  # the SDK may retry once
    monkeypatch.setitem(app.extensions, "ihome.storage", storage(host))
    user_api.post("/user/avatar", data={"avatar": (io.BytesIO(png_bytes()), "me.png")},
                  content_type="multipart/form-data").expect(502, "4301")
    assert user_api.get("/user").expect(200).data["avatar_url"] is None

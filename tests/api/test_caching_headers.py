"""``Cache-Control`` on every kind of response (core/caching_headers.py): live data is never stored by the
browser, so Back and Forward ask the server again; public files keep their long life."""

from __future__ import annotations

import re

import pytest

from ihome.core.caching_headers import static_version
from tests.conftest import login
from tests.factories.houses import make_house


@pytest.mark.parametrize("path", ["/", "/search", "/login", "/register", "/pay/complete", "/docs"])
def test_pages_are_never_stored(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Expires" not in response.headers


def test_a_house_page_and_its_booking_page_are_never_stored(client, user, app):
    with app.app_context():
        house_id = make_house().id
    assert client.get(f"/houses/{house_id}").headers["Cache-Control"] == "no-store"
    login(client, user["id"])
    for path in (f"/houses/{house_id}/book", "/my", "/my/orders", "/my/lorders"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_redirects_and_error_pages_are_never_stored(client):
    response = client.get("/my/orders")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"
    response = client.get("/houses/999999999")
    assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/houses", "/areas", "/houses/index"])
def test_public_api_reads_are_never_stored(api, path):
    assert api.get(path).expect(200).headers["Cache-Control"] == "no-store"


def test_per_user_api_answers_and_errors_are_never_stored(api, user_api):
    assert user_api.get("/user").expect(200).headers["Cache-Control"] == "no-store"
    assert user_api.get("/user/orders").expect(200).headers["Cache-Control"] == "no-store"
    user_api.post("/sessions", json={"mobile": "13800000000", "password": "x"})  # a failed state change
    user_api.client.delete_cookie("ihome_session")
    assert user_api.get("/user").expect(401, "4101").headers["Cache-Control"] == "no-store"
    assert user_api.client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_pages_link_static_files_by_content_hash(client, app):
    page = client.get("/").get_data(as_text=True)
    links = dict(re.findall(r'/static/(css/ihome\.css|js/api\.js)\?v=([0-9a-f]{12})"', page))
    with app.test_request_context("/"):
        assert links == {"css/ihome.css": static_version("css/ihome.css"), "js/api.js": static_version("js/api.js")}


def test_a_versioned_static_file_is_kept_a_year_an_unversioned_one_revalidates(client, app):
    with app.test_request_context("/"):
        version = static_version("js/api.js")
    current = client.get(f"/static/js/api.js?v={version}")
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/static/js/api.js", "/static/js/api.js?v=000000000000"):  # no hash, or an old one
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "public, no-cache"
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.headers["Cache-Control"] == "public, no-cache"
    missing = client.get("/static/js/nothing-here.js")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"


def test_public_files_keep_their_own_long_life(client, app):
    """Media keys are content-addressed; the docs' assets come versioned with their package."""
    from ihome.integrations.storage import get_storage

    with app.app_context():
        key = get_storage().save(b"\xff\xd8\xff\xe0 cache test", prefix="houses", extension="jpg",
                                 content_type="image/jpeg")
    media = client.get(f"/media/{key}")
    assert media.status_code == 200
    assert media.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/media/houses/missing.jpg").headers["Cache-Control"] == "no-store"
    asset = client.get("/docs/assets/swagger-ui.css")
    assert asset.status_code == 200 and asset.headers["Cache-Control"].startswith("public, max-age=86400")

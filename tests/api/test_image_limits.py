"""Image uploads are bounded: pixels per kind of image, images decoded at once, and no lock held meanwhile."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import event, select

from ihome.core import images
from ihome.extensions import db
from ihome.houses import photos
from ihome.houses.models import HouseImage
from tests.factories.houses import make_house
from tests.support.houses_fixtures import image_bytes, stored_files


def huge_png(size: tuple[int, int] = (6000, 6600)) -> bytes:
    """The tester's bomb: 39.6 million pixels in a small file (one bit each, compressed)."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.fixture
def house_id(app, host):
    with app.app_context():
        return make_house(owner=db.session.get(type(host), host.id)).id


def upload_photo(api, house_id: int, data: bytes, lang: str = "en"):
    return api.post(f"/houses/{house_id}/images?lang={lang}", data={"house_image": (io.BytesIO(data), "p.png")},
                    content_type="multipart/form-data")


def upload_avatar(api, data: bytes):
    return api.post("/user/avatar?lang=en", data={"avatar": (io.BytesIO(data), "a.png")},
                    content_type="multipart/form-data")


def photo_rows(app, house_id: int) -> list[HouseImage]:
    with app.app_context():
        return list(db.session.scalars(select(HouseImage).where(HouseImage.house_id == house_id)))


def test_a_photo_of_too_many_pixels_is_refused_from_its_header_and_nothing_is_stored(app, host_api, house_id,
                                                                                       monkeypatch):
    data = huge_png()
    assert len(data) < 200 * 1024
    decoded = []
    monkeypatch.setattr(images, "_render_all", lambda *a: decoded.append(a) or [])
    before = stored_files(app)
    response = upload_photo(host_api, house_id, data).expect(400, "4103")
    assert response.errmsg == "The image is 6000×6600 pixels; at most 25 million pixels are accepted"
    assert response.fields["house_image"] == [response.errmsg]
    assert decoded == [] and photo_rows(app, house_id) == [] and stored_files(app) == before


def test_the_message_is_in_chinese_by_default(host_api, house_id):
    response = upload_photo(host_api, house_id, huge_png(), lang="zh").expect(400, "4103")
    assert "6000×6600" in response.errmsg and "像素" in response.errmsg


def test_an_avatar_of_too_many_pixels_is_refused_and_nothing_changes(app, user_api, user):
    before = stored_files(app)
    response = upload_avatar(user_api, huge_png((4000, 4001))).expect(400, "4103")
    assert response.fields["avatar"] == ["The image is 4000×4001 pixels; at most 16 million pixels are accepted"]
    assert stored_files(app) == before
    assert user_api.get("/user").expect(200).data["avatar_url"] is None


def test_each_kind_of_image_has_its_own_pixel_bound(app, host_api, house_id, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_AVATAR_PIXELS", 500_000)
    monkeypatch.setitem(app.config, "MAX_PHOTO_PIXELS", 2_000_000)
    data = image_bytes("PNG", size=(1000, 1000))
    upload_avatar(host_api, data).expect(400, "4103")
    upload_photo(host_api, house_id, data).expect(201)
    assert len(photo_rows(app, house_id)) == 1


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(app_ctx):
    data = image_bytes("JPEG", size=(4000, 3000))
    loaded = []
    real_shrink = images._shrink

    def spy(image, need):
        loaded.append(image.size)
        return real_shrink(image, need)

    images._shrink = spy
    try:
        thumb, detail = images.process_image(data, field="f", max_bytes=10 * 2**20, max_pixels=25_000_000,
                                             variants=(photos.THUMB, photos.DETAIL))
    finally:
        images._shrink = real_shrink
    assert loaded == [(2000, 1500)]  # JPEG draft: half scale still covers the 1280-pixel variant
    assert (thumb.width, thumb.height, detail.width, detail.height) == (480, 320, 1280, 960)


def test_an_upload_that_finds_no_free_image_slot_answers_503_with_retry_after(app, host_api, house_id,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_WAIT_SECONDS", 0.05)
    before = stored_files(app)
    with app.app_context():
        slots = images._slots()
    held = [slots.acquire(timeout=5, queue=0) for _ in range(app.config["IMAGE_CONCURRENCY"])]
    try:
        response = upload_photo(host_api, house_id, image_bytes()).expect(503, "4001")
        assert int(response.headers["Retry-After"]) >= 1 and "images" in response.errmsg
        assert photo_rows(app, house_id) == [] and stored_files(app) == before
    finally:
        for _ in held:
            slots.release()
    upload_photo(host_api, house_id, image_bytes()).expect(201)


def test_the_house_row_is_locked_only_after_the_photo_was_processed_and_stored(app_ctx, db, host, monkeypatch):
    """One list gets the SQL statements and the moments the image was processed and stored."""
    house = make_house(owner=db.session.get(type(host), host.id), commit=False)
    db.session.flush()
    order: list[str] = []
    real_process, real_store = photos.process_image, photos._store

    def process(*args, **kwargs):
        result = real_process(*args, **kwargs)
        order.append("<processed>")
        return result

    def store(*args, **kwargs):
        result = real_store(*args, **kwargs)
        order.append("<stored>")
        return result

    monkeypatch.setattr(photos, "process_image", process)
    monkeypatch.setattr(photos, "_store", store)
    bind = db.session.get_bind()

    def record(conn, cursor, statement, *rest):
        order.append(statement)

    event.listen(bind, "before_cursor_execute", record)
    try:
        photos.add_house_image(house_id=house.id, user_id=host.id, data=image_bytes())
    finally:
        event.remove(bind, "before_cursor_execute", record)
    stored = order.index("<stored>")
    assert order.index("<processed>") < stored
    writes = [i for i, sql in enumerate(order) if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    locks = [i for i, sql in enumerate(order) if "FOR UPDATE" in sql.upper()]
    assert writes and min(writes) > stored  # SQLite: the first write takes the database's write lock
    assert all(i > stored for i in locks)  # PostgreSQL: SELECT … FOR UPDATE of the house row
    if bind.dialect.name == "postgresql":
        assert locks


def test_an_upload_behind_a_full_queue_is_refused_at_once(app, host_api, house_id, monkeypatch):
    """Waiting uploads hold server threads: past ``IMAGE_QUEUE`` of them, the answer is 503 without waiting."""
    monkeypatch.setitem(app.config, "IMAGE_QUEUE", 0)
    monkeypatch.setitem(app.config, "IMAGE_WAIT_SECONDS", 600)  # a wait would hang the test, not pass it
    with app.app_context():
        slots = images._slots()
    held = [slots.acquire(timeout=5, queue=0) for _ in range(app.config["IMAGE_CONCURRENCY"])]
    try:
        response = upload_photo(host_api, house_id, image_bytes()).expect(503, "4001")
        assert int(response.headers["Retry-After"]) >= 1
    finally:
        for _ in held:
            slots.release()
    assert photo_rows(app, house_id) == []

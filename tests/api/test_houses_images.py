"""POST /houses/<id>/images: real photos in two sizes, limits, and nothing left behind when refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from ihome.houses import photos
from ihome.houses.models import House, HouseImage
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.support.houses_fixtures import image_bytes, stored_files


@pytest.fixture
def house_id(app, host):
    with app.app_context():
        from ihome.extensions import db

        return make_house(owner=db.session.get(type(host), host.id)).id


def upload(api, house_id: int, data: bytes, name: str = "photo.jpg"):
    return api.post(f"/houses/{house_id}/images", data={"house_image": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def _rows(app, house_id: int) -> list[HouseImage]:
    with app.app_context():
        from ihome.extensions import db

        return list(db.session.scalars(select(HouseImage).where(HouseImage.house_id == house_id)
                                       .order_by(HouseImage.position)))


def _index_key(app, house_id: int) -> str | None:
    with app.app_context():
        from ihome.extensions import db

        return db.session.scalar(select(House.index_image_key).where(House.id == house_id))


def _file(app, url: str) -> Path:
    return Path(app.instance_path) / "uploads" / url.removeprefix("/media/")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_owner_adds_a_photo_in_two_sizes(app, host_api, house_id, fmt):
    response = upload(host_api, house_id, image_bytes(fmt, size=(2000, 1000)), f"p.{fmt.lower()}").expect(201)
    url = response.data["image_url"]
    [row] = _rows(app, house_id)
    assert url == f"/media/{row.key}" and row.position == 0
    detail = Image.open(_file(app, url))
    thumb = Image.open(Path(app.instance_path) / "uploads" / row.thumb_key)
    assert (detail.format, detail.size) == ("JPEG", (1280, 640))  # fitted, proportions kept
    assert (thumb.format, thumb.size) == ("JPEG", (480, 320))  # cropped to the list frame
    assert _index_key(app, house_id) == row.thumb_key
    assert host_api.client.get(url).status_code == 200


def test_the_first_photo_stays_the_index_image_and_order_is_kept(app, host_api, house_id):
    urls = [upload(host_api, house_id, image_bytes(color=(i * 40, 10, 10))).expect(201).data["image_url"]
            for i in range(3)]
    rows = _rows(app, house_id)
    assert [r.position for r in rows] == [0, 1, 2]
    assert _index_key(app, house_id) == rows[0].thumb_key
    assert host_api.get(f"/houses/{house_id}").data["house"]["img_urls"] == urls


@pytest.mark.parametrize(("data", "name"), [
    (b"this is not an image at all", "fake.jpg"),
    (b"", "empty.jpg"),
    (image_bytes("GIF"), "anim.gif"),
])
def test_a_fake_image_is_refused_and_leaves_nothing(app, host_api, house_id, data, name):
    before = stored_files(app)
    response = upload(host_api, house_id, data, name).expect(400, "4103")
    assert response.fields["house_image"]
    assert _rows(app, house_id) == [] and stored_files(app) == before
    assert _index_key(app, house_id) is None


def test_an_image_over_the_house_limit_is_refused(app, host_api, house_id, monkeypatch):
    monkeypatch.setitem(app.config, "HOUSE_IMAGE_MAX_MB", 1)
    before = stored_files(app)
    noisy = Image.effect_noise((1200, 1200), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    response = host_api.post(f"/houses/{house_id}/images?lang=en", content_type="multipart/form-data",
                             data={"house_image": (io.BytesIO(buffer.getvalue()), "big.png")}).expect(400, "4103")
    assert response.fields["house_image"] == ["The image is larger than 1 MB"]
    assert _rows(app, house_id) == [] and stored_files(app) == before


def test_a_body_over_the_request_limit_is_refused(app, host_api, house_id):
    before = stored_files(app)
    oversized = image_bytes() + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(host_api, house_id, oversized)
    assert (response.status, response.errno) == (413, "4103")
    assert _rows(app, house_id) == [] and stored_files(app) == before


def test_thirty_photos_at_most(app, host_api, house_id):
    with app.app_context():
        from ihome.extensions import db

        for position in range(photos.MAX_PHOTOS):
            db.session.add(HouseImage(house_id=house_id, position=position, key=f"k{position}", thumb_key="t"))
        db.session.commit()
    before = stored_files(app)
    response = upload(host_api, house_id, image_bytes()).expect(400, "4103")
    assert response.fields["house_image"]
    assert len(_rows(app, house_id)) == photos.MAX_PHOTOS and stored_files(app) == before


def test_only_the_owner_adds_photos(app, api, house_id):
    with app.app_context():
        other = make_user(verified=True).id
    login(api.client, other)
    upload(api, house_id, image_bytes()).expect(403, "4105")
    assert _rows(app, house_id) == []


def test_photo_of_a_missing_house_is_404(host_api):
    upload(host_api, 987654, image_bytes()).expect(404, "4002")


def test_photo_needs_login(api, house_id):
    upload(api, house_id, image_bytes()).expect(401, "4101")


def test_missing_file_field_is_4103(host_api, house_id):
    host_api.post(f"/houses/{house_id}/images", data={}, content_type="multipart/form-data").expect(400, "4103")


def test_a_failure_after_storing_deletes_the_new_files(app, host_api, house_id, monkeypatch):
    before = stored_files(app)

    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    from ihome.extensions import db

    original_add = photos.db.session.add

    def add_then_break(instance, *args, **kwargs):
        original_add(instance, *args, **kwargs)
        if isinstance(instance, HouseImage):
            monkeypatch.setattr(db.session, "flush", broken_flush)

    monkeypatch.setattr(db.session, "add", add_then_break)
    response = upload(host_api, house_id, image_bytes(color=(1, 2, 3)))
    assert response.status == 500
    monkeypatch.undo()
    assert stored_files(app) == before and _rows(app, house_id) == []


def test_a_rolled_back_upload_deletes_its_files_but_not_shared_ones(app, app_ctx, host, house_id):
    from ihome.extensions import db

    data = image_bytes(color=(9, 9, 9))
    photos.add_house_image(house_id=house_id, user_id=host.id, data=data)
    db.session.commit()
    kept = stored_files(app)
    other = make_house(owner=db.session.get(type(host), host.id))
    photos.add_house_image(house_id=other.id, user_id=host.id, data=data)  # same bytes: shared files
    photos.add_house_image(house_id=other.id, user_id=host.id, data=image_bytes(color=(7, 7, 7)))
    assert len(stored_files(app)) == len(kept) + 2
    db.session.rollback()
    assert stored_files(app) == kept
    assert db.session.scalar(select(func.count()).select_from(HouseImage).where(HouseImage.house_id == other.id)) == 0


def test_a_storage_failure_on_the_second_size_deletes_the_first(app, host_api, house_id, monkeypatch):
    from ihome.core.errors import StorageFailed
    from ihome.integrations.storage import LocalStorage

    before = stored_files(app)
    original_save = LocalStorage.save
    calls = []

    def failing_second_save(self, data, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise StorageFailed()
        return original_save(self, data, **kwargs)

    monkeypatch.setattr(LocalStorage, "save", failing_second_save)
    upload(host_api, house_id, image_bytes(color=(4, 5, 6))).expect(500, "4302")
    assert len(calls) == 2 and stored_files(app) == before and _rows(app, house_id) == []

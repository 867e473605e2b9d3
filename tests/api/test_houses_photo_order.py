"""The owner deletes and reorders photos: the row goes, its files go only when no photo uses them, and the
cover (the house's index image) is always the first photo; a wrong order or a stranger changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from ihome.extensions import db
from ihome.houses.models import House, HouseImage
from tests.factories.houses import make_house
from tests.support.houses_fixtures import image_bytes


@pytest.fixture
def house_id(host):
    return make_house(owner=host).id


def _upload(api, house_id: int, color: tuple[int, int, int]) -> str:
    data = {"house_image": (io.BytesIO(image_bytes(color=color)), "p.jpg")}
    return api.post(f"/houses/{house_id}/images", data=data, content_type="multipart/form-data").expect(
        201).data["image_url"]


def _photos(house_id: int) -> list:
    """(id, key, thumb_key, position) rows: plain values that outlive the requests' sessions."""
    db.session.expire_all()
    return list(db.session.execute(
        select(HouseImage.id, HouseImage.key, HouseImage.thumb_key, HouseImage.position)
        .where(HouseImage.house_id == house_id).order_by(HouseImage.position, HouseImage.id)))


def _cover(house_id: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(House.index_image_key).where(House.id == house_id))


def _exists(app, key: str) -> bool:
    return (Path(app.instance_path) / "uploads" / key).is_file()


def test_deleting_the_cover_moves_the_cover_and_removes_the_files(app, host_api, house_id):
    for color in ((10, 0, 0), (0, 90, 0), (0, 0, 170)):
        _upload(host_api, house_id, color)
    first, second, third = _photos(house_id)
    assert _cover(house_id) == first.thumb_key
    search_before = host_api.get("/houses/index").data  # cached lists must show the change
    assert host_api.delete(f"/houses/{house_id}/images/{first.id}").expect(200).data is None
    assert [p.id for p in _photos(house_id)] == [second.id, third.id]
    assert _cover(house_id) == second.thumb_key
    assert not _exists(app, first.key) and not _exists(app, first.thumb_key)
    assert _exists(app, second.key)
    detail = host_api.get(f"/houses/{house_id}").data["house"]
    assert detail["image_ids"] == [second.id, third.id] and detail["img_urls"] == [f"/media/{second.key}",
                                                                                  f"/media/{third.key}"]
    assert [h["index_image_url"] for h in host_api.get("/houses/index").data if h["house_id"] == house_id] == [
        f"/media/{second.thumb_key}"]
    assert search_before is not None

    host_api.delete(f"/houses/{house_id}/images/{third.id}").expect(200)
    assert _cover(house_id) == second.thumb_key
    host_api.delete(f"/houses/{house_id}/images/{second.id}").expect(200)
    assert _photos(house_id) == [] and _cover(house_id) is None
    host_api.delete(f"/houses/{house_id}/images/{second.id}").expect(404, "4002")
    host_api.delete(f"/houses/{house_id}/images/{2**63}").expect(404, "4002")  # beyond any id: not a 500


def test_a_file_another_photo_uses_stays(app, host, host_api, house_id):
    other = make_house(owner=host).id
    _upload(host_api, house_id, (5, 5, 5))
    _upload(host_api, other, (5, 5, 5))  # the same photo: content-addressed, the same files
    [mine], [theirs] = _photos(house_id), _photos(other)
    assert mine.key == theirs.key
    host_api.delete(f"/houses/{house_id}/images/{mine.id}").expect(200)
    assert _photos(house_id) == [] and _exists(app, theirs.key) and _exists(app, theirs.thumb_key)
    host_api.delete(f"/houses/{other}/images/{theirs.id}").expect(200)
    assert not _exists(app, theirs.key)


def test_a_stranger_cannot_delete_or_reorder_and_nothing_changes(app, user_api, host, house_id):
    make_house(owner=host)
    photos = [HouseImage(house_id=house_id, position=i, key=f"houses/k{i}.jpg", thumb_key=f"houses/t{i}.jpg")
              for i in range(2)]
    db.session.add_all(photos)
    db.session.commit()
    ids = [p.id for p in _photos(house_id)]
    user_api.delete(f"/houses/{house_id}/images/{ids[0]}").expect(403, "4105")
    user_api.put(f"/houses/{house_id}/images/order", json={"image_ids": ids[::-1]}).expect(403, "4105")
    assert [p.id for p in _photos(house_id)] == ids


def test_reorder_puts_the_first_as_the_cover(host_api, house_id):
    urls = [_upload(host_api, house_id, (i * 60, 20, 20)) for i in range(3)]
    ids = [p.id for p in _photos(house_id)]
    new = [ids[2], ids[0], ids[1]]
    answer = host_api.put(f"/houses/{house_id}/images/order", json={"image_ids": new}).expect(200)
    assert answer.data == {"img_urls": [urls[2], urls[0], urls[1]]}
    photos = _photos(house_id)
    assert [p.id for p in photos] == new and [p.position for p in photos] == [0, 1, 2]
    assert _cover(house_id) == photos[0].thumb_key
    detail = host_api.get(f"/houses/{house_id}").data["house"]
    assert detail["image_ids"] == new and detail["index_image_url"] == f"/media/{photos[0].thumb_key}"


@pytest.mark.parametrize("change", ["missing", "extra", "duplicate", "foreign", "empty"])
def test_a_wrong_set_is_4103_and_the_order_stays(host, host_api, house_id, change):
    for i in range(3):
        _upload(host_api, house_id, (20, i * 60, 20))
    ids = [p.id for p in _photos(house_id)]
    foreign = make_house(owner=host, images=1).id
    foreign_id = _photos(foreign)[0].id
    cover = _cover(house_id)
    sent = {"missing": ids[1:], "extra": [*ids, 999_999], "duplicate": [ids[1], ids[1], ids[0], ids[2]],
            "foreign": [foreign_id, ids[1], ids[2]], "empty": []}[change]
    answer = host_api.put(f"/houses/{house_id}/images/order", json={"image_ids": sent}).expect(400, "4103")
    assert list(answer.fields) == ["image_ids"]
    assert [p.id for p in _photos(house_id)] == ids and _cover(house_id) == cover


@pytest.mark.parametrize("body", [{}, {"image_ids": "1,2"}, {"image_ids": ["a"]}, {"image_ids": list(range(101))}])
def test_malformed_orders_are_4xx(host_api, house_id, body):
    answer = host_api.put(f"/houses/{house_id}/images/order", json=body)
    assert answer.status == 400 and answer.errno == "4103"

"""House photos: verified and re-encoded by the image pipeline, stored in two sizes, ordered, deleted.

The first photo (lowest ``position``) is the cover: its thumbnail is the house's ``index_image_key``,
kept so by upload, delete and reorder.

A refused upload leaves nothing behind: the image is checked before anything is stored, files
stored before a later failure are deleted at once, and files of a transaction that rolls back
are deleted after the rollback. A file another photo already uses (keys are content-addressed,
so the same photo uploaded twice shares its files) is never deleted.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from ihome.core.errors import Invalid, NotFound
from ihome.core.images import ProcessedImage, Variant, process_image
from ihome.extensions import db
from ihome.houses.cache import house_changed
from ihome.houses.fields import MAX_ID
from ihome.houses.models import House, HouseImage
from ihome.houses.ownership import owned_house
from ihome.integrations.storage import Storage, get_storage

log = logging.getLogger(__name__)

FIELD = "house_image"
MAX_PHOTOS = 30
PREFIX = "houses"
THUMB = Variant("thumb", 480, 320, crop=True, quality=80)  # lists: a fixed 3:2 frame
DETAIL = Variant("detail", 1280, 960)  # the gallery: the whole photo, fitted
PENDING_KEYS = "ihome.houses.pending_photo_keys"
UNUSED_KEYS = "ihome.houses.unused_photo_keys"  # files of deleted photos, deleted once the delete commits
ORDER_FIELD = "image_ids"


def _keys_in_use(keys: list[str]) -> set[str]:
    """Which of ``keys`` a saved photo already references."""
    used = or_(HouseImage.key.in_(keys), HouseImage.thumb_key.in_(keys))
    rows = db.session.execute(select(HouseImage.key, HouseImage.thumb_key).where(used))
    return {key for row in rows for key in row} & set(keys)


def _delete_quietly(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # cleanup must not hide the original error
            log.exception("could not delete stored photo %s", key)


def _store(storage: Storage, images: list[ProcessedImage]) -> tuple[list[str], list[str]]:
    """Save every variant; returns (keys, the keys no saved photo used before). All or nothing."""
    keys: list[str] = []
    try:
        for image in images:
            keys.append(storage.save(image.data, prefix=PREFIX, extension=image.extension,
                                     content_type=image.content_type))
        shared = _keys_in_use(keys)
    except Exception:
        _delete_quietly(storage, [key for key in keys if key not in _safe_keys_in_use(keys)])
        raise
    return keys, [key for key in keys if key not in shared]


def _safe_keys_in_use(keys: list[str]) -> set[str]:
    """``_keys_in_use`` for a cleanup path: when the database cannot tell, every key counts as used."""
    try:
        return _keys_in_use(keys) if keys else set()
    except Exception:
        return set(keys)  # cannot tell: deleting nothing is the safe side


def _still_unused(keys: list[str]) -> list[str]:
    """Of the files this upload created, those no photo row uses: a concurrent upload of the same photo
    may have saved one meanwhile (the lock was not held while storing). When the database cannot
    tell, all of them: this upload created them."""
    try:
        with db.session.no_autoflush:
            used = _keys_in_use(keys) if keys else set()
    except Exception:
        used = set()
    return [key for key in keys if key not in used]


def _refuse_when_full(house_id: int) -> tuple[int, int | None]:
    """(photos, last position) of the house; ``Invalid`` when it already has ``MAX_PHOTOS``."""
    count, last = db.session.execute(
        select(func.count(HouseImage.id), func.max(HouseImage.position)).where(HouseImage.house_id == house_id)
    ).one()
    if count >= MAX_PHOTOS:
        message = _("A house has at most %(n)s photos", n=MAX_PHOTOS)
        raise Invalid(message, fields={FIELD: [message]})
    return count, last


def add_house_image(*, house_id: int, user_id: int, data: bytes) -> str:
    """Add a photo to the owner's house; returns its detail-size URL. The first becomes the index image.

    The image is decoded, re-encoded and stored *before* the house row is locked: the lock (which
    bookings of the house also take) is held only to number and insert the photo's row.
    """
    owned_house(house_id=house_id, user_id=user_id)  # strangers and full houses cost no decoding
    _refuse_when_full(house_id)
    thumb, detail = process_image(
        data, field=FIELD, max_bytes=current_app.config["HOUSE_IMAGE_MAX_MB"] * 1024 * 1024,
        max_pixels=current_app.config["MAX_PHOTO_PIXELS"], variants=(THUMB, DETAIL),
    )
    storage = get_storage()
    (thumb_key, detail_key), created = _store(storage, [thumb, detail])
    try:
        house = owned_house(house_id=house_id, user_id=user_id, lock=True)
        _, last = _refuse_when_full(house.id)  # again, under the lock: a concurrent upload may have filled it
        db.session.add(HouseImage(house_id=house.id, position=(last + 1) if last is not None else 0,
                                  key=detail_key, thumb_key=thumb_key))
        if house.index_image_key is None:
            house.index_image_key = thumb_key
        db.session.flush()
    except Exception:
        _delete_quietly(storage, _still_unused(created))
        raise
    db.session.info.setdefault(PENDING_KEYS, []).extend(created)
    house_changed(db.session, house.id)
    return storage.url(detail_key)


def _house_images(house_id: int) -> list[HouseImage]:
    return list(db.session.scalars(
        select(HouseImage).where(HouseImage.house_id == house_id).order_by(HouseImage.position, HouseImage.id)))


def _set_cover(house: House, images: list[HouseImage]) -> None:
    house.index_image_key = images[0].thumb_key if images else None


def delete_house_image(*, house_id: int, user_id: int, image_id: int) -> None:
    """Delete a photo of the owner's house; its files go after the commit unless another photo uses them.

    When it was the cover, the next photo becomes the cover (none left: the house has no cover).
    """
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    if not 0 < image_id <= MAX_ID:  # the database could not even compare it
        raise NotFound(_("No such photo"))
    image = db.session.scalars(
        select(HouseImage).where(HouseImage.id == image_id, HouseImage.house_id == house.id)).first()
    if image is None:
        raise NotFound(_("No such photo"))
    keys = list(dict.fromkeys([image.key, image.thumb_key]))
    db.session.delete(image)
    db.session.flush()
    _set_cover(house, _house_images(house.id))
    in_use = _keys_in_use(keys)  # by another photo, of this house or another (keys are content-addressed)
    unused = [key for key in keys if key not in in_use]
    db.session.info.setdefault(UNUSED_KEYS, []).extend(unused)
    db.session.flush()
    house_changed(db.session, house.id)


def reorder_house_images(*, house_id: int, user_id: int, image_ids: list[int]) -> list[str]:
    """Put the owner's photos in the order of ``image_ids`` (every photo of the house, each once); the first
    becomes the cover. Returns the detail-size URLs in the new order; ``Invalid`` (4103) changes nothing."""
    house = owned_house(house_id=house_id, user_id=user_id, lock=True)
    images = {image.id: image for image in _house_images(house.id)}
    if len(image_ids) != len(set(image_ids)) or set(image_ids) != set(images):
        message = _("Send every photo of this house exactly once")
        raise Invalid(message, fields={ORDER_FIELD: [message]})
    ordered = [images[image_id] for image_id in image_ids]
    for position, image in enumerate(ordered):
        image.position = position
    _set_cover(house, ordered)
    db.session.flush()
    db.session.expire(house, ["images"])
    house_changed(db.session, house.id)
    storage = get_storage()
    return [storage.url(image.key) for image in ordered]


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    session.info.pop(PENDING_KEYS, None)
    unused = session.info.pop(UNUSED_KEYS, None)
    if unused and has_app_context():
        _delete_quietly(get_storage(), unused)  # the rows that used them are gone for good


@event.listens_for(Session, "after_soft_rollback")
def _delete_rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(UNUSED_KEYS, None)  # the deleted photos are back: keep their files
    keys = session.info.pop(PENDING_KEYS, None) if previous_transaction.parent is None else None
    if keys and has_app_context():
        # the photo rows are gone with the transaction; the files would be orphans
        _delete_quietly(get_storage(), keys)

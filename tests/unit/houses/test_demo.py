"""``ihome demo``: a small but complete marketplace, only on an empty instance."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from ihome.accounts.models import User
from ihome.core import clock
from ihome.demo import DEMO_PASSWORD, fill_demo
from ihome.extensions import db
from ihome.houses.demo_images import avatar, house_photo
from ihome.houses.models import House, HouseImage
from ihome.integrations.storage import get_storage
from ihome.orders.models import Order, OrderStatus
from tests.factories.houses import make_house


def test_demo_fills_houses_photos_people_and_orders(app_ctx, client):
    summary = fill_demo(house_count=5)
    assert "5 houses" in summary and DEMO_PASSWORD in summary

    houses = list(db.session.scalars(select(House)))
    assert len(houses) == 5
    assert len({house.area_id for house in houses}) == 5  # spread across districts
    storage = get_storage()
    for house in houses:
        assert 2 <= len(house.images) <= 4 and house.facilities
        assert house.index_image_key == house.images[0].thumb_key
        for image in house.images:  # stored through the pipeline: real files behind /media
            assert storage.path(image.key).is_file() and storage.path(image.thumb_key).is_file()
        assert house.owner.real_name_verified and house.owner.avatar_key
        assert check_password_hash(house.owner.password_hash, DEMO_PASSWORD)

    orders = list(db.session.scalars(select(Order)))
    complete = [o for o in orders if o.status == OrderStatus.COMPLETE]
    pending = [o for o in orders if o.status != OrderStatus.COMPLETE]
    assert complete and pending
    assert all(o.comment and 1 <= o.rating <= 5 and o.end_date < clock.today() for o in complete)
    assert all(o.status in {"WAIT_ACCEPT", "WAIT_PAYMENT"} and o.start_date > clock.today() for o in pending)
    assert all(o.user_id != o.house.user_id for o in orders)  # nobody books their own house
    by_house = defaultdict(list)
    for order in orders:
        by_house[order.house_id].append(order)
    for house in houses:
        stays = sorted(by_house[house.id], key=lambda o: o.start_date)
        assert all(a.end_date <= b.start_date for a, b in zip(stays, stays[1:], strict=False))  # no overlap
        done = [o for o in stays if o.status == OrderStatus.COMPLETE]
        assert house.order_count == house.rating_count == len(done)
        assert house.rating_sum == sum(o.rating for o in done)

    house = houses[0]
    page = client.get(f"/houses/{house.id}").get_data(as_text=True)
    assert house.title in page and house.owner.name in page
    photo = client.get(f"/media/{house.images[0].key}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_demo_refuses_an_instance_that_has_houses(app_ctx):
    make_house(title="Real listing")
    users = db.session.scalar(select(func.count(User.id)))
    message = fill_demo(house_count=3)
    assert "already has 1 houses" in message and "nothing was added" in message
    assert db.session.scalar(select(func.count(House.id))) == 1
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(HouseImage.id))) == 0


def test_demo_pictures_are_real_images_and_reproducible():
    import io

    from PIL import Image

    first = house_photo(seed=3, view=0)
    assert first == house_photo(seed=3, view=0)
    assert first != house_photo(seed=3, view=1)
    assert first != house_photo(seed=4, view=0)  # each house its own pictures
    assert Image.open(io.BytesIO(first)).size == (900, 600)
    assert Image.open(io.BytesIO(avatar(seed=1))).format == "PNG"


def test_demo_photos_carry_no_caption_band():
    """The photos once ended in a black band with white text ("Chaoyang · iHome #60"), cropped by thumbnails:
    now the bottom rows are grass, green in every photo, with no black and no white text pixels."""
    import io

    from PIL import Image

    for seed in range(1, 9):
        image = Image.open(io.BytesIO(house_photo(seed=seed, view=seed % 3))).convert("RGB")
        width, height = image.size
        band = image.crop((0, height - 56, width, height))
        pixels = [band.getpixel((x, y)) for y in range(0, band.height, 4) for x in range(0, band.width, 4)]
        dark = sum(1 for r, g, b in pixels if r + g + b < 60)
        green = sum(1 for r, g, b in pixels if g > r and g > b)
        assert dark < len(pixels) // 100, (seed, dark)
        assert green > len(pixels) * 0.8, (seed, green)


def test_ihome_demo_command_on_a_fresh_instance(new_database_url, tmp_path):
    env = {**os.environ, "IHOME_ENV": "testing", "IHOME_DATABASE_URL": new_database_url("demo"),
           "IHOME_INSTANCE_PATH": str(tmp_path), "IHOME_REDIS_URL": f"unix://{tmp_path}/no-redis.sock?db=0"}
    command = [sys.executable, "-m", "ihome.cli", "demo", "--houses", "3"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "demo ready" in first.stdout and "3 houses" in first.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "nothing was added" in again.stdout

"""Pictures for the demo data, drawn with Pillow (no network, no stock photos).

House photos are a sky gradient, hills, a house silhouette in one of a few styles, trees and a garden
path, with no text drawn into them (the pages show titles; a caption baked into a photo is cropped by
every thumbnail);
avatars are a coloured disc with a head-and-shoulders silhouette. Each is seeded, so the same
demo run draws the same pictures.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

PHOTO_SIZE = (900, 600)  # 3:2, the frame of the list thumbnails
SKIES = [((135, 190, 235), (250, 225, 200)), ((255, 170, 120), (255, 230, 180)), ((70, 100, 160), (230, 160, 140)),
         ((180, 220, 240), (240, 250, 255)), ((120, 160, 200), (250, 200, 210))]
WALLS = [(245, 235, 220), (230, 200, 170), (200, 215, 230), (240, 220, 220), (220, 230, 210), (250, 245, 235)]
FLOWERS = [(250, 220, 90), (245, 150, 170), (190, 150, 230)]  # never white: white dots read as a slideshow's dots
ROOFS = [(170, 60, 50), (70, 80, 100), (120, 70, 40), (50, 110, 90), (150, 100, 60)]


def _gradient(draw: ImageDraw.ImageDraw, size: tuple[int, int], top: tuple, bottom: tuple) -> None:
    width, height = size
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def _house(draw: ImageDraw.ImageDraw, rng: random.Random, x: int, ground: int, scale: float) -> None:
    wall, roof = rng.choice(WALLS), rng.choice(ROOFS)
    w, h = int(300 * scale), int(190 * scale)
    left, top = x - w // 2, ground - h
    draw.rectangle([left, top, left + w, ground], fill=wall, outline=(90, 80, 70), width=2)
    if rng.random() < 0.5:  # a pitched roof
        draw.polygon([(left - 20, top), (x, top - int(120 * scale)), (left + w + 20, top)], fill=roof)
    else:  # a flat roof and a second storey
        draw.rectangle([left + w // 5, top - int(90 * scale), left + w - w // 5, top], fill=wall, outline=(90, 80, 70))
        draw.rectangle([left - 10, top - 8, left + w + 10, top + 6], fill=roof)
    door_w = int(50 * scale)
    draw.rectangle([x - door_w // 2, ground - int(90 * scale), x + door_w // 2, ground], fill=roof)
    for wx in (left + int(30 * scale), left + w - int(90 * scale)):
        draw.rectangle([wx, top + int(40 * scale), wx + int(60 * scale), top + int(95 * scale)],
                       fill=(255, 236, 160) if rng.random() < 0.6 else (190, 220, 240), outline=(90, 80, 70), width=2)


def house_photo(*, seed: int, view: int) -> bytes:
    """A 900x600 JPEG of a house (``view`` varies the scene between photos of one house)."""
    rng = random.Random(seed * 31 + view)
    image = Image.new("RGB", PHOTO_SIZE)
    draw = ImageDraw.Draw(image)
    width, height = PHOTO_SIZE
    _gradient(draw, PHOTO_SIZE, *rng.choice(SKIES))
    sun_x, sun_y = rng.randint(60, width - 60), rng.randint(40, 160)
    draw.ellipse([sun_x - 35, sun_y - 35, sun_x + 35, sun_y + 35], fill=(255, 240, 190))
    hills = [(0, height)] + [(x, int(height * 0.62) - rng.randint(0, 90)) for x in range(0, width + 100, 100)]
    draw.polygon(hills + [(width, height)], fill=(110 + rng.randint(0, 40), 160 + rng.randint(0, 40), 110))
    ground = int(height * 0.82)
    draw.rectangle([0, ground, width, height], fill=(95, 140, 85))
    _house(draw, rng, width // 2 + rng.randint(-150, 150), ground, 0.9 + 0.3 * rng.random() + 0.1 * view)
    for _ in range(rng.randint(1, 3)):  # trees
        tx = rng.choice([rng.randint(30, 150), rng.randint(width - 150, width - 30)])
        draw.rectangle([tx - 6, ground - 60, tx + 6, ground], fill=(100, 70, 40))
        draw.ellipse([tx - 40, ground - 140, tx + 40, ground - 50], fill=(60, 130 + rng.randint(0, 50), 70))
    for _ in range(rng.randint(6, 14)):  # flowers in the grass, a different meadow per photo
        fx, fy = rng.randint(10, width - 10), rng.randint(ground + 10, height - 10)
        draw.ellipse([fx - 5, fy - 5, fx + 5, fy + 5], fill=rng.choice(FLOWERS))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def avatar(*, seed: int) -> bytes:
    """A 256x256 PNG avatar: a coloured disc with a person's silhouette."""
    rng = random.Random(seed)
    size = 256
    background = (rng.randint(80, 230), rng.randint(80, 230), rng.randint(80, 230))
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    figure = tuple(max(0, c - 70) for c in background)
    draw.ellipse([88, 48, 168, 128], fill=figure)  # head
    draw.ellipse([48, 140, 208, 300], fill=figure)  # shoulders
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()

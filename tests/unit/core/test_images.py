"""The one image pipeline: real JPEG/PNG/WebP in; fakes, oversized files and bombs out; metadata gone."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ihome.core.errors import Invalid
from ihome.core.images import Variant, process_image

AVATAR = Variant("avatar", 200, 200, crop=True)
FIT = Variant("large", 640, 640)
MB = 1024 * 1024


def encode(fmt: str, size=(800, 600), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (120, 30, 200) if mode == "RGB" else (120, 30, 200, 128)).save(buffer, fmt, **save)
    return buffer.getvalue()


def run(data: bytes, *, max_bytes: int = 5 * MB, max_pixels: int = 40_000_000, variants=(AVATAR,)):
    return process_image(data, field="avatar", max_bytes=max_bytes, max_pixels=max_pixels, variants=variants)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_are_accepted_and_re_encoded_as_jpeg(fmt):
    (out,) = run(encode(fmt))
    image = Image.open(io.BytesIO(out.data))
    assert (image.format, image.size, out.width, out.height) == ("JPEG", (200, 200), 200, 200)
    assert out.content_type == "image/jpeg" and out.extension == "jpg"


def test_transparent_png_gets_a_white_background():
    (out,) = run(encode("PNG", size=(50, 50), mode="RGBA"))
    assert Image.open(io.BytesIO(out.data)).mode == "RGB"


def test_fit_keeps_the_aspect_ratio():
    avatar, large = run(encode("JPEG", size=(1600, 800)), variants=(AVATAR, FIT))
    assert (avatar.width, avatar.height) == (200, 200)
    assert (large.width, large.height) == (640, 320)


def test_exif_and_gps_are_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    data = encode("JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    (out,) = run(data)
    stored = Image.open(io.BytesIO(out.data))
    assert not stored.getexif() and "exif" not in stored.info
    assert b"SpyCam" not in out.data


def test_trailing_payload_is_dropped():
    (out,) = run(encode("PNG") + b"<?php evil(); ?>")
    assert b"evil" not in out.data


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                                  encode("JPEG")[:200]])
def test_fake_or_broken_files_are_refused(data):
    with pytest.raises(Invalid) as error:
        run(data)
    assert "avatar" in error.value.fields


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_refused(fmt):
    with pytest.raises(Invalid):
        run(encode(fmt, size=(20, 20)))


def test_oversized_files_are_refused_before_decoding():
    with pytest.raises(Invalid):
        run(encode("PNG"), max_bytes=100)


def test_too_many_pixels_is_refused():
    with pytest.raises(Invalid):
        run(encode("PNG", size=(1000, 1000)), max_pixels=999_999)


def test_a_decompression_bomb_is_refused():
    """A tiny file claiming a huge canvas: refused from its header, never decoded."""
    bomb = _bomb_png()
    assert len(bomb) < 200 * 1024
    with pytest.raises(Invalid):
        run(bomb)  # our pixel limit
    with pytest.raises(Invalid):
        run(bomb, max_pixels=10**12)  # and Pillow's own bomb guard behind it


def _bomb_png() -> bytes:
    image = Image.new("1", (20000, 20000))  # 400 Mpx of one bit: compresses to a few dozen KB
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()

"""The one image pipeline every upload goes through (avatars, house photos).

Uploads are untrusted: Pillow must recognise a real JPEG, PNG or WebP; files over the size limit
and images of more pixels than the caller allows (each kind of image has its own bound) are refused
from the header, before decoding; the image is re-encoded, which drops EXIF (GPS included), ICC and
any trailing payload, and resized to each requested size.

Decoding is the costly part (a 40-megapixel PNG takes seconds of CPU and hundreds of MB), so a JPEG
is decoded at the smallest scale that still covers the largest variant (``draft``), a large image is
box-reduced once before anything else, and each process decodes at most ``IMAGE_CONCURRENCY`` images
at a time: ``IMAGE_QUEUE`` more wait up to ``IMAGE_WAIT_SECONDS``; the others get 503 (``Retry-After``).
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ihome.core.errors import Invalid, Unavailable

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F"}


@dataclass(frozen=True)
class Variant:
    """One output size: fit within ``width`` x ``height``, or crop to exactly that when ``crop``."""

    name: str
    width: int
    height: int
    crop: bool = False
    quality: int = 85


@dataclass(frozen=True)
class ProcessedImage:
    name: str
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"
    extension: str = "jpg"


def _refuse(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def process_image(data: bytes, *, field: str, max_bytes: int, max_pixels: int,
                  variants: tuple[Variant, ...]) -> list[ProcessedImage]:
    """Verify ``data`` is a real image within the limits and re-encode it to every variant (JPEG).

    Raises ``Invalid`` (4103) with a message for ``field`` when it is empty, too large, not an image,
    of another format, or has more than ``max_pixels`` pixels (read from the header: nothing is
    decoded). The decoding itself waits for one of this process's image slots (``image_slot``).
    """
    if not data:
        raise _refuse(field, _("Please choose an image file"))
    if len(data) > max_bytes:
        raise _refuse(field, _("The image is larger than %(mb)s MB", mb=max_bytes // (1024 * 1024)))
    need = max(max(variant.width, variant.height) for variant in variants)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise _refuse(field, _("Only JPEG, PNG or WebP images are accepted"))
            width, height = probe.size
            if width * height > max_pixels:
                raise _refuse(field, _("The image is %(width)s×%(height)s pixels; at most %(limit)s million "
                                       "pixels are accepted", width=width, height=height,
                                       limit=_megapixels(max_pixels)))
            probe.verify()  # structure check; the object is unusable afterwards
            with image_slot():
                image: Image.Image = Image.open(io.BytesIO(data))
                image.draft("RGB", (need, need))  # JPEG: decode at 1/2, 1/4 or 1/8 scale when that suffices
                image.load()
                return _render_all(_shrink(image, need), variants)
    except (Invalid, Unavailable):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field, _("The image has too many pixels")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, IndexError, EOFError):  # IndexError: no IDAT
        raise _refuse(field, _("The file is not a valid image")) from None


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


def _shrink(image: Image.Image, need: int) -> Image.Image:
    """Box-reduce by a whole factor while the shorter side stays at least ``need`` (cheap, and
    every later step then works on a small image)."""
    factor = min(image.width, image.height) // need
    if factor < 2:
        return image
    if image.mode not in REDUCIBLE_MODES:  # palette and 1-bit images: reduce() needs real channels
        image = image.convert("RGBA")
    return image.reduce(factor)


def _render_all(image: Image.Image, variants: tuple[Variant, ...]) -> list[ProcessedImage]:
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image = image.convert("RGB")
    return [_render(image, variant) for variant in variants]


# ---- at most IMAGE_CONCURRENCY images decoded at once in each process ----------------------------------

class ImageSlots:
    """``size`` slots, and a bounded queue: a server thread that would only wait behind a long queue is
    refused at once, so uploads can never occupy every thread of a worker while other pages wait."""

    def __init__(self, size: int):
        self._semaphore = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._size = size
        self._admitted = 0  # holding a slot or waiting for one

    def acquire(self, *, timeout: float, queue: int) -> bool:
        """Take a slot within ``timeout`` seconds, unless ``queue`` others are already waiting."""
        with self._lock:
            if self._admitted >= self._size + queue:
                return False
            self._admitted += 1
        if self._semaphore.acquire(timeout=timeout):
            return True
        with self._lock:
            self._admitted -= 1
        return False

    def release(self) -> None:
        self._semaphore.release()
        with self._lock:
            self._admitted -= 1


_slots_lock = threading.Lock()
RETRY_AFTER_SECONDS = 2  # about one decode of the largest image accepted


def _slots() -> ImageSlots:
    """This app's slots (created on first use, in the process that serves)."""
    extensions = current_app.extensions
    with _slots_lock:
        if "ihome.image_slots" not in extensions:
            extensions["ihome.image_slots"] = ImageSlots(current_app.config["IMAGE_CONCURRENCY"])
        return extensions["ihome.image_slots"]


@contextmanager
def image_slot() -> Iterator[None]:
    """Hold one image slot while decoding; ``Unavailable`` (503, ``Retry-After``) when ``IMAGE_QUEUE``
    uploads already wait or no slot frees up in ``IMAGE_WAIT_SECONDS``, so a burst of uploads can take
    neither every core, nor gigabytes of memory, nor every server thread."""
    if not has_app_context():  # a script or a unit test: no server, nothing to share
        yield
        return
    config = current_app.config
    slots, wait = _slots(), config["IMAGE_WAIT_SECONDS"]
    if not slots.acquire(timeout=wait, queue=config["IMAGE_QUEUE"]):
        raise Unavailable(_("Too many images are being processed, please try again in a few seconds"),
                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    try:
        yield
    finally:
        slots.release()


def _render(image: Image.Image, variant: Variant) -> ProcessedImage:
    if variant.crop:
        out = ImageOps.fit(image, (variant.width, variant.height), Image.Resampling.LANCZOS)
    else:
        out = image.copy()
        out.thumbnail((variant.width, variant.height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=variant.quality, optimize=True, progressive=True)  # no exif= : stripped
    return ProcessedImage(variant.name, buffer.getvalue(), out.width, out.height)

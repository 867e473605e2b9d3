"""The one image pipeline every upload goes through (avatars, house photos).

Uploads are untrusted: Pillow must recognise a real JPEG, PNG or WebP; files over the size limit
and decompression bombs (too many pixels) are refused before decoding; the image is re-encoded,
which drops EXIF (GPS included), ICC and any trailing payload, and resized to each requested size.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ihome.core.errors import Invalid

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


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
    of another format, or has too many pixels.
    """
    if not data:
        raise _refuse(field, _("Please choose an image file"))
    if len(data) > max_bytes:
        raise _refuse(field, _("The image is larger than %(mb)s MB", mb=max_bytes // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise _refuse(field, _("Only JPEG, PNG or WebP images are accepted"))
            width, height = probe.size
            if width * height > max_pixels:
                raise _refuse(field, _("The image has too many pixels"))
            probe.verify()  # structure check; the object is unusable afterwards
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field, _("The image has too many pixels")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, IndexError, EOFError):  # IndexError: no IDAT
        raise _refuse(field, _("The file is not a valid image")) from None

    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image = image.convert("RGB")
    return [_render(image, variant) for variant in variants]


def _render(image: Image.Image, variant: Variant) -> ProcessedImage:
    if variant.crop:
        out = ImageOps.fit(image, (variant.width, variant.height), Image.Resampling.LANCZOS)
    else:
        out = image.copy()
        out.thumbnail((variant.width, variant.height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=variant.quality, optimize=True, progressive=True)  # no exif= : stripped
    return ProcessedImage(variant.name, buffer.getvalue(), out.width, out.height)

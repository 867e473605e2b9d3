"""Image captchas drawn with the ``captcha`` package: four characters, as a JPEG.

The alphabet leaves out characters people confuse (0/O, 1/I/L) so a failed attempt means a wrong
answer, not an unreadable image.
"""

from __future__ import annotations

import io
import secrets

from captcha.image import ImageCaptcha

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4
WIDTH, HEIGHT = 160, 60


def random_text(length: int = LENGTH) -> str:
    """A fresh captcha answer."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def render_jpeg(text: str) -> bytes:
    """The JPEG image showing ``text``."""
    image = ImageCaptcha(width=WIDTH, height=HEIGHT).generate_image(text)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=70)
    return buffer.getvalue()

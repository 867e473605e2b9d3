"""Fixtures of the houses domain (registered in tests/conftest.py through pytest_plugins)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import login
from tests.factories.accounts import make_user


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (800, 600),
                color: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    """A real image drawn with Pillow, in ``fmt`` (JPEG, PNG, WEBP)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def stored_files(app) -> list[Path]:
    """Every file under the local storage root (``<instance>/uploads``)."""
    root = Path(app.instance_path) / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def host(app):
    """A verified host (real-name info set), committed."""
    with app.app_context():
        user = make_user(verified=True)
        user.id  # noqa: B018 - load the attributes while the session is open
        return user


@pytest.fixture
def host_api(api, host):
    """The API as the verified host, logged in."""
    login(api.client, host.id)
    return api

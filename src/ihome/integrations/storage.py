"""Where uploaded files live: a ``Storage`` protocol, local files (default) and Qiniu.

Keys are content-addressed (``<prefix>/<sha256>.<ext>``): the same bytes get the same key, a key's
content never changes, so files can be cached forever. ``IHOME_STORAGE_BACKEND`` picks the backend.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask

from ihome.integrations import per_app

KEY_PATTERN = re.compile(r"^[a-z0-9_-]+/[0-9a-f]{64}\.[a-z0-9]{2,5}$")


def content_key(data: bytes, *, prefix: str, extension: str) -> str:
    """The content-addressed key of ``data``."""
    return f"{prefix}/{hashlib.sha256(data).hexdigest()}.{extension}"


class Storage(Protocol):
    """Stores bytes under a key and says where the public can fetch them."""

    def save(self, data: bytes, *, prefix: str, extension: str, content_type: str) -> str:
        """Store ``data``; returns its key. Raises ``StorageFailed`` or ``ProviderFailed``."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` if present (used to clean up after a failed transaction)."""
        ...

    def url(self, key: str) -> str:
        """The public URL of ``key``."""
        ...


class LocalStorage:
    """Files under ``<instance>/uploads``, served by the app at ``/media/<key>``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def save(self, data: bytes, *, prefix: str, extension: str, content_type: str) -> str:
        from ihome.core.errors import StorageFailed

        key = content_key(data, prefix=prefix, extension=extension)
        target = self.path(key)
        if target.exists():
            return key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # write then rename: a reader never sees half a file
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except OSError as exc:
            raise StorageFailed() from exc
        return key

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return f"/media/{key}"


def get_storage() -> Storage:
    """The storage backend of the current app (created once per app)."""
    return per_app("ihome.storage", build_storage)


def build_storage(app: Flask) -> Storage:
    backend = app.config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStorage(Path(app.instance_path) / "uploads")
    if backend == "qiniu":
        from ihome.integrations.qiniu_storage import QiniuStorage

        return QiniuStorage.from_config(app.config)
    raise ValueError(f"IHOME_STORAGE_BACKEND must be local or qiniu, not {backend!r}")


def media_url(key: str | None) -> str | None:
    """The public URL of a stored key, or None."""
    return get_storage().url(key) if key else None

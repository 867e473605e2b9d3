"""Qiniu Kodo object storage through the ``qiniu`` SDK: form upload with an upload token.

Keys are content-addressed like the local backend's (``avatars/<sha256>.jpg``), so a key's bytes
never change and the CDN may cache them forever. ``IHOME_QINIU_UPLOAD_HOST`` points the SDK at
another host for every Qiniu API (the tests' local stand-in); unset, the SDK finds the bucket's
region itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import qiniu
from qiniu.region import LegacyRegion

from ihome.core.errors import ProviderFailed
from ihome.integrations.storage import content_key

log = logging.getLogger(__name__)
TOKEN_SECONDS = 3600
FILE_EXISTS = 614  # Qiniu: the key exists already; content-addressed, so it holds these very bytes
NOT_FOUND = 612


class QiniuStorage:
    """Uploads to a Qiniu bucket; public URLs on the bucket's domain (``IHOME_QINIU_DOMAIN``)."""

    def __init__(self, *, access_key: str, secret_key: str, bucket: str, domain: str,
                 upload_host: str | None = None):
        self.auth = qiniu.Auth(access_key, secret_key)
        self.bucket = bucket
        self.domain = domain.rstrip("/")
        self.regions: list[Any] | None = None
        if upload_host:
            host = upload_host.rstrip("/")
            scheme = "https" if host.startswith("https://") else "http"
            self.regions = [LegacyRegion(up_host=host, up_host_backup=host, io_host=host, rs_host=host,
                                         rsf_host=host, api_host=host, scheme=scheme)]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> QiniuStorage:
        """Build from ``IHOME_QINIU_*``; refuses to start without keys, bucket and domain."""
        names = ("QINIU_ACCESS_KEY", "QINIU_SECRET_KEY", "QINIU_BUCKET", "QINIU_DOMAIN")
        missing = [name for name in names if not config.get(name)]
        if missing:
            raise ValueError("IHOME_STORAGE_BACKEND=qiniu needs " + ", ".join("IHOME_" + m for m in missing))
        return cls(access_key=config["QINIU_ACCESS_KEY"], secret_key=config["QINIU_SECRET_KEY"],
                   bucket=config["QINIU_BUCKET"], domain=config["QINIU_DOMAIN"],
                   upload_host=config.get("QINIU_UPLOAD_HOST"))

    def upload_token(self, key: str) -> str:
        """A token allowing exactly this key in this bucket to be written, for an hour."""
        return self.auth.upload_token(self.bucket, key, TOKEN_SECONDS)

    def save(self, data: bytes, *, prefix: str, extension: str, content_type: str) -> str:
        """Upload ``data``; returns its key, or raises ``ProviderFailed`` (502/4301)."""
        key = content_key(data, prefix=prefix, extension=extension)
        try:
            ret, info = qiniu.put_data(self.upload_token(key), key, data, mime_type=content_type,
                                       regions=self.regions)
        except Exception as exc:  # the SDK raises for region lookups and malformed answers
            log.warning("Qiniu upload of %s failed: %s", key, exc)
            raise ProviderFailed() from exc
        if info.status_code == FILE_EXISTS or (info.status_code == 200 and ret and ret.get("key") == key):
            return key
        log.warning("Qiniu upload of %s failed: HTTP %s, reqid %s, %s", key, info.status_code,
                    info.req_id, info.error or info.text_body)
        raise ProviderFailed()

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is fine, other failures raise ``ProviderFailed``."""
        manager = qiniu.BucketManager(self.auth, regions=self.regions)
        try:
            _, info = manager.delete(self.bucket, key)
        except Exception as exc:
            log.warning("Qiniu delete of %s failed: %s", key, exc)
            raise ProviderFailed() from exc
        if info.status_code not in (200, NOT_FOUND):
            log.warning("Qiniu delete of %s failed: HTTP %s, reqid %s", key, info.status_code, info.req_id)
            raise ProviderFailed()

    def url(self, key: str) -> str:
        """``<domain>/<key>``."""
        return f"{self.domain}/{key}"

"""A local stand-in for Ronglian's REST host: checks the signature and answers in its format."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.http_stub import serving

SID, TOKEN, APP_ID = "8aaf0708a1b2c3d4e5f6", "5c3f2a1b0d9e8f7a6b5c4d3e2f1a0b9c", "8a216da8aabbccdd"


@dataclass
class FakeRonglian:
    """Answers queued in ``answers`` (HTTP status, JSON body) first, then success; records requests."""

    answers: list[tuple[int, dict | str]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def handle(self, path: str, headers: Any, raw: bytes) -> tuple[int, dict | str, dict[str, str]]:
        status, answer = self._answer(path, headers, raw)
        return status, answer, {}

    def _answer(self, path: str, headers: Any, raw: bytes) -> tuple[int, dict | str]:
        parts = urlsplit(path)
        body = json.loads(raw)
        self.requests.append({"path": parts.path, "query": parse_qs(parts.query), "headers": dict(headers),
                              "body": body})
        expected_path = f"/2013-12-26/Accounts/{SID}/SMS/TemplateSMS"
        auth = base64.b64decode(headers.get("Authorization", "")).decode()
        sid, _, timestamp = auth.partition(":")
        sig = hashlib.md5((SID + TOKEN + timestamp).encode(), usedforsecurity=False).hexdigest().upper()
        if parts.path != expected_path or sid != SID:
            return 404, {"statusCode": "111111", "statusMsg": "unknown account"}
        if parse_qs(parts.query).get("sig") != [sig]:
            return 200, {"statusCode": "111113", "statusMsg": "请求的sig参数错误"}
        if self.answers:
            return self.answers.pop(0)
        return 200, {"statusCode": "000000", "templateSMS": {"smsMessageSid": "ff8080813c373cab013c94b0f0512345",
                                                             "dateCreated": "20260101120000"}}


@contextmanager
def running(fake: FakeRonglian) -> Iterator[FakeRonglian]:
    """Serve ``fake`` on 127.0.0.1 for the duration of the block."""
    with serving(fake.handle) as url:
        fake.url = url
        yield fake

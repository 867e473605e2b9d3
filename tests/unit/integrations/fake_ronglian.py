"""A local stand-in for Ronglian's REST host: checks the signature and answers in its format."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SID, TOKEN, APP_ID = "8aaf0708a1b2c3d4e5f6", "5c3f2a1b0d9e8f7a6b5c4d3e2f1a0b9c", "8a216da8aabbccdd"


@dataclass
class FakeRonglian:
    """Answers queued in ``answers`` (HTTP status, JSON body) first, then success; records requests."""

    answers: list[tuple[int, dict | str]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict | str]:
        parts = urlsplit(handler.path)
        body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
        self.requests.append({"path": parts.path, "query": parse_qs(parts.query), "headers": dict(handler.headers),
                              "body": body})
        expected_path = f"/2013-12-26/Accounts/{SID}/SMS/TemplateSMS"
        auth = base64.b64decode(handler.headers.get("Authorization", "")).decode()
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

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            status, answer = fake.handle(self)
            data = (answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

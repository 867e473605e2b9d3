"""A local HTTP server for stand-ins of outside services (Ronglian, Qiniu), on 127.0.0.1 only.

The stand-in is a function from (path, headers, body) to (status, JSON-able answer, extra headers);
``serving`` runs it in a thread for the duration of a ``with`` block and yields its base URL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, Any, dict[str, str]]
Respond = Callable[[str, Any, bytes], Answer]


@contextmanager
def serving(respond: Respond) -> Iterator[str]:
    """Serve POST requests with ``respond`` until the block ends; yields ``http://127.0.0.1:<port>``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer, headers = respond(self.path, self.headers, body)
            data = (answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()

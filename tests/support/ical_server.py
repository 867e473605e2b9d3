"""A real HTTP server on 127.0.0.1 serving .ics files, the way Airbnb's and Google's servers do.

``IcalServer.routes`` maps a path to what it answers; a test may change a route between two syncs
(a feed that breaks after a good fetch). Special answers: ``Redirect(to)``, ``Stall()`` (headers, then
silence until the server stops), ``Huge(n)`` (n bytes of a calendar that never ends). ``hits`` counts
requests per path, so a test can prove a refused URL was never fetched.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ical"


def fixture(name: str) -> bytes:
    """A stored .ics file of tests/fixtures/ical."""
    return (FIXTURES / name).read_bytes()


@dataclass(frozen=True)
class Redirect:
    to: str
    status: int = 302


@dataclass(frozen=True)
class Stall:
    """Send the status line and headers, then nothing (a server that hangs mid-answer)."""


@dataclass(frozen=True)
class Huge:
    size: int


@dataclass(frozen=True)
class Status:
    code: int


class IcalServer:
    """``with IcalServer() as server: server.routes["/a.ics"] = fixture("airbnb.ics"); server.url("/a.ics")``."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.hits: Counter[str] = Counter()
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                server.hits[self.path] += 1
                answer = server.routes.get(self.path, Status(404))
                if isinstance(answer, Redirect):
                    self.send_response(answer.status)
                    self.send_header("Location", answer.to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif isinstance(answer, Stall):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/calendar")
                    self.end_headers()
                    self.wfile.write(b"BEGIN:VCALENDAR\r\n")
                    self.wfile.flush()
                    server.stop.wait(10)
                elif isinstance(answer, Huge):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/calendar")  # no length: the client must count
                    self.end_headers()
                    chunk = b"X-FILLER:" + b"x" * 1000 + b"\r\n"
                    sent = 0
                    try:
                        while sent < answer.size and not server.stop.is_set():
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                elif isinstance(answer, Status):
                    self.send_response(answer.code)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    body = answer if isinstance(answer, bytes) else str(answer).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/calendar; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.httpd.server_port}{path}"

    def __enter__(self) -> IcalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

"""Fetching another site's calendar safely: the URL a host typed is untrusted input (SSRF).

- Only ``http`` and ``https`` (``webcal://``, what Apple and some sites show, means ``https://``), no
  user name or password in the URL, at most 2,000 characters.
- ``requests`` with a connect and a read timeout, an overall deadline, and a size cap: the body is
  streamed and the fetch stops at ``MAX_FEED_BYTES``.
- Redirects are followed by hand (at most ``MAX_REDIRECTS``), each hop checked like the first URL.
- Unless ``IHOME_ICAL_ALLOW_PRIVATE`` (on in development and testing only), an address that is not
  global (private, loopback, link-local, multicast, reserved, unspecified, shared) is refused. The
  check is made on the address the socket connects to, inside the connection itself (urllib3's
  ``_new_conn``), so a name that resolves to a public address when checked and to 127.0.0.1 when
  connected (DNS rebinding) gains nothing; no proxy from the environment is used.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

MAX_URL_LENGTH = 2000
MAX_FEED_BYTES = 1024 * 1024  # 1 MiB: Airbnb's feed of a busy listing is a few kB
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
USER_AGENT = "iHome-calendar-sync/1.0 (+iCal import)"


class FetchRefused(Exception):
    """The URL may not be fetched (scheme, form, or a non-public address); the message says why."""


class FetchFailed(Exception):
    """The fetch was allowed but did not give a calendar body (network, HTTP status, size, time)."""


def normalise_url(url: str) -> str:
    """The URL to store and fetch: stripped, ``webcal://`` as ``https://``; ``FetchRefused`` if unusable."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    check_url_form(url)
    return url


def check_url_form(url: str) -> None:
    """``FetchRefused`` unless ``url`` is an absolute http(s) URL with a host and no credentials."""
    if not url or len(url) > MAX_URL_LENGTH:
        raise FetchRefused(f"the URL must be 1 to {MAX_URL_LENGTH} characters")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise FetchRefused("the URL may not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused("the URL is malformed") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise FetchRefused("only http and https URLs can be imported")
    if not parts.hostname:
        raise FetchRefused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("the URL may not carry a user name or password")
    if port == 0:
        raise FetchRefused("the URL's port is invalid")


def address_allowed(address: str) -> bool:
    """Whether ``address`` (an IP literal) is a public unicast address a fetch may reach."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return bool(ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                      or ip.is_private or ip.is_unspecified))


AddressPolicy = Callable[[str], bool]


def any_address(address: str) -> bool:
    """The policy of development and testing: every address may be fetched (a local test server)."""
    return True


def loopback_only(address: str) -> bool:
    """The policy of the test suite: only this machine's loopback addresses, where its servers listen."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def address_policy(*, allow_private: bool, testing: bool = False) -> AddressPolicy:
    """``address_allowed`` (public addresses only) unless ``IHOME_ICAL_ALLOW_PRIVATE`` is on; then any address
    in development, and loopback only in testing (a test, or a fuzzer posting URLs, never reaches out)."""
    if not allow_private:
        return address_allowed
    return loopback_only if testing else any_address


def check_host(host: str, port: int, *, allowed: AddressPolicy) -> None:
    """``FetchRefused`` if ``host`` names (or resolves to) an address a fetch may not reach.

    Every address the name resolves to must be allowed (a name with a public and a private record is
    refused). A name that does not resolve now is not refused here: the fetch will fail and say so.
    """
    if allowed is any_address:
        return
    if _is_literal(host):
        if not allowed(host.strip("[]")):
            raise FetchRefused("the URL points to a private, loopback or reserved address")
        return
    if allowed is loopback_only and host != "localhost":
        raise FetchRefused("in testing, calendars are fetched from loopback addresses only")  # no DNS query
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return
    for info in infos:
        if not allowed(str(info[4][0])):
            raise FetchRefused("the URL points to a private, loopback or reserved address")


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


# ---- connections that check the address they connect to ------------------------------------------------

class _CheckedConnectionMixin:
    """``_new_conn`` resolves the host, refuses non-public addresses and connects to a checked one."""

    allowed: AddressPolicy = staticmethod(address_allowed)  # type: ignore[assignment]
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        host = getattr(self, "_dns_host", self.host)
        try:
            infos = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise NewConnectionError(self, f"cannot resolve {host}") from exc  # type: ignore[arg-type]
        if any(not type(self).allowed(str(info[4][0])) for info in infos):
            raise AddressRefused(f"{host} resolves to a non-public address")
        error: OSError | None = None
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        for family, kind, proto, _name, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(timeout)
                sock.connect(address)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise NewConnectionError(self, f"cannot connect to {host}: {error}")  # type: ignore[arg-type]


class AddressRefused(OSError):
    """Raised inside a connection: the resolved address is not public (turned into ``FetchRefused``)."""


def _adapter(allowed: AddressPolicy) -> HTTPAdapter:
    class CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
        pass

    class CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
        pass

    CheckedHTTPConnection.allowed = CheckedHTTPSConnection.allowed = staticmethod(allowed)  # type: ignore[assignment]

    class CheckedHTTPPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTPConnection

    class CheckedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPSConnection

    adapter = HTTPAdapter(max_retries=0)
    adapter.poolmanager.pool_classes_by_scheme = {"http": CheckedHTTPPool, "https": CheckedHTTPSPool}
    return adapter


def _refused_cause(exc: BaseException) -> bool:
    """Whether an ``AddressRefused`` is somewhere in the chain requests and urllib3 wrapped it in."""
    pending: list[Any] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 50:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, AddressRefused):
            return True
        pending.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


# ---- the fetch ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    timeout: float = 10.0
    max_bytes: int = MAX_FEED_BYTES
    max_redirects: int = MAX_REDIRECTS

    @property
    def deadline_seconds(self) -> float:
        return self.timeout * 3


def fetch_feed(url: str, *, allowed: AddressPolicy, limits: FetchLimits | None = None) -> bytes:
    """The body of ``url`` (at most ``limits.max_bytes``); ``FetchRefused`` or ``FetchFailed`` otherwise."""
    limits = limits or FetchLimits()
    deadline = time.monotonic() + limits.deadline_seconds
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc from the environment: we connect where we checked
        adapter = _adapter(allowed)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        current = url
        for _hop in range(limits.max_redirects + 1):
            check_url_form(current)
            parts = urlsplit(current)
            check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                       allowed=allowed)
            response = _get(session, current, limits)
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchFailed(f"HTTP {response.status_code} without a Location")
                    current = urljoin(current, location)
                    continue
                if response.status_code != 200:
                    raise FetchFailed(f"HTTP {response.status_code}")
                return _read_capped(response, limits, deadline)
        raise FetchFailed(f"more than {limits.max_redirects} redirects")


def _get(session: requests.Session, url: str, limits: FetchLimits) -> requests.Response:
    try:
        return session.get(url, stream=True, allow_redirects=False, timeout=(limits.timeout, limits.timeout),
                           headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"})
    except requests.exceptions.Timeout as exc:
        raise FetchFailed("the calendar's server did not answer in time") from exc
    except requests.exceptions.RequestException as exc:
        if _refused_cause(exc):
            raise FetchRefused("the URL points to a private, loopback or reserved address") from exc
        raise FetchFailed(f"could not reach the calendar's server ({type(exc).__name__})") from exc


def _read_capped(response: requests.Response, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchFailed(f"the calendar is larger than {limits.max_bytes // 1024} KiB")
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=16384):
            body += chunk
            if len(body) > limits.max_bytes:
                raise FetchFailed(f"the calendar is larger than {limits.max_bytes // 1024} KiB")
            if time.monotonic() > deadline:
                raise FetchFailed("the calendar's server sent it too slowly")
    except requests.exceptions.RequestException as exc:  # a read timeout mid-body, a reset
        raise FetchFailed("the calendar's server stopped answering") from exc
    return bytes(body)

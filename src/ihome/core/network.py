"""Who is calling: the client address, as the trusted proxies report it."""

from flask import request


def client_ip() -> str:
    """The client's IP address (ProxyFix has already applied trusted X-Forwarded-For hops)."""
    return request.remote_addr or "unknown"

"""Outside services, each a Protocol with a real implementation and a local twin.

``per_app`` keeps one instance of a chosen implementation per Flask app, built on first use from
the app's configuration (so a test's second app gets its own, and nothing is built at import).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")


def per_app(key: str, build: Callable[[Flask], T]) -> T:
    """The current app's instance under ``key``, made by ``build(app)`` the first time."""
    instance = current_app.extensions.get(key)
    if instance is None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        instance = current_app.extensions[key] = build(app)
    return instance

"""Migration tests: an app on a fresh database upgraded to an old revision, and raw SQL on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from ihome import create_app

NOW = "2026-01-01 00:00:00"


@contextmanager
def app_at(revision: str, *, database_url: str, redis_url: str, instance: Path) -> Iterator[Any]:
    """An app whose own database stands at ``revision``, holding no rows yet."""
    application = create_app({"IHOME_ENV": "testing", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                              "INSTANCE_PATH": str(instance)})
    with application.app_context():
        upgrade(revision=revision)
        yield application


def run(sql: str, **params: Any) -> list[Any] | None:
    """Run one statement on that app's own database (``db.session`` is the unit tests' transaction)."""
    from ihome.extensions import db

    with db.engine.begin() as connection:
        result = connection.execute(text(sql), {"now": NOW, **params})
        return result.all() if result.returns_rows else None


def fixture_at(revision: str) -> Any:
    """A pytest fixture: an app on a fresh database of its own (Redis db 14) upgraded to ``revision``."""
    from tests.conftest import redis_url

    @pytest.fixture
    def old_app(new_database_url: Any, redis_server: Any, tmp_path: Path) -> Iterator[Any]:
        with app_at(revision, database_url=new_database_url("mig" + revision[:4]),
                    redis_url=redis_url(redis_server, 14), instance=tmp_path) as application:
            yield application

    return old_app

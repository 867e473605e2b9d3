"""A scratch database for the explain scripts: an app on a new, prepared database of the kind asked for
(a PostgreSQL cluster of its own, or a SQLite file) in a temporary folder, stopped at the end."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.live import free_port
from tests.support.postgres import PostgresCluster


@contextmanager
def scratch_app(kind: str, *, prefix: str) -> Iterator[tuple[Any, str]]:
    """``(app, database URL)`` on an empty, prepared ``kind`` (postgresql | sqlite) database; no Redis."""
    from ihome import create_app
    from ihome.cli import prepare_database

    root = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = PostgresCluster(port=free_port()).start() if kind == "postgresql" else None
    try:
        url = cluster.create_database("bench") if cluster else f"sqlite:///{root / 'bench.db'}"
        app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": str(root / "instance"),
                          "REDIS_URL": f"unix://{root}/none.sock?db=0", "LOG_LEVEL": "ERROR"})
        with app.app_context():
            prepare_database()
        yield app, url
    finally:
        if cluster:
            cluster.stop()

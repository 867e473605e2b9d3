"""The scale-out layout (``make scale``): two web nodes behind nginx, one PostgreSQL, one Redis, one worker.

Collected only with ``IHOME_SCALE=1`` (``make scale`` sets it): it starts six processes and is not part of
the default suite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests.conftest import TEST_DB, missing, redis_url
from tests.scale.cluster import Layout
from tests.support.live import app_on

collect_ignore_glob = [] if os.environ.get("IHOME_SCALE") == "1" else ["test_*.py"]


@pytest.fixture(scope="session")
def layout(redis_server, new_database_url, tmp_path_factory) -> Iterator[Layout]:
    if TEST_DB != "postgresql":
        missing("the scale run needs PostgreSQL: IHOME_TEST_DB=postgresql (make scale sets it)")
    with Layout(root=tmp_path_factory.mktemp("scale"), database_url=new_database_url("scale"),
                redis_url=redis_url(redis_server, 9)) as running:
        yield running


@pytest.fixture
def scale_app(layout, db):
    """An app bound to the layout's database and Redis, so factories write rows both nodes see."""
    with app_on(database_url=layout.database_url, redis_url=layout.redis_url,
                instance=layout.instance) as application:
        yield application


@pytest.fixture
def through(layout):
    """``live``-shaped handles for the helpers of the other server tests: nginx and each node directly."""
    env = {"IHOME_REDIS_URL": layout.redis_url}
    return SimpleNamespace(
        nginx=SimpleNamespace(url=layout.nginx_url, env=env),
        nodes=[SimpleNamespace(url=node.url, env=env) for node in layout.nodes],
    )

"""Fixtures for the whole suite: a real Redis, a real database (SQLite or PostgreSQL), the app,
a savepoint per test, clients, users in each state, a live multi-process server and Chromium.

``IHOME_TEST_DB=postgresql`` runs the same suite on a private PostgreSQL cluster started here.
With ``CI=true`` nothing is skipped: a missing PostgreSQL or Chromium fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import scoped_session, sessionmaker

from ihome import create_app
from ihome.runtime import EmbeddedRedis
from tests.support.api_client import ApiClient
from tests.support.live import LiveServer, app_on
from tests.support.postgres import PostgresCluster, pg_bin

pytest_plugins = [
    "tests.support.accounts_fixtures",
    "tests.support.houses_fixtures",
    "tests.support.orders_fixtures",
    "tests.support.payments_fixtures",
    "tests.support.conversations_fixtures",
    "tests.support.admin_fixtures",
]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_DB = os.environ.get("IHOME_TEST_DB", "sqlite")
CHROMIUM = os.environ.get("IHOME_CHROMIUM", "/usr/bin/chromium")
_live_db_index = iter(range(1, 16))


def missing(reason: str) -> None:
    """Skip on a developer machine; fail in CI, where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)


# ---- servers for the session ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster | None]:
    if TEST_DB != "postgresql":
        yield None
        return
    if pg_bin() is None:
        missing("PostgreSQL is not installed (apt-get install -y postgresql)")
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def new_database_url(pg_cluster, tmp_path_factory):
    """A function giving a fresh, empty database URL of the kind under test."""

    def make(prefix: str = "ihome") -> str:
        if pg_cluster is not None:
            return pg_cluster.create_database(prefix)
        return f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'ihome.db'}"

    return make


def redis_url(server: EmbeddedRedis, db: int) -> str:
    return f"unix://{server.socket}?db={db}"


# ---- the app under test ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def app(redis_server, new_database_url, tmp_path_factory):
    """One app for the session, on a migrated and seeded database."""
    from ihome.cli import prepare_database

    application = create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": new_database_url("unit"),
        "REDIS_URL": redis_url(redis_server, 0),
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "CELERY_ALWAYS_EAGER": True,
        "CAPTCHA_TEST_CODE": None,
        "PUBLIC_URL": "http://localhost",
    })
    with application.app_context():
        prepare_database()
    return application


@pytest.fixture(autouse=True)
def db(app):
    """Each test runs inside a transaction rolled back at the end; the app's commits are savepoints.

    No app context stays pushed during the test: each request of the test client gets its own, as
    in production (a shared one would share ``g`` between requests). Tests that call services
    directly ask for ``app_ctx``.
    """
    from ihome.extensions import db as database

    with app.app_context():
        connection = database.engine.connect()
    transaction = connection.begin()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # pysqlite would otherwise let RELEASE commit
    original = database.session
    database.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=True)
    )
    try:
        yield database
    finally:
        database.session.remove()
        database.session = original
        transaction.rollback()
        connection.close()
        from ihome.admin import counters
        from ihome.houses import search_refresh

        counters.flush()  # this test's buffered counts land before the wipe, never in the next test's Redis
        search_refresh.flush()  # so do its popular searches
        app.extensions["ihome.redis"].flushdb()


@pytest.fixture
def app_ctx(app):
    with app.test_request_context("/"):
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client) -> ApiClient:
    """The JSON API as a browser would call it (cookies, CSRF header)."""
    return ApiClient(client)


@pytest.fixture
def redis(app):
    return app.extensions["ihome.redis"]


def login(client, user_id: int) -> None:
    """Log a test client in without going through the login form.

    The CSRF token is tied to the session, as after a real login: drop the old one, so the next
    response mints one for this session.
    """
    with client.session_transaction() as session:
        session["user_id"] = user_id
    client.delete_cookie("csrf_token")


# ---- a live, multi-process server -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def live(redis_server, new_database_url, tmp_path_factory) -> Iterator[LiveServer]:
    """``ihome serve`` (gunicorn, Celery worker, beat) on its own database, shared by the session."""
    server = LiveServer(
        instance=tmp_path_factory.mktemp("live"),
        database_url=new_database_url("live"),
        redis_url=redis_url(redis_server, next(_live_db_index)),
    ).start()
    yield server
    server.stop()


@pytest.fixture
def live_app(live, db):
    """An app bound to the live server's database and Redis, to arrange data directly.

    ``db.session`` is rebound to the live server's database for the test (the autouse ``db``
    fixture binds it to the unit-test transaction); factories then write rows the server sees.
    Thread-local, so each thread of a race test gets its own session.
    """
    with app_on(database_url=live.env["IHOME_DATABASE_URL"], redis_url=live.env["IHOME_REDIS_URL"],
                instance=live.instance) as application:
        yield application


# ---- Chromium ------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Our users read Chinese first: the browser asks for zh-CN, on a phone-sized screen."""
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def base_url(live) -> str:
    return live.url


@pytest.fixture
def unique_mobile() -> str:
    """A valid mainland mobile number no other test uses."""
    return "13" + str(uuid.uuid4().int)[:9]


def pytest_report_header(config):
    return [f"database: {TEST_DB}; CI: {IN_CI}; chromium: {shutil.which('chromium') or CHROMIUM}"]

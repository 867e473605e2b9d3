"""Disconnect handling paid only after a pause (``core.db.ping_after_idle``, issue 14): a connection given
back moments ago is reused without a ping; one idle longer is pinged, and replaced when the server closed it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ihome.core import db as core_db


@pytest.fixture
def engine(new_database_url):
    engine = create_engine(new_database_url("ping"), pool_size=1, max_overflow=0)
    core_db.ping_after_idle(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch) -> list[object]:
    """The pings the engine sends (the dialect's own ping, counted)."""
    sent: list[object] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _select_one(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar_one()


def test_a_connection_given_back_moments_ago_is_reused_without_a_ping(engine, pings):
    assert [_select_one(engine) for _ in range(5)] == [1] * 5
    assert pings == []


def test_a_connection_idle_longer_than_the_pause_is_pinged_once_per_checkout(engine, pings, monkeypatch):
    _select_one(engine)  # a new connection is never pinged
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert [_select_one(engine) for _ in range(3)] == [1] * 3
    assert len(pings) == 3


def _select_one_and_kill_its_connection(engine) -> None:
    """Use a connection, give it back, then do to it what a server restart does: on PostgreSQL its backend
    is terminated; SQLite has no server, so the pooled connection itself is closed underneath the pool."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        dbapi_connection = connection.connection.dbapi_connection
    if engine.dialect.name != "postgresql":
        dbapi_connection.close()
        return
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": engine.url.database}).scalar_one()
        assert killed == 1
    finally:
        admin.dispose()


def test_a_dead_idle_connection_is_replaced_before_use(engine, pings, monkeypatch):
    _select_one_and_kill_its_connection(engine)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _select_one(engine) == 1  # pinged, found dead, replaced: the caller never saw it
    assert len(pings) == 1


def test_without_the_pause_a_dead_connection_fails_its_first_use(engine, pings):
    """The other side of the trade, and what makes the test above mean something."""
    _select_one_and_kill_its_connection(engine)
    with pytest.raises(DBAPIError) as failed:
        _select_one(engine)
    assert failed.value.connection_invalidated and pings == []
    assert _select_one(engine) == 1  # the pool replaced it

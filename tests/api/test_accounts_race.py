"""Two registrations of one mobile racing each other make exactly one user (real concurrency)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from werkzeug.security import generate_password_hash

from ihome import extensions
from ihome.accounts import codes, service
from ihome.accounts.models import User
from ihome.core.errors import AlreadyExists
from ihome.extensions import db
from tests.support.accounts_fixtures import live_client, live_sms_code

pytestmark = pytest.mark.server


def users_with(mobile: str) -> int:
    """Rows in the live database (the suite's ``db.session`` is bound to the unit-test database)."""
    with Session(db.engine) as session:
        return session.query(User).filter_by(mobile=mobile).count()


def test_concurrent_http_registrations_make_one_user(live, live_app, unique_mobile):
    code = live_sms_code(live, unique_mobile)
    body = {"mobile": unique_mobile, "sms_code": code, "password": "race-pass-1", "password2": "race-pass-1"}
    clients = [live_client(live) for _ in range(6)]
    start = threading.Barrier(len(clients))

    def register(client):
        start.wait()
        return client.post(live.url + "/api/v1.0/users", json=body, timeout=20)

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(register, clients))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1, [a.text for a in answers]
    assert set(statuses) <= {201, 404, 409}
    assert users_with(unique_mobile) == 1


def test_the_unique_constraint_settles_a_race_past_the_checks(live_app, unique_mobile, monkeypatch):
    """Both sessions pass the code and the "already registered" check; the database lets one in."""
    both_checked = threading.Barrier(2)

    def slow_hash(password: str) -> str:  # runs after the pre-check: wait until both are there
        both_checked.wait(timeout=10)
        return generate_password_hash(password)

    # one session per thread, each on its own connection to the live database
    monkeypatch.setattr(extensions.db, "session", scoped_session(sessionmaker(bind=db.engine)))
    monkeypatch.setattr(codes, "spend_sms_code", lambda **kwargs: None)
    monkeypatch.setattr(service, "generate_password_hash", slow_hash)

    def register() -> str:
        with live_app.test_request_context("/"):
            try:
                service.register_user(mobile=unique_mobile, sms_code="x", password="race-pass-1",
                                      password2="race-pass-1")
                db.session.commit()
                return "created"
            except AlreadyExists:
                db.session.rollback()
                return "exists"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _: register(), range(2)))
    assert outcomes == ["created", "exists"]
    assert users_with(unique_mobile) == 1

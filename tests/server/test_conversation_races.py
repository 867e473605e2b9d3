"""Races against the real multi-process server (gunicorn workers x threads), on SQLite and PostgreSQL.

(a) one guest's eight first questions about a house at once: one conversation, eight messages, no 5xx.
(b) forty messages of one user at once: exactly 30 are accepted (the per-minute limit), ten get 429/4201.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ihome.conversations.models import Conversation, Message
from ihome.extensions import db
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.server.test_order_races import errno_of, fire_together
from tests.support.orders_fixtures import live_session

pytestmark = pytest.mark.server


def test_racing_first_questions_make_one_conversation(live, live_app):
    house_id = make_house().id
    guest = make_user()
    http = live_session(live, SimpleNamespace(id=guest.id, mobile=guest.mobile))
    url = f"{live.url}/api/v1.0/houses/{house_id}/conversation"
    answers = fire_together([lambda n=n: http.post(url, json={"text": f"question {n}"}, timeout=60) for n in range(8)])
    assert Counter(a.status_code for a in answers) == {201: 8}, [a.text for a in answers]
    assert len({a.json()["data"]["conversation_id"] for a in answers}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.house_id == house_id)) == 1
    conversation_id = answers[0].json()["data"]["conversation_id"]
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.conversation_id == conversation_id)) == 8


def test_forty_messages_at_once_let_exactly_thirty_through(live, live_app):
    guest = make_user()
    http = live_session(live, SimpleNamespace(id=guest.id, mobile=guest.mobile))
    started = http.post(f"{live.url}/api/v1.0/houses/{make_house().id}/conversation", json={"text": "0"}, timeout=60)
    assert started.status_code == 201, started.text
    conversation_id = started.json()["data"]["conversation_id"]
    url = f"{live.url}/api/v1.0/conversations/{conversation_id}/messages"
    answers = fire_together([lambda n=n: http.post(url, json={"text": str(n)}, timeout=60) for n in range(1, 41)])
    assert Counter((a.status_code, errno_of(a)) for a in answers) == {(201, "0"): 29, (429, "4201"): 11}
    assert all(a.headers.get("Retry-After") for a in answers if a.status_code == 429)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.conversation_id == conversation_id)) == 30

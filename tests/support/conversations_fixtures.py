"""Fixtures of the conversations domain (registered in tests/conftest.py through pytest_plugins)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ihome.accounts.tasks import send_sms_message
from ihome.conversations import service
from ihome.extensions import db
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.support.api_client import ApiClient


@dataclass
class Chat:
    """A host's house, a guest, a stranger and an administrator, each with a logged-in API client."""

    house: object
    host: object
    guest: object
    stranger: object
    admin: object
    host_api: ApiClient
    guest_api: ApiClient
    stranger_api: ApiClient
    admin_api: ApiClient

    def start(self, text: str = "你好，请问可以带宠物吗？") -> dict:
        """The guest asks the host (POST /houses/{id}/conversation); returns the data."""
        return self.guest_api.post(f"/houses/{self.house.id}/conversation", json={"text": text}).expect(201).data


class _RecordedTask:
    """Stands in for ``send_sms_message`` in the conversations service: records what would be queued."""

    name = "tests.conversations.recorded_sms"  # not a registered task: core.tasks._bound keeps this object

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def apply_async(self, args=(), kwargs=None, **_options) -> None:
        self.sent.append((args[0], args[1]))


@pytest.fixture
def message_texts(monkeypatch) -> list[tuple[str, str]]:
    """The (mobile, body) of every text the conversations service queued after a commit (see orders' ``texts``)."""
    recorder = _RecordedTask()
    assert service.send_sms_message is send_sms_message  # the real task is what production uses
    monkeypatch.setattr(service, "send_sms_message", recorder)
    return recorder.sent


@pytest.fixture
def chat(app, message_texts) -> Chat:
    host, guest, stranger = make_user(verified=True), make_user(), make_user()
    admin = make_user(admin=True)
    house = make_house(owner=host, title="湖边小院 Lakeside")
    people = (host, guest, stranger, admin)
    for row in (*people, house):  # loaded now: readable after requests end the session
        db.session.refresh(row)
    clients = []
    for user in people:
        client = app.test_client()
        with client.session_transaction() as session:
            session["user_id"] = user.id
        clients.append(ApiClient(client))
    return Chat(house, host, guest, stranger, admin, *clients)

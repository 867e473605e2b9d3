"""Conversations' limits: 30 messages a minute per user (atomic), one text per conversation per 15 minutes,
and a race to create the same conversation ends with one row."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from ihome.conversations import limits, service
from ihome.conversations.models import Conversation, Message
from ihome.extensions import db


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_31st_message_in_a_minute_is_refused_with_retry_after(chat):
    cid = chat.start("1")["conversation_id"]
    for n in range(2, 31):
        chat.guest_api.post(f"/conversations/{cid}/messages", json={"text": str(n)}).expect(201)
    refused = chat.guest_api.post(f"/conversations/{cid}/messages", json={"text": "31"}).expect(429, "4201")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    chat.guest_api.post(f"/houses/{chat.house.id}/conversation", json={"text": "32"}).expect(429, "4201")
    assert count(Message) == 30
    chat.host_api.post(f"/conversations/{cid}/messages", json={"text": "the host has a quota of their own"}).expect(201)


def test_the_rate_counter_is_atomic_under_concurrency(app):
    def hit(_n: int) -> int:
        with app.app_context():
            return limits.count_message(user_id=424242)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = sorted(pool.map(hit, range(40)))
    assert counts == list(range(1, 41))  # no two requests saw the same count


def test_one_text_per_conversation_and_recipient_per_15_minutes(chat, message_texts, redis):
    cid = chat.start("一")["conversation_id"]
    chat.guest_api.post(f"/conversations/{cid}/messages", json={"text": "二"}).expect(201)
    chat.guest_api.post(f"/conversations/{cid}/messages", json={"text": "三"}).expect(201)
    assert [mobile for mobile, _body in message_texts] == [chat.host.mobile]
    key = limits.text_key(conversation_id=cid, recipient_id=chat.host.id)
    assert 890 <= redis.ttl(key) <= 900  # IHOME_MESSAGE_TEXT_INTERVAL_MINUTES = 15

    chat.host_api.post(f"/conversations/{cid}/messages", json={"text": "您好"}).expect(201)
    assert [mobile for mobile, _body in message_texts] == [chat.host.mobile, chat.guest.mobile]

    redis.delete(key)  # fifteen minutes later the window has expired
    chat.guest_api.post(f"/conversations/{cid}/messages", json={"text": "四"}).expect(201)
    assert [mobile for mobile, _body in message_texts] == [chat.host.mobile, chat.guest.mobile, chat.host.mobile]


def test_a_refused_message_sends_no_text(chat, message_texts):
    chat.guest_api.post(f"/houses/{chat.house.id}/conversation", json={"text": ""}).expect(400, "4103")
    chat.host_api.post(f"/houses/{chat.house.id}/conversation", json={"text": "mine"}).expect(403, "4105")
    assert message_texts == []


def test_a_racing_second_create_reuses_the_first_conversation(chat, app, monkeypatch):
    first = chat.start("先到")
    real_existing = service._existing
    calls = []

    def not_yet_visible(guest_id, house_id):
        calls.append(1)
        # the first look misses (the other request has not committed yet); the insert then hits the unique key
        return None if len(calls) == 1 else real_existing(guest_id, house_id)

    monkeypatch.setattr(service, "_existing", not_yet_visible)
    second = chat.guest_api.post(f"/houses/{chat.house.id}/conversation", json={"text": "后到"}).expect(201).data
    assert second["conversation_id"] == first["conversation_id"] and len(calls) == 2
    assert count(Conversation) == 1 and count(Message) == 2

"""Conversations through the JSON API: one per guest and house, only its two people (and admins, read-only)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from ihome.conversations.models import Conversation, Message
from ihome.extensions import db
from ihome.orders.models import Order, OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.sql import statements_of


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot(conversation_id: int) -> tuple:
    db.session.expire_all()
    c = db.session.get(Conversation, conversation_id)
    return (c.last_message_id, c.guest_read_id, c.host_read_id, rows(Message))


# ---- starting a conversation -------------------------------------------------------------------------------

def test_a_guest_asks_the_host_and_a_second_question_reuses_the_conversation(chat, message_texts):
    first = chat.start("几点可以入住？")
    second = chat.start("可以停车吗？")
    assert second["conversation_id"] == first["conversation_id"]
    conversation = db.session.get(Conversation, first["conversation_id"])
    assert (conversation.guest_id, conversation.host_id, conversation.house_id) == (
        chat.guest.id, chat.host.id, chat.house.id)
    texts = [m.text for m in db.session.scalars(select(Message).where(
        Message.conversation_id == conversation.id).order_by(Message.id))]
    assert texts == ["几点可以入住？", "可以停车吗？"]
    assert conversation.last_message_id == second["message_id"] and conversation.guest_read_id == second["message_id"]
    # the host got one text (not two), which names the house but never carries the message
    assert len(message_texts) == 1
    mobile, body = message_texts[0]
    assert mobile == chat.host.mobile and "湖边小院" in body and "入住" not in body


def test_asking_about_your_own_house_is_refused_and_creates_nothing(chat):
    chat.host_api.post(f"/houses/{chat.house.id}/conversation", json={"text": "hi"}).expect(403, "4105")
    assert (rows(Conversation), rows(Message)) == (0, 0)


def test_asking_about_a_missing_house_is_404(chat):
    chat.guest_api.post("/houses/999999/conversation", json={"text": "hi"}).expect(404, "4002")
    assert rows(Conversation) == 0


def test_anonymous_visitors_cannot_start_or_list(api, chat):
    api.post(f"/houses/{chat.house.id}/conversation", json={"text": "hi"}).expect(401, "4101")
    api.get("/conversations").expect(401, "4101")
    assert api.get("/conversations/unread").expect(200).data == {"unread": 0, "logged_in": False}
    assert rows(Conversation) == 0


def test_text_must_have_1_to_1000_characters(chat):
    for text in ("", "   ", "x" * 1001, "a\x00b", "bell\x07"):
        answer = chat.guest_api.post(f"/houses/{chat.house.id}/conversation", json={"text": text}).expect(400, "4103")
        assert "text" in answer.fields
    assert (rows(Conversation), rows(Message)) == (0, 0)
    chat.start("字" * 1000)
    assert rows(Message) == 1


def test_without_the_csrf_header_nothing_is_sent(chat):
    chat.guest_api.csrf = False
    chat.guest_api.post(f"/houses/{chat.house.id}/conversation", json={"text": "hi"}).expect(400, "4004")
    assert rows(Message) == 0


# ---- the thread ----------------------------------------------------------------------------------------------

def test_both_people_read_the_thread_and_poll_with_after(chat):
    started = chat.start("第一条")
    cid = started["conversation_id"]
    reply = chat.host_api.post(f"/conversations/{cid}/messages", json={"text": "欢迎！"}).expect(201).data
    for api in (chat.guest_api, chat.host_api):
        messages = api.get(f"/conversations/{cid}/messages").expect(200).data["messages"]
        assert [(m["sender_id"], m["text"], m["masked"]) for m in messages] == [
            (chat.guest.id, "第一条", False), (chat.host.id, "欢迎！", False)]
        assert messages[0]["message_id"] == started["message_id"] and messages[0]["created_at"].endswith("+00:00")
    newer = chat.guest_api.get(f"/conversations/{cid}/messages?after={started['message_id']}").expect(200).data
    assert [m["message_id"] for m in newer["messages"]] == [reply["message_id"]]
    assert chat.guest_api.get(f"/conversations/{cid}/messages?after={reply['message_id']}").data == {"messages": []}
    chat.guest_api.get(f"/conversations/{cid}/messages?after=-1").expect(400, "4103")


def test_a_poll_with_nothing_new_is_one_primary_key_read(chat, app):
    cid = chat.start()["conversation_id"]
    last = db.session.get(Conversation, cid).last_message_id
    sent = statements_of(lambda: chat.guest_api.get(f"/conversations/{cid}/messages?after={last}").expect(200))
    selects = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "ih_conversation" in selects[0] and "ih_message" not in selects[0], selects


def test_at_most_100_messages_oldest_first(chat):
    cid = chat.start("0")["conversation_id"]
    db.session.add_all([Message(conversation_id=cid, sender_id=chat.guest.id, text=str(n)) for n in range(1, 130)])
    db.session.flush()
    last = db.session.scalar(select(func.max(Message.id)))
    db.session.get(Conversation, cid).last_message_id = last
    db.session.commit()
    page = chat.host_api.get(f"/conversations/{cid}/messages").data["messages"]
    assert [m["text"] for m in page] == [str(n) for n in range(100)]
    rest = chat.host_api.get(f"/conversations/{cid}/messages?after={page[-1]['message_id']}").data["messages"]
    assert [m["text"] for m in rest] == [str(n) for n in range(100, 130)]


def test_a_stranger_reads_nothing_writes_nothing_marks_nothing(chat):
    cid = chat.start("我的门牌号是 12 号")["conversation_id"]
    before = snapshot(cid)
    for answer in (chat.stranger_api.get(f"/conversations/{cid}/messages"),
                   chat.stranger_api.post(f"/conversations/{cid}/messages", json={"text": "hello"}),
                   chat.stranger_api.put(f"/conversations/{cid}/read")):
        answer.expect(403, "4105")
        assert answer.data is None and "门牌" not in answer.response.get_data(as_text=True)
    assert snapshot(cid) == before
    assert chat.stranger_api.get("/conversations").data == {"conversations": []}
    chat.stranger_api.get("/conversations/999999/messages").expect(404, "4002")


def test_an_administrator_reads_any_thread_unmasked_but_cannot_write(chat):
    cid = chat.start("微信: zhangsan_88")["conversation_id"]
    before = snapshot(cid)
    messages = chat.admin_api.get(f"/conversations/{cid}/messages").expect(200).data["messages"]
    assert [(m["text"], m["masked"]) for m in messages] == [("微信: zhangsan_88", False)]
    chat.admin_api.post(f"/conversations/{cid}/messages", json={"text": "admin"}).expect(403, "4105")
    chat.admin_api.put(f"/conversations/{cid}/read").expect(403, "4105")
    assert snapshot(cid) == before


# ---- lists, unread and read --------------------------------------------------------------------------------

def test_lists_show_the_other_person_the_last_message_and_unread_counts_newest_first(chat):
    cid = chat.start("一")["conversation_id"]
    chat.start("二")
    other_house = make_house(owner=chat.host, title="Second home")
    later = chat.guest_api.post(f"/houses/{other_house.id}/conversation", json={"text": "三"}).expect(201).data
    host_list = chat.host_api.get("/conversations").expect(200).data["conversations"]
    assert [(c["conversation_id"], c["title"], c["last_message"], c["unread"]) for c in host_list] == [
        (later["conversation_id"], "Second home", "三", 1), (cid, "湖边小院 Lakeside", "二", 2)]
    assert host_list[0]["other"] == {"user_id": chat.guest.id, "name": chat.guest.name, "avatar_url": None}
    guest_list = chat.guest_api.get("/conversations").data["conversations"]
    assert [c["unread"] for c in guest_list] == [0, 0] and guest_list[1]["other"]["user_id"] == chat.host.id
    assert chat.host_api.get("/conversations/unread").data == {"unread": 3, "logged_in": True}
    assert chat.guest_api.get("/conversations/unread").data == {"unread": 0, "logged_in": True}

    chat.host_api.put(f"/conversations/{cid}/read").expect(200)
    assert db.session.get(Conversation, cid).host_read_id == db.session.get(Conversation, cid).last_message_id
    assert chat.host_api.get("/conversations/unread").data == {"unread": 1, "logged_in": True}
    chat.host_api.post(f"/conversations/{cid}/messages", json={"text": "好的"}).expect(201)
    assert chat.guest_api.get("/conversations/unread").data == {"unread": 1, "logged_in": True}
    assert chat.guest_api.get("/conversations").data["conversations"][0]["conversation_id"] == cid


# ---- masking -----------------------------------------------------------------------------------------------

CONTACT = "加我微信 zhang_san88 或打 138 0013 8000"
MASKED = "加我微信 *********** 或打 *************"


def _seen(api, cid):
    return [(m["text"], m["masked"]) for m in api.get(f"/conversations/{cid}/messages").expect(200).data["messages"]]


def test_contact_details_are_masked_for_the_other_side_until_a_booking_is_paid(chat):
    cid = chat.start(CONTACT)["conversation_id"]
    chat.host_api.post(f"/conversations/{cid}/messages", json={"text": "我的电话 13912345678"}).expect(201)
    assert db.session.scalar(select(Message.text).order_by(Message.id).limit(1)) == CONTACT  # stored as written
    assert _seen(chat.guest_api, cid) == [(CONTACT, False), ("我的电话 ***********", True)]
    assert _seen(chat.host_api, cid) == [(MASKED, True), ("我的电话 13912345678", False)]
    assert chat.host_api.get("/conversations").data["conversations"][0]["last_message"] == "我的电话 13912345678"
    assert chat.guest_api.get("/conversations").data["conversations"][0]["last_message"] == "我的电话 ***********"

    order_id = make_order(house=chat.house, guest=chat.guest, status=OrderStatus.WAIT_PAYMENT).id
    assert _seen(chat.host_api, cid)[0] == (MASKED, True)  # accepted but not paid: still hidden
    db.session.execute(update(Order).where(Order.id == order_id).values(status=OrderStatus.PAID.value))
    db.session.commit()
    assert _seen(chat.host_api, cid) == [(CONTACT, False), ("我的电话 13912345678", False)]
    assert _seen(chat.guest_api, cid)[1] == ("我的电话 13912345678", False)
    assert chat.guest_api.get("/conversations").data["conversations"][0]["last_message"] == "我的电话 13912345678"


def test_a_paid_booking_of_another_guest_unmasks_nothing(chat):
    make_order(house=chat.house, guest=make_user(), status=OrderStatus.COMPLETE)
    cid = chat.start(CONTACT)["conversation_id"]
    assert _seen(chat.host_api, cid) == [(MASKED, True)]


def test_text_is_returned_as_plain_text_and_escaped_on_the_pages(chat):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    cid = chat.start(attack)["conversation_id"]
    assert _seen(chat.host_api, cid) == [(attack, False)]
    for client in (chat.host_api.client, chat.guest_api.client):
        for path in (f"/my/messages/{cid}", "/my/messages"):
            html = client.get(path).get_data(as_text=True)
            assert "&lt;script&gt;alert(" in html and "<script>alert" not in html and "<img src=x" not in html

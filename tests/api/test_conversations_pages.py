"""The conversations pages: inbox, thread, 联系房东 from a house, the link from an order."""

from __future__ import annotations

from sqlalchemy import func, select

from ihome.conversations.models import Conversation
from ihome.extensions import db
from tests.factories.orders import make_order


def test_anonymous_visitors_are_sent_to_the_login_page(client, chat):
    for path in ("/my/messages", "/my/messages/1", f"/houses/{chat.house.id}/contact", "/orders/1/messages"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_the_inbox_lists_conversations_with_unread_counts(chat):
    cid = chat.start("请问有洗衣机吗")["conversation_id"]
    html = chat.host_api.client.get("/my/messages").get_data(as_text=True)
    assert f'data-conversation-id="{cid}"' in html and "请问有洗衣机吗" in html and "conversation-unread" in html
    assert chat.guest.name in html
    empty = chat.stranger_api.client.get("/my/messages").get_data(as_text=True)
    assert 'id="no-conversations"' in empty


def test_the_thread_page_shows_the_messages_to_participants_only(chat):
    cid = chat.start("门锁密码是多少？")["conversation_id"]
    page = chat.host_api.client.get(f"/my/messages/{cid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "门锁密码是多少？" in html and 'id="message-form"' in html
    assert 'src="/static/js/conversations/thread.js?v=' in html
    forbidden = chat.stranger_api.client.get(f"/my/messages/{cid}")
    assert forbidden.status_code == 403 and "门锁密码" not in forbidden.get_data(as_text=True)
    admin = chat.admin_api.client.get(f"/my/messages/{cid}").get_data(as_text=True)
    assert "门锁密码是多少？" in admin and 'id="admin-read-only"' in admin and 'id="message-form"' not in admin


def test_contact_shows_the_form_then_leads_to_the_existing_thread(chat):
    form = chat.guest_api.client.get(f"/houses/{chat.house.id}/contact")
    assert form.status_code == 200 and 'id="contact-form"' in form.get_data(as_text=True)
    cid = chat.start()["conversation_id"]
    again = chat.guest_api.client.get(f"/houses/{chat.house.id}/contact")
    assert again.status_code == 302 and again.headers["Location"] == f"/my/messages/{cid}"
    own = chat.host_api.client.get(f"/houses/{chat.house.id}/contact")
    assert own.status_code == 302 and own.headers["Location"] == "/my/messages"
    assert chat.guest_api.client.get("/houses/999999/contact").status_code == 404


def test_the_house_page_has_the_contact_button_and_a_heart(client, chat):
    html = client.get(f"/houses/{chat.house.id}").get_data(as_text=True)
    assert f'href="/houses/{chat.house.id}/contact"' in html and 'id="house-favorite"' in html


def test_an_order_links_guest_and_host_to_the_same_conversation(chat):
    order_id = make_order(house=chat.house, guest=chat.guest).id
    assert f'href="/orders/{order_id}/messages"' in chat.guest_api.client.get("/my/orders").get_data(as_text=True)
    guest = chat.guest_api.client.get(f"/orders/{order_id}/messages")
    host = chat.host_api.client.get(f"/orders/{order_id}/messages")
    assert guest.status_code == host.status_code == 302 and guest.headers["Location"] == host.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1
    assert chat.stranger_api.client.get(f"/orders/{order_id}/messages").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_the_navigation_has_the_messages_tab_and_its_badge(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="nav-unread"' in html and 'src="/static/js/conversations/badge.js?v=' in html
    assert 'src="/static/js/houses/favorites.js?v=' in html


def test_public_pages_are_the_same_for_anonymous_and_logged_in_visitors(client, chat):
    """The badge and the hearts are filled in by script: nothing personal is rendered into public pages."""
    import re

    def page(http, path):
        html = http.get(path).get_data(as_text=True)
        return re.sub(r'<meta name="csrf-token" content="[^"]*">', "", html)

    chat.start("你好")  # the guest has a conversation and a favourite: neither may show in the HTML
    chat.guest_api.put(f"/houses/{chat.house.id}/favorite").expect(200)
    db.session.expire_all()
    for path in ("/", "/search", f"/houses/{chat.house.id}"):
        assert page(client, path) == page(chat.guest_api.client, path), path

"""No public page or JSON shows another person's mobile number (issue 9 §5).

A host and a guest who reviewed the host's house register through the accounts service (so they
carry the default names a real user gets); then every GET route of the app, pages and JSON, is
fetched anonymously and as a third user, and no 11-digit mobile of theirs may appear anywhere.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ihome.accounts import service as accounts
from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

MOBILE_RUN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
SKIPPED = ("/dev/", "/static/", "/api/v1.0/image_codes/", "/media/")  # development tools, files, captcha images


def register(redis, mobile: str):
    redis.hset(f"ihome:sms_code:{mobile}", mapping={"code": "135790", "tries": 0})
    return accounts.register_user(mobile=mobile, sms_code="135790", password="password-1", password2="password-1")


@pytest.fixture
def people(app, redis, db):
    """A host with a reviewed house and a guest, registered for real; their ids, mobiles and the house."""
    with app.test_request_context("/"):
        host, guest = register(redis, "13812348000"), register(redis, "13987656000")
        db.session.commit()
        host.real_name, host.id_card = "张三", "11010519491231002X"
        house = make_house(owner=host, images=2, title="Lake House")
        make_order(house=house, guest=guest, status=OrderStatus.COMPLETE, start=clock.today() - timedelta(days=9),
                   comment="Quiet and clean", rating=5)
        make_order(house=house, guest=guest, status=OrderStatus.WAIT_ACCEPT)  # a pending booking too
        third = make_user()
        return {"mobiles": {host.mobile, guest.mobile}, "names": (host.name, guest.name), "house": house.id,
                "third": third.id}


def public_urls(app, house_id: int) -> list[str]:
    """Every GET route of the app, with the house's id where a route takes one."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.rule.startswith(SKIPPED):
            continue
        if not rule.arguments:
            urls.add(rule.rule)
        elif rule.arguments == {"house_id"}:
            urls.add(rule.rule.replace("<int:house_id>", str(house_id)))
    urls |= {"/search?aid=1", "/api/v1.0/houses?aid=1&sk=booking", "/api/v1.0/houses?sk=new&p=1"}
    return sorted(urls)


def scan(client, urls: list[str], mobiles: set[str]) -> dict[str, list[str]]:
    """The URLs whose body shows one of ``mobiles``, with what was found."""
    found = {}
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, (url, response.status_code)
        leaked = sorted(set(MOBILE_RUN.findall(response.get_data(as_text=True))) & mobiles)
        if leaked:
            found[url] = leaked
    return found


def test_the_default_names_are_user_and_the_last_4_digits(people):
    assert people["names"] == ("用户8000", "用户6000")


def test_no_page_or_json_shows_a_mobile_anonymously(app, people):
    urls = public_urls(app, people["house"])
    assert f"/api/v1.0/houses/{people['house']}" in urls and f"/houses/{people['house']}" in urls
    assert len(urls) > 15
    assert scan(app.test_client(), urls, people["mobiles"]) == {}


def test_no_page_or_json_shows_another_persons_mobile_to_a_third_user(app, people):
    client = app.test_client()
    login(client, people["third"])
    assert scan(client, public_urls(app, people["house"]), people["mobiles"]) == {}


def test_the_house_detail_names_host_and_reviewer_by_their_names(app, people):
    data = app.test_client().get(f"/api/v1.0/houses/{people['house']}").get_json()["data"]["house"]
    assert data["user_name"] == "用户8000"
    assert [c["user_name"] for c in data["comments"]] == ["用户6000"]


def test_your_own_profile_shows_your_mobile(app, people):
    client = app.test_client()
    login(client, people["third"])
    own = client.get("/api/v1.0/user").get_json()["data"]
    assert MOBILE_RUN.fullmatch(own["mobile"])

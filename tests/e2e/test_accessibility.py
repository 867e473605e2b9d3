"""In Chromium: axe-core finds no serious or critical accessibility violation on any page, in Chinese and English.

Every page of the site is in ``PAGES`` below: add a line for a new page. A path is formatted with the ids of
the seeded site: ``{house}`` (a host's house with photos), ``{area}``, ``{own_house}`` (the guest's own),
``{order}`` (the guest's finished stay, to review), ``{host}`` and ``{guest}`` (user ids), ``{conversation}``;
GUEST is that guest (who also hosts), NEWCOMER an unverified user, ADMIN an administrator. ``then`` walks
from that page to the one to check when it has no URL of its own (the simulator's cashier, the return page
after paying).
Lesser violations (moderate, minor) are printed, not failed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from ihome.core import clock
from ihome.core.i18n import LANG_COOKIE
from ihome.orders.models import OrderStatus
from tests.e2e.test_layout import add_photos
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

ANONYMOUS, GUEST, NEWCOMER, ADMIN = "anonymous", "guest", "newcomer", "admin"
LANGUAGES = ("zh", "en")
FAILING_IMPACTS = {"serious", "critical"}


def open_cashier(page: Page, ids: dict[str, str], language: str) -> None:
    """From /my/orders, the Pay button of this language's unpaid booking leads to the simulator's cashier."""
    page.locator(f'[data-order-id="{ids["unpaid_" + language]}"] button[data-action=pay]').click()
    page.wait_for_url(re.compile(r"/dev/alipay/gateway\?"))


def pay_on_cashier(page: Page, ids: dict[str, str], language: str) -> None:
    """The cashier's Pay button returns to /pay/complete."""
    page.click("button[data-decision=pay]")
    page.wait_for_url(re.compile(r"/pay/complete\?"))


@dataclass(frozen=True)
class Visit:
    name: str
    who: str
    path: str
    then: tuple[Callable[[Page, dict[str, str], str], None], ...] = field(default=())
    lang: str | None = None  # a page in one language whatever the choice (the API docs are in English)


# Every page of the site, as the user who sees it. Keep it one list: new pages get a line here.
PAGES: list[Visit] = [
    Visit("home", ANONYMOUS, "/"),
    Visit("search", ANONYMOUS, "/search?aid={area}"),
    Visit("house", ANONYMOUS, "/houses/{house}"),
    Visit("login", ANONYMOUS, "/login"),
    Visit("register", ANONYMOUS, "/register"),
    Visit("docs", ANONYMOUS, "/docs", lang="en"),
    Visit("not-found", ANONYMOUS, "/no/such/page"),
    Visit("booking", GUEST, "/houses/{house}/book"),
    Visit("my", GUEST, "/my"),
    Visit("my-profile", GUEST, "/my/profile"),
    Visit("my-auth", NEWCOMER, "/my/auth"),
    Visit("my-orders", GUEST, "/my/orders"),
    Visit("order", GUEST, "/my/orders/{order}"),
    Visit("my-lorders", GUEST, "/my/lorders"),
    Visit("my-houses", GUEST, "/my/houses"),
    Visit("house-new", GUEST, "/my/houses/new"),
    Visit("house-edit", GUEST, "/my/houses/{own_house}/edit"),
    Visit("favourites", GUEST, "/my/favorites"),
    Visit("messages", GUEST, "/my/messages"),
    Visit("thread", GUEST, "/my/messages/{conversation}"),
    Visit("contact", NEWCOMER, "/houses/{house}/contact"),
    Visit("house-ical", GUEST, "/my/houses/{own_house}/ical"),
    Visit("host-calendar", GUEST, "/my/houses/{own_house}/calendar"),
    Visit("earnings", GUEST, "/my/earnings"),
    Visit("profile", ANONYMOUS, "/users/{host}"),
    Visit("cashier", GUEST, "/my/orders", then=(open_cashier,)),
    Visit("pay-complete", GUEST, "/my/orders", then=(open_cashier, pay_on_cashier)),
    Visit("admin", ADMIN, "/admin"),
    Visit("admin-houses", ADMIN, "/admin/houses"),
    Visit("admin-users", ADMIN, "/admin/users"),
    Visit("admin-orders", ADMIN, "/admin/orders"),
    Visit("admin-refunds", ADMIN, "/admin/refunds"),
    Visit("admin-audit", ADMIN, "/admin/audit"),
    Visit("admin-payouts", ADMIN, "/admin/payouts"),
]


@dataclass(frozen=True)
class Site:
    mobiles: dict[str, str]
    ids: dict[str, str]


_sites: dict[str, Site] = {}


@pytest.fixture
def site(live, live_app) -> Site:
    """A host's house with photos; a guest who books (unpaid, to review), hosts a house, favours and
    writes; a newcomer; an administrator. Made once per live server (the tests only read it, but pay)."""
    if live.url not in _sites:
        host = make_user(verified=True, name="赵房东")
        house = make_house(owner=host, area_id=13, images=3, price=41600, title="朝阳公园旁 阳光两居 · Sunny flat")
        add_photos(live.instance, house)
        guest = make_user(verified=True, name="Guest of the axe run")
        own = make_house(owner=guest, area_id=13, title="The guest's own studio")
        make_order(house=own, status=OrderStatus.WAIT_ACCEPT, start=clock.today() + timedelta(days=20))
        today = clock.today()
        unpaid = {language: make_order(house=house, guest=guest, status=OrderStatus.WAIT_PAYMENT,
                                       start=today + timedelta(days=9 + 3 * n)).id
                  for n, language in enumerate(LANGUAGES)}
        stayed = make_order(house=house, guest=guest, status=OrderStatus.WAIT_COMMENT, start=today - timedelta(days=5))
        newcomer, admin = make_user(), make_user(admin=True)
        ids = {"house": house.id, "area": 13, "own_house": own.id, "order": stayed.id, "host": host.id,
               "guest": guest.id,
               **{f"unpaid_{language}": order_id for language, order_id in unpaid.items()}}
        mobiles = {GUEST: guest.mobile, NEWCOMER: newcomer.mobile, ADMIN: admin.mobile}
        _sites[live.url] = Site(mobiles=mobiles, ids={k: str(v) for k, v in ids.items()})
    return _sites[live.url]


def become(page: Page, base: str, site: Site, who: str, language: str) -> None:
    page.context.clear_cookies()
    if who != ANONYMOUS:
        log_in(page, base, site.mobiles[who])
    page.context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": base}])


def api_post(page: Page, base: str, path: str, data: dict | None = None, method: str = "POST") -> dict:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    response = page.request.fetch(base + "/api/v1.0" + path, method=method, data=data or {},
                                  headers={"X-CSRFToken": token})
    assert response.ok, response.text()
    return response.json()["data"]


def guest_talks_and_favours(page: Page, base: str, site: Site) -> None:
    """A conversation about the host's house and a favourite, made through the API as the guest."""
    if "conversation" in site.ids:
        return
    become(page, base, site, GUEST, "zh")
    data = api_post(page, base, f"/houses/{site.ids['house']}/conversation", {"text": "May I bring a dog?"})
    api_post(page, base, f"/houses/{site.ids['house']}/favorite", method="PUT")
    site.ids["conversation"] = str(data["conversation_id"])


def describe(violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:8]]
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {targets}"


def test_no_serious_accessibility_violation_on_any_page(page: Page, live, site: Site):
    guest_talks_and_favours(page, live.url, site)
    axe = Axe()
    failures: list[str] = []
    for language in LANGUAGES:
        current = None
        for visit in sorted(PAGES, key=lambda v: v.who):  # log in once per user and language
            if visit.lang and visit.lang != language:
                continue  # a page in one language is checked once
            if visit.who != current:
                become(page, live.url, site, visit.who, language)
                current = visit.who
            page.goto(live.url + visit.path.format(**site.ids))
            for step in visit.then:
                step(page, site.ids, language)
            page.wait_for_load_state("networkidle")  # pages drawn by script (calendar, lists) have drawn
            expected = visit.lang or ("en" if language == "en" else "zh-CN")
            if page.locator("html").get_attribute("lang") != expected:
                failures.append(f"{visit.name} ({language}) <html lang> is not {expected}")
            violations = axe.run(page).response["violations"]
            for violation in violations:
                line = f"{visit.name} ({language}) {describe(violation)}"
                print(line)
                if violation["impact"] in FAILING_IMPACTS:
                    failures.append(line)
    assert failures == [], "\n".join(failures)

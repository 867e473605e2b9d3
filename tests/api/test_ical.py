"""iCal sync through the API, against a real HTTP server on 127.0.0.1 serving real .ics files.

Imports: an Airbnb-shaped feed (all-day events, DTEND exclusive) and a Google-shaped one (TZID and UTC
times, a weekly RRULE with an EXDATE and a moved instance, no DTEND, cancelled and free events) become
``ih_house_block`` rows of their feed; a feed that fails (malformed, 404, too large, stalled) keeps the
last good rows and says why; deleting a feed frees its nights; overlaps with bookings are listed.
Export: parses back with icalendar, stable UIDs, no personal data, 404 for a wrong or rotated secret.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.ical_server import Huge, IcalServer, Redirect, Stall, Status, fixture

NEW_YEAR = datetime(2027, 1, 1, 4, 0, tzinfo=UTC)  # noon in Beijing, before every fixture's events
AIRBNB = [(date(2027, 1, 10), date(2027, 1, 15)), (date(2027, 2, 1), date(2027, 2, 3))]
GOOGLE = [
    (date(2027, 1, 11), date(2027, 1, 13)),  # New York 15:00 → 11:00 is 04:00 → 00:00 in Beijing
    (date(2027, 1, 20), date(2027, 1, 21)),  # UTC 01:00 → next day 02:00: one night
    (date(2027, 3, 1), date(2027, 3, 3)),  # weekly rule; the 8th is an EXDATE
    (date(2027, 3, 15), date(2027, 3, 17)),
    (date(2027, 3, 22), date(2027, 3, 23)),  # the 22nd's instance moved (RECURRENCE-ID): one night
    (date(2027, 4, 1), date(2027, 4, 2)),  # no DTEND: one day
]


@pytest.fixture(autouse=True)
def new_year():
    with clock.frozen(NEW_YEAR):
        yield


class Queue:
    """The sync tasks the app queued (after its commits), run when the test says, as a worker would."""

    def __init__(self, app):
        self.app = app
        self.queued: list[int] = []

    def run(self) -> list[bool]:
        done = [sync(self.app, import_id) for import_id in self.queued]
        self.queued.clear()
        return done


@pytest.fixture(autouse=True)
def queue(app, monkeypatch):
    """Celery runs eagerly in tests, inside the commit that queued the task, where no SQL can run: the
    queued syncs are kept here and run right after the request (``add``), in their own transactions."""
    import ihome.houses.ical_tasks  # noqa: F401 - declares the tasks

    tasks = Queue(app)
    task = app.extensions["celery"].tasks["ihome.houses.sync_calendar_import"]
    monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None, **options: tasks.queued.append(args[0]))
    QUEUES.append(tasks)
    yield tasks
    QUEUES.remove(tasks)


QUEUES: list[Queue] = []


@pytest.fixture
def feeds():
    with IcalServer() as server:
        server.routes.update({"/airbnb.ics": fixture("airbnb.ics"), "/google.ics": fixture("google.ics"),
                              "/malformed.ics": fixture("malformed.ics")})
        yield server


class HouseRef:
    """A house's ids, which outlive the sessions the syncs end."""

    def __init__(self, house: House):
        self.id, self.user_id, self.price = house.id, house.user_id, house.price
        self.cancellation_policy = house.cancellation_policy


@pytest.fixture
def house(host):
    return HouseRef(make_house(owner=host))


def blocks(house_id: int) -> list[tuple[date, date, int | None]]:
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(
        select(HouseBlock.start_date, HouseBlock.end_date, HouseBlock.import_id)
        .where(HouseBlock.house_id == house_id).order_by(HouseBlock.start_date, HouseBlock.end_date))]


def feed_row(import_id: int) -> CalendarImport:
    db.session.rollback()
    feed = db.session.get(CalendarImport, import_id)
    assert feed is not None
    return feed


def sync(app, import_id: int) -> bool:
    """Run the sync task of ``app`` (as its worker would) for one feed."""
    import ihome.houses.ical_tasks  # noqa: F401 - declares the tasks

    with app.app_context():
        return app.extensions["celery"].tasks["ihome.houses.sync_calendar_import"](import_id)


def add(api, house_id: int, url: str):
    """POST the URL; the sync it queued after its commit then runs, as a worker would at once."""
    answer = api.post(f"/houses/{house_id}/ical/imports", json={"url": url})
    queue = QUEUES[-1]
    if answer.status == 201:
        assert queue.queued == [answer.data["import_id"]]
    else:
        assert queue.queued == []
    queue.run()
    return answer


# ---- import ---------------------------------------------------------------------------------------------

def test_an_airbnb_feed_is_fetched_at_once_and_blocks_its_nights(host_api, house, feeds):
    import_id = add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201).data["import_id"]
    assert blocks(house.id) == [(s, e, import_id) for s, e in AIRBNB]  # the past stay is dropped
    feed = feed_row(import_id)
    assert feed.last_synced_at == NEW_YEAR and feed.last_error is None
    data = host_api.get(f"/houses/{house.id}/ical").expect(200).data
    assert data["imports"] == [{
        "import_id": import_id, "url": feeds.url("/airbnb.ics"), "last_synced_at": "2027-01-01T04:00:00Z",
        "last_attempt_at": "2027-01-01T04:00:00Z", "last_error": None, "conflicts": [],
        "busy_ranges": [{"start_date": s.isoformat(), "end_date": e.isoformat()} for s, e in AIRBNB]}]
    source = db.session.scalars(select(HouseBlock.source_uid).where(HouseBlock.import_id == import_id)).all()
    assert all(uid.endswith("@airbnb.com") for uid in source)


def test_a_google_feed_with_time_zones_and_a_weekly_rule(host_api, house, feeds):
    import_id = add(host_api, house.id, feeds.url("/google.ics")).expect(201).data["import_id"]
    assert blocks(house.id) == [(s, e, import_id) for s, e in GOOGLE]


def test_webcal_means_https_and_bad_urls_are_refused(host_api, house):
    for url in ["ftp://example.com/a.ics", "not a url", "https://", "https://user:pw@example.com/a.ics",
                "javascript:alert(1)", "https://example.com/" + "a" * 2000, "", None, 42]:
        answer = add(host_api, house.id, url).expect(400, "4103")
        assert "url" in answer.fields, url
    assert db.session.scalars(select(CalendarImport)).all() == []


def test_at_most_ten_feeds_and_no_duplicate(host_api, house, feeds):
    for n in range(10):
        add(host_api, house.id, feeds.url(f"/missing-{n}.ics")).expect(201)
    assert feed_row(db.session.scalar(select(CalendarImport.id))).last_error == "HTTP 404"
    add(host_api, house.id, feeds.url("/missing-0.ics")).expect(409, "4003")
    add(host_api, house.id, feeds.url("/airbnb.ics")).expect(400, "4103")
    assert len(db.session.scalars(select(CalendarImport).where(CalendarImport.house_id == house.id)).all()) == 10


def test_a_redirect_is_followed_and_checked(host_api, house, feeds):
    feeds.routes["/moved.ics"] = Redirect(feeds.url("/airbnb.ics"), 301)
    import_id = add(host_api, house.id, feeds.url("/moved.ics")).expect(201).data["import_id"]
    assert blocks(house.id) == [(s, e, import_id) for s, e in AIRBNB]
    feeds.routes["/loop.ics"] = Redirect("/loop.ics")
    loop = add(host_api, house.id, feeds.url("/loop.ics")).expect(201).data["import_id"]
    assert "redirects" in feed_row(loop).last_error
    assert feeds.hits["/loop.ics"] == 6  # the first request and five redirects, then it stops


@pytest.mark.parametrize("failure, words", [
    ("malformed", "cannot be read"),
    (Status(404), "HTTP 404"),
    (Status(500), "HTTP 500"),
    (Huge(2 * 1024 * 1024), "larger than 1024 KiB"),
    (Stall(), "stopped answering"),
    (b"<html><body>Please log in</body></html>", "not an iCalendar file"),
])
def test_a_failed_fetch_keeps_the_last_good_ranges(host_api, house, feeds, app, monkeypatch, failure, words):
    monkeypatch.setitem(app.config, "ICAL_FETCH_TIMEOUT", 0.5)
    feeds.routes["/feed.ics"] = fixture("airbnb.ics")
    import_id = add(host_api, house.id, feeds.url("/feed.ics")).expect(201).data["import_id"]
    assert blocks(house.id) == [(s, e, import_id) for s, e in AIRBNB]

    feeds.routes["/feed.ics"] = fixture("malformed.ics") if failure == "malformed" else failure
    later = NEW_YEAR + timedelta(minutes=31)
    with clock.frozen(later):
        assert sync(app, import_id) is False
    assert blocks(house.id) == [(s, e, import_id) for s, e in AIRBNB]
    feed = feed_row(import_id)
    assert words in feed.last_error
    assert (feed.last_synced_at, feed.last_attempt_at) == (NEW_YEAR, later)
    shown = host_api.get(f"/houses/{house.id}/ical").expect(200).data["imports"][0]
    assert words in shown["last_error"] and len(shown["busy_ranges"]) == 2

    feeds.routes["/feed.ics"] = fixture("google.ics")  # it recovers: replaced whole, error cleared
    assert sync(app, import_id) is True
    assert blocks(house.id) == [(s, e, import_id) for s, e in GOOGLE]
    assert feed_row(import_id).last_error is None


def test_a_sync_bumps_the_house_cache(host_api, house, feeds, app):
    from ihome.core.redis_client import get_cache_redis

    def generation() -> int:
        with app.app_context():
            return int(get_cache_redis().get(f"ihome:gen:house:{house.id}") or 0)

    before = generation()
    import_id = add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201).data["import_id"]
    assert generation() > before
    before = generation()
    host_api.delete(f"/houses/{house.id}/ical/imports/{import_id}").expect(200)
    assert generation() > before


def test_deleting_a_feed_frees_its_nights_and_keeps_others(host_api, house, feeds):
    airbnb = add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201).data["import_id"]
    google = add(host_api, house.id, feeds.url("/google.ics")).expect(201).data["import_id"]
    db.session.add(HouseBlock(house_id=house.id, start_date=date(2027, 5, 1), end_date=date(2027, 5, 3)))
    db.session.commit()
    assert host_api.delete(f"/houses/{house.id}/ical/imports/{airbnb}").expect(200).data is None
    host_block = (date(2027, 5, 1), date(2027, 5, 3), None)
    assert blocks(house.id) == sorted([(s, e, google) for s, e in GOOGLE] + [host_block])
    assert feed_row(google) and db.session.get(CalendarImport, airbnb) is None
    host_api.delete(f"/houses/{house.id}/ical/imports/{airbnb}").expect(404, "4002")


def test_overlaps_with_bookings_are_listed_as_conflicts(host_api, house, feeds):
    booked_id = make_order(house=house, start=date(2027, 1, 12), nights=2, status=OrderStatus.PAID).id
    make_order(house=house, start=date(2027, 2, 1), nights=1, status=OrderStatus.CANCELED)
    import_id = add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201).data["import_id"]
    assert len(blocks(house.id)) == 2  # kept, not dropped
    shown = host_api.get(f"/houses/{house.id}/ical").expect(200).data["imports"][0]
    assert shown["conflicts"] == [{
        "order_id": booked_id, "order_start_date": "2027-01-12", "order_end_date": "2027-01-14",
        "busy_start_date": "2027-01-10", "busy_end_date": "2027-01-15",
        "event_uid": "1418fb94e984-a41c1c3e0f0d8c6e8ffb7d4b2bb17c4f@airbnb.com"}]
    db.session.rollback()
    assert db.session.scalar(select(Order.status).where(Order.id == booked_id)) == OrderStatus.PAID.value
    page = host_api.client.get(f"/my/houses/{house.id}/ical").get_data(as_text=True)
    assert "has-conflicts" in page and f"#{booked_id}" in page and f'data-import-id="{import_id}"' in page


# ---- export ---------------------------------------------------------------------------------------------

def ics(client, house_id: int, token: str | None):
    query = "" if token is None else f"?token={token}"
    return client.get(f"/api/v1.0/houses/{house_id}/calendar.ics{query}")


def token_of(url: str) -> str:
    return url.rsplit("token=", 1)[1]


def test_the_export_lists_bookings_and_blocks_without_personal_data(host_api, house, feeds, client):
    guest = make_user(name="王小明", mobile="13912345678")
    paid = make_order(house=house, guest=guest, start=date(2027, 1, 20), nights=3, status=OrderStatus.PAID).id
    waiting = make_order(house=house, start=date(2027, 3, 1), nights=2, status=OrderStatus.WAIT_ACCEPT).id
    make_order(house=house, start=date(2027, 4, 1), nights=2, status=OrderStatus.REJECTED)
    make_order(house=house, start=date(2027, 4, 10), nights=2, status=OrderStatus.CANCELED)
    block = HouseBlock(house_id=house.id, start_date=date(2027, 5, 1), end_date=date(2027, 5, 4))
    db.session.add(block)
    db.session.commit()
    add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201)
    url = host_api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"]
    assert url.startswith(f"http://localhost/api/v1.0/houses/{house.id}/calendar.ics?token=")

    first, second = ics(client, house.id, token_of(url)), ics(client, house.id, token_of(url))
    assert first.status_code == 200 and first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in first.headers["Cache-Control"] and "public" not in first.headers["Cache-Control"]
    assert first.data == second.data  # nothing changed: the same calendar, byte for byte
    text = first.get_data(as_text=True)
    assert "王小明" not in text and "13912345678" not in text and "5678" not in text
    assert "\r\n" in text and "DTSTART;VALUE=DATE:20270120" in text and "DTEND;VALUE=DATE:20270123" in text

    calendar = icalendar.Calendar.from_ical(first.data)
    assert str(calendar["VERSION"]) == "2.0" and "iHome" in str(calendar["PRODID"])
    events = {(e.decoded("DTSTART"), e.decoded("DTEND")): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == sorted([(date(2027, 1, 20), date(2027, 1, 23)), (date(2027, 3, 1), date(2027, 3, 3)),
                                     (date(2027, 5, 1), date(2027, 5, 4)), *AIRBNB])
    assert str(events[(date(2027, 1, 20), date(2027, 1, 23))]["SUMMARY"]) == "iHome booked"
    assert str(events[(date(2027, 5, 1), date(2027, 5, 4))]["SUMMARY"]) == "Not available"
    uids = {str(e["UID"]) for e in events.values()}
    assert len(uids) == 5 and f"ihome-order-{paid}-house-{house.id}@calendar.ihome" in uids
    assert f"ihome-order-{waiting}-house-{house.id}@calendar.ihome" in uids
    assert all(e.get("DTSTAMP") is not None and e.get("DESCRIPTION") is None for e in events.values())

    import_id = db.session.scalar(select(CalendarImport.id).where(CalendarImport.house_id == house.id))
    sync(host_api.client.application, import_id)  # a re-sync keeps the imported ranges' UIDs
    again = icalendar.Calendar.from_ical(ics(client, house.id, token_of(url)).data)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == uids


def test_a_wrong_missing_or_rotated_token_is_404_like_no_house(host_api, house, client):
    assert ics(client, house.id, "anything").status_code == 404  # no secret made yet
    url = host_api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"]
    token = token_of(url)
    assert ics(client, house.id, token).status_code == 200
    for answer in (ics(client, house.id, None), ics(client, house.id, ""), ics(client, house.id, token[:-1]),
                   ics(client, house.id, token + "x"), ics(client, house.id, "é" * 500),
                   ics(client, 999999, token)):
        assert answer.status_code == 404 and answer.get_json()["errno"] == "4002"
    other = make_house(owner=make_user(verified=True))
    assert ics(client, other.id, token).status_code == 404  # one house's secret opens no other

    new_url = host_api.post(f"/houses/{house.id}/ical/token").expect(200).data["export_url"]
    assert new_url != url
    assert ics(client, house.id, token).status_code == 404
    assert ics(client, house.id, token_of(new_url)).status_code == 200
    assert host_api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"] == new_url


# ---- who may ---------------------------------------------------------------------------------------------

def test_only_the_owner_sees_or_changes_the_sync(api, app, house, feeds):
    stranger = make_user(verified=True).id
    login(api.client, house.user_id)
    import_id = add(api, house.id, feeds.url("/airbnb.ics")).expect(201).data["import_id"]
    url = api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"]
    before = (blocks(house.id), db.session.scalar(select(House.ical_token).where(House.id == house.id)))

    login(api.client, stranger)
    api.get(f"/houses/{house.id}/ical").expect(403, "4105")
    api.post(f"/houses/{house.id}/ical/token").expect(403, "4105")
    add(api, house.id, feeds.url("/google.ics")).expect(403, "4105")
    api.delete(f"/houses/{house.id}/ical/imports/{import_id}").expect(403, "4105")
    assert api.client.get(f"/my/houses/{house.id}/ical").status_code == 403
    own = make_house(owner=db.session.get(make_user().__class__, stranger))
    api.delete(f"/houses/{own.id}/ical/imports/{import_id}").expect(404, "4002")  # not a feed of that house

    assert (blocks(house.id), db.session.scalar(select(House.ical_token).where(House.id == house.id))) == before
    assert db.session.scalars(select(CalendarImport.id)).all() == [import_id]
    assert feeds.hits["/google.ics"] == 0 and token_of(url) == before[1]

    api.client.delete_cookie("ihome_session")
    with api.client.session_transaction() as session:
        session.clear()
    api.get(f"/houses/{house.id}/ical").expect(401, "4101")
    add(api, house.id, feeds.url("/google.ics")).expect(401, "4101")


# ---- the host's page -------------------------------------------------------------------------------------

def test_the_sync_page_in_chinese_and_english(host_api, house, feeds):
    add(host_api, house.id, feeds.url("/airbnb.ics")).expect(201)
    page = host_api.client.get(f"/my/houses/{house.id}/ical")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "日历同步" in text and "calendar.ics?token=" in text
    assert feeds.url("/airbnb.ics") in text and "2027-01-10 → 2027-01-15" in text
    assert "上次同步: <time datetime=\"2027-01-01T04:00:00Z\">2027-01-01 12:00</time>" in text  # Beijing time
    assert "<script>" not in text and "js/houses/ical.js" in text
    english = host_api.client.get(f"/my/houses/{house.id}/ical?lang=en").get_data(as_text=True)
    assert "Calendar sync" in english and "Copy address" in english
    listing = host_api.client.get("/my/houses").get_data(as_text=True)
    assert f"/my/houses/{house.id}/ical" in listing
    assert host_api.client.get("/my/houses/999999/ical").status_code == 404


# ---- loops between iHome calendars -----------------------------------------------------------------------

def test_a_home_cannot_import_its_own_export(host_api, house):
    url = host_api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"]
    answer = add(host_api, house.id, url).expect(400, "4103")
    assert "own" in " ".join(answer.fields["url"]) or "自己" in " ".join(answer.fields["url"])
    assert db.session.scalars(select(CalendarImport)).all() == []


def test_another_homes_ihome_calendar_is_imported_but_not_sent_back(host_api, house, feeds, client, host):
    """House B imports house A's export: A's booking blocks B. B's own export leaves that range out, or
    each site would send it back as a copy of a copy at every sync."""
    other = HouseRef(make_house(owner=db.session.get(type(make_user()), host.id)))
    make_order(house=other, start=date(2027, 1, 20), nights=3, status=OrderStatus.PAID)
    exported = host_api.get(f"/houses/{other.id}/ical").expect(200).data["export_url"]
    feeds.routes["/other.ics"] = ics(client, other.id, token_of(exported)).data
    import_id = add(host_api, house.id, feeds.url("/other.ics")).expect(201).data["import_id"]
    assert blocks(house.id) == [(date(2027, 1, 20), date(2027, 1, 23), import_id)]
    url = host_api.get(f"/houses/{house.id}/ical").expect(200).data["export_url"]
    assert icalendar.Calendar.from_ical(ics(client, house.id, token_of(url)).data).walk("VEVENT") == []

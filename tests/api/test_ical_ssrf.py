"""Production's SSRF guard, in an app built with ``IHOME_ICAL_ALLOW_PRIVATE`` off, and the beat job.

No request ever leaves for a private address: the refused URLs name loopback addresses (this machine)
or an RFC 1918 literal that the guard refuses before any connection (the test server counts hits).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from ihome import create_app
from ihome.core import clock
from ihome.extensions import db
from ihome.houses.calendar_models import CalendarImport, HouseBlock
from ihome.houses.ical_fetch import FetchRefused, address_allowed, fetch_feed
from tests.api.test_ical import AIRBNB, NEW_YEAR, HouseRef, blocks, feed_row
from tests.conftest import login
from tests.factories.houses import make_house
from tests.support.api_client import ApiClient
from tests.support.ical_server import IcalServer, Redirect, fixture


@pytest.fixture(scope="module")
def strict_app(app):
    """The suite's app again (same database and Redis), with the production rule for iCal addresses."""
    config = {key: app.config[key] for key in ("DATABASE_URL", "REDIS_URL", "INSTANCE_PATH", "PUBLIC_URL")}
    strict = create_app({"IHOME_ENV": "testing", "CELERY_ALWAYS_EAGER": True, "CAPTCHA_TEST_CODE": None,
                         "ICAL_ALLOW_PRIVATE": False, **config})
    suite_celery = app.extensions["celery"]  # a new app makes its Celery the current one: give it back
    suite_celery.set_current()
    suite_celery.set_default()
    return strict


@pytest.fixture
def feeds():
    with IcalServer() as server:
        server.routes["/airbnb.ics"] = fixture("airbnb.ics")
        yield server


@pytest.fixture
def strict_api(strict_app, host) -> ApiClient:
    api = ApiClient(strict_app.test_client())
    login(api.client, host.id)
    return api


def test_production_refuses_loopback_and_private_addresses(strict_app, strict_api, host, feeds):
    assert strict_app.config["ICAL_ALLOW_PRIVATE"] is False
    house = HouseRef(make_house(owner=host))
    for url in (feeds.url("/airbnb.ics"), feeds.url("/airbnb.ics", host="localhost"),
                feeds.url("/airbnb.ics", host="127.0.0.2"), feeds.url("/airbnb.ics", host="[::1]"),
                "http://10.20.30.40/calendar.ics", "https://192.168.1.1/c.ics", "http://169.254.169.254/latest",
                "http://0.0.0.0:8080/c.ics", "http://[::ffff:127.0.0.1]/c.ics", "http://100.64.0.1/c.ics"):
        answer = strict_api.post(f"/houses/{house.id}/ical/imports", json={"url": url}).expect(400, "4103")
        assert "url" in answer.fields, url
    assert db.session.scalars(select(CalendarImport)).all() == []
    assert sum(feeds.hits.values()) == 0


def test_a_stored_feed_that_points_inside_is_refused_at_sync(strict_app, host, feeds):
    """A feed added while the rule was off (or whose name now resolves inside) is refused when fetched."""
    house = HouseRef(make_house(owner=host))
    feed = CalendarImport(house_id=house.id, url=feeds.url("/airbnb.ics", host="localhost"))
    db.session.add(feed)
    db.session.commit()
    import_id = feed.id
    with strict_app.app_context():
        assert strict_app.extensions["celery"].tasks["ihome.houses.sync_calendar_import"](import_id) is False
    assert "private, loopback or reserved" in feed_row(import_id).last_error
    assert blocks(house.id) == [] and sum(feeds.hits.values()) == 0


def test_a_redirect_to_loopback_is_refused():
    """The first hop is allowed (127.0.0.1 stands for a public server here); its redirect is checked again."""
    only_first = {"127.0.0.1"}.__contains__
    with IcalServer() as server:
        server.routes["/airbnb.ics"] = fixture("airbnb.ics")
        server.routes["/public.ics"] = Redirect(server.url("/airbnb.ics", host="127.0.0.2"))
        server.routes["/relative.ics"] = Redirect("/airbnb.ics")
        assert fetch_feed(server.url("/relative.ics"), allowed=only_first) == fixture("airbnb.ics")
        with pytest.raises(FetchRefused):
            fetch_feed(server.url("/public.ics"), allowed=only_first)
        assert server.hits == {"/relative.ics": 1, "/airbnb.ics": 1, "/public.ics": 1}


def test_a_redirect_to_another_scheme_is_refused(feeds):
    feeds.routes["/ftp.ics"] = Redirect("ftp://example.com/calendar.ics")
    feeds.routes["/file.ics"] = Redirect("file:///etc/passwd")
    for path in ("/ftp.ics", "/file.ics"):
        with pytest.raises(FetchRefused, match="only http and https"):
            fetch_feed(feeds.url(path), allowed=lambda address: True)


@pytest.mark.parametrize("address, allowed", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("127.8.8.8", False), ("::1", False),
    ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.0.1", False), ("169.254.169.254", False),
    ("fe80::1", False), ("fc00::1", False), ("224.0.0.1", False), ("239.255.255.250", False), ("0.0.0.0", False),
    ("240.0.0.1", False), ("100.64.0.1", False), ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True),
    ("not an address", False),
])
def test_which_addresses_are_public(address, allowed):
    assert address_allowed(address) is allowed


def test_production_refuses_to_allow_private_addresses():
    from ihome.config import ConfigError, load_config
    from tests.unit.core.test_config import PROD

    assert load_config(environ=PROD)["ICAL_ALLOW_PRIVATE"] is False
    assert load_config(environ={"IHOME_ENV": "development"})["ICAL_ALLOW_PRIVATE"] is True
    with pytest.raises(ConfigError, match="IHOME_ICAL_ALLOW_PRIVATE"):
        load_config(environ={**PROD, "IHOME_ICAL_ALLOW_PRIVATE": "true"})


# ---- the beat job --------------------------------------------------------------------------------------

def test_the_beat_job_syncs_the_feeds_that_are_due(app, host, feeds, monkeypatch):
    import ihome.houses.ical_tasks  # noqa: F401 - declares the tasks

    tasks = app.extensions["celery"].tasks
    queued: list[int] = []
    task = tasks["ihome.houses.sync_calendar_import"]
    monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None, **options: queued.append(args[0]))
    house = HouseRef(make_house(owner=host))
    start = NEW_YEAR
    fresh = CalendarImport(house_id=house.id, url=feeds.url("/airbnb.ics?fresh"), last_attempt_at=start - timedelta(
        minutes=10), last_synced_at=start - timedelta(minutes=10))
    stale = CalendarImport(house_id=house.id, url=feeds.url("/airbnb.ics?stale"),
                           last_attempt_at=start - timedelta(minutes=40))
    new = CalendarImport(house_id=house.id, url=feeds.url("/airbnb.ics"))
    db.session.add_all([fresh, stale, new])
    db.session.commit()
    ids = {"fresh": fresh.id, "stale": stale.id, "new": new.id}
    feeds.routes["/airbnb.ics?fresh"] = feeds.routes["/airbnb.ics?stale"] = fixture("airbnb.ics")

    def beat(at: datetime) -> list[int]:
        queued.clear()
        with clock.frozen(at), app.app_context():
            count = tasks["ihome.houses.sync_due_calendars"]()
            assert count == len(queued)
            for import_id in list(queued):  # what the worker does with each queued sync
                tasks["ihome.houses.sync_calendar_import"](import_id)
        return sorted(queued)

    assert beat(start) == sorted([ids["new"], ids["stale"]])
    assert feed_row(ids["stale"]).last_synced_at == start and feed_row(ids["fresh"]).last_attempt_at < start
    assert sorted(b[2] for b in blocks(house.id)) == sorted([ids["new"]] * 2 + [ids["stale"]] * 2)
    assert beat(start + timedelta(minutes=5)) == []  # nothing is due again so soon
    assert beat(start + timedelta(minutes=21)) == [ids["fresh"]]  # 31 minutes after its last attempt
    assert beat(start + timedelta(minutes=31)) == sorted([ids["new"], ids["stale"]])
    assert len(blocks(house.id)) == 6 and all(feed_row(i).last_error is None for i in ids.values())


def test_the_beat_job_is_scheduled(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["ihome.houses.sync_due_calendars"]["task"] == "ihome.houses.sync_due_calendars"
    assert "ihome.houses.sync_calendar_import" in app.extensions["celery"].tasks


def test_imported_nights_before_today_are_not_kept(app, host, feeds):
    """A sync on 12 January keeps only what is still ahead: the stay under way is cut at today."""
    from tests.api.test_ical import sync

    house = HouseRef(make_house(owner=host))
    feed = CalendarImport(house_id=house.id, url=feeds.url("/airbnb.ics"))
    db.session.add(feed)
    db.session.commit()
    import_id = feed.id
    with clock.frozen(datetime(2027, 1, 12, 4, tzinfo=UTC)):
        assert sync(app, import_id) is True
    assert [(s, e) for s, e, _ in blocks(house.id)] == [(date(2027, 1, 12), date(2027, 1, 15)), AIRBNB[1]]
    assert db.session.scalar(select(HouseBlock.source_uid).where(HouseBlock.import_id == import_id)) is not None

"""The statistics API: administrators only, the shapes of API.md, parameters checked (4103)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.houses.models import House
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

ENDPOINTS = ("/admin/stats/summary", "/admin/stats/timeseries?metric=gmv", "/admin/stats/districts",
             "/admin/stats/export.csv?report=daily")


def _range(path: str, days: int = 7) -> str:
    end = clock.today()
    start = end - timedelta(days=days - 1)
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}start={start}&end={end}"


@pytest.fixture
def admin_api(app, api):
    with app.app_context():
        admin = make_user(admin=True)
        admin_id = admin.id
    login(api.client, admin_id)
    return api


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_gets_401(api, path):
    api.get(_range(path)).expect(401, "4101")


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("who", ["guest", "host"])
def test_guest_and_host_get_403(app, api, path, who):
    with app.app_context():
        user = make_user(verified=who == "host")
        if who == "host":
            make_house(owner=user)
        user_id = user.id
    login(api.client, user_id)
    api.get(_range(path)).expect(403, "4105")


def test_summary_shape(admin_api):
    data = admin_api.get(_range("/admin/stats/summary")).expect(200).data
    assert set(data) == {"start", "end", "gmv", "refunds", "net_gmv", "revenue", "bookings", "acceptance_rate",
                         "cancellation_rate", "occupancy_rate", "adr", "revpar", "avg_lead_time_days",
                         "avg_stay_nights", "new_users", "new_hosts", "new_listings", "active_listings",
                         "avg_rating", "searches", "detail_views"}
    assert set(data["bookings"]) == {"requested", "accepted", "rejected", "expired", "cancelled_by_guest",
                                     "cancelled_by_host", "paid", "completed"}


def test_timeseries_districts_and_csv_answer(admin_api):
    series = admin_api.get(_range("/admin/stats/timeseries?metric=bookings.requested&interval=day")).expect(200)
    assert len(series.data["points"]) == 7
    districts = admin_api.get(_range("/admin/stats/districts")).expect(200).data["districts"]
    assert len(districts) == 16
    response = admin_api.client.get("/api/v1.0" + _range("/admin/stats/export.csv?report=districts"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())


@pytest.mark.parametrize("query", [
    "start=2026-01-10&end=2026-01-01",            # end before start
    "start=2024-12-31&end=2026-01-01",            # 367 days: 366 is the most
    "start=2026-01-01",                           # end missing
    "start=2026-13-01&end=2026-12-31",            # not a date
    "start=2026-01-01&end=2026-01-02&aid=999",    # no such district
    "start=2026-01-01&end=2026-01-02&aid=x",
    "start=2026-01-01&end=2026-01-02&aid=99999999999",
    "start=9999-12-30&end=9999-12-31",            # no overflow at the end of the calendar
    "start=0001-01-01&end=0001-01-02",
])
def test_bad_ranges_are_4103(admin_api, query):
    admin_api.get(f"/admin/stats/summary?{query}").expect(400, "4103")


@pytest.mark.parametrize("query", ["metric=nope", "metric=bookings", "metric=gmv&interval=year"])
def test_bad_metric_or_interval_is_4103(admin_api, query):
    admin_api.get(_range(f"/admin/stats/timeseries?{query}")).expect(400, "4103")


def test_bad_report_is_4103(admin_api):
    admin_api.get(_range("/admin/stats/export.csv?report=nope")).expect(400, "4103")


# ---- the figures of a hand-built marketplace, through HTTP ---------------------------------------------
# Each day worked out by hand from tests/support/stats_marketplace.py. Day 3's cancellation rate is 2.0:
# two cancellations (o5, o6) of bookings accepted on earlier days and that day, over one acceptance.
DAILY_CSV = (
    "\ufeffdate,gmv,refunds,net_gmv,revenue,bookings.requested,bookings.accepted,bookings.rejected,"
    "bookings.expired,bookings.cancelled_by_guest,bookings.cancelled_by_host,bookings.paid,bookings.completed,"
    "acceptance_rate,cancellation_rate,occupancy_rate,adr,revpar,avg_lead_time_days,avg_stay_nights,new_users,"
    "new_hosts,new_listings,active_listings,avg_rating,searches,detail_views\r\n"
    "2030-03-01,21000,0,21000,1600,5,3,1,1,0,0,1,0,0.75,0.0,0.3333,10000,3333,3.4,2.2,5,2,3,3,,0,0\r\n"
    "2030-03-02,94500,0,94500,7200,2,2,0,1,1,0,2,0,0.6667,0.5,0.3333,10000,3333,11.5,3.5,0,0,0,3,,3,3\r\n"
    "2030-03-03,0,30000,-30000,-2285,1,1,0,0,1,1,0,1,1.0,2.0,0.0,,0,10.0,2.0,0,0,0,3,4.0,0,1\r\n"
)

@pytest.fixture
def after():
    from tests.support.stats_marketplace import AFTER

    with clock.frozen(AFTER):
        yield


def test_summary_figures_over_http(market, admin_api, after):
    from tests.support.stats_marketplace import EXPECTED

    data = admin_api.get("/admin/stats/summary?start=2030-03-01&end=2030-03-03").expect(200).data
    assert data == EXPECTED


def test_time_series_over_http(market, admin_api, after):
    data = admin_api.get("/admin/stats/timeseries?metric=bookings.paid&start=2030-02-28&end=2030-03-04"
                         "&interval=day&aid=2").expect(200).data
    assert data == {"metric": "bookings.paid", "interval": "day", "points": [
        {"date": "2030-02-28", "value": 0}, {"date": "2030-03-01", "value": 0}, {"date": "2030-03-02", "value": 1},
        {"date": "2030-03-03", "value": 0}, {"date": "2030-03-04", "value": 0}]}


def test_csv_daily_report(market, admin_api, after):
    response = admin_api.client.get("/api/v1.0/admin/stats/export.csv?report=daily&start=2030-03-01&end=2030-03-03")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="ihome-daily-2030-03-01-2030-03-03.csv"' in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8") == DAILY_CSV


def test_csv_districts_report(market, admin_api, after):
    response = admin_api.client.get("/api/v1.0/admin/stats/export.csv?report=districts&start=2030-03-01"
                                    "&end=2030-03-03")
    lines = response.data.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffaid,aname,active_listings,booked_nights,occupancy_rate,adr,gmv"
    assert lines[1:4] == ["1,东城区,1,2,0.6667,10000,52500", "2,西城区,2,0,0.0,,63000", "3,朝阳区,0,0,,,0"]
    assert len(lines) == 1 + 16 + 1 and lines[-1] == ""


def test_csv_houses_report(app, db, market, admin_api, after):
    response = admin_api.client.get("/api/v1.0/admin/stats/export.csv?report=houses&start=2030-03-01"
                                    "&end=2030-03-03")
    text = response.data.decode("utf-8")
    h1, h2, h3 = (market.houses[k] for k in ("h1", "h2", "h3"))
    with app.app_context():
        titles = [db.session.get(House, house_id).title for house_id in (h1, h2, h3)]
    assert text == ("\ufeffhouse_id,title,aid,aname,requested,paid,gmv,refunds,booked_nights,occupancy_rate,adr\r\n"
                    f"{h1},{titles[0]},1,东城区,3,2,52500,0,2,0.6667,10000\r\n"
                    f"{h2},{titles[1]},2,西城区,3,0,0,0,0,0.0,\r\n"
                    f"{h3},{titles[2]},2,西城区,2,1,63000,30000,0,0.0,\r\n")


def test_search_and_detail_are_counted(app, api, redis):
    from ihome.admin import counters

    with app.app_context():
        house = make_house(area_id=3)
        house_id = house.id
    api.get("/houses?aid=3").expect(200)
    api.get("/houses").expect(200)
    api.get(f"/houses/{house_id}").expect(200)
    api.get("/houses?aid=x").expect(400, "4103")  # refused searches are not counted
    api.get("/houses/999999").expect(404, "4002")
    today = clock.today()
    counters.flush()  # counts wait in this process's memory for at most FLUSH_INTERVAL
    assert redis.hgetall(counters.searches_key(today)) == {b"3": b"1", b"0": b"1"}
    assert redis.hgetall(counters.views_key(today)) == {str(house_id).encode(): b"1"}
    assert 0 < redis.ttl(counters.views_key(today)) <= counters.KEEP_DAYS * 86400


def test_openapi_documents_the_statistics(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("summary", "timeseries", "districts", "export.csv"):
        assert f"/api/v1.0/admin/stats/{path}" in paths


def test_errors_are_in_chinese_by_default_and_english_on_request(admin_api):
    query = "/admin/stats/summary?start=2026-01-10&end=2026-01-01"
    assert admin_api.get(query).expect(400, "4103").fields == {"end": ["早于开始日期"]}
    english = admin_api.get(query, headers={"Accept-Language": "en"}).expect(400, "4103")
    assert english.errmsg == "The end date must not be before the start date"

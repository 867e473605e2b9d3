"""The statistics API: administrators only, the shapes of API.md, parameters checked (4103)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
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
])
def test_bad_ranges_are_4103(admin_api, query):
    admin_api.get(f"/admin/stats/summary?{query}").expect(400, "4103")


@pytest.mark.parametrize("query", ["metric=nope", "metric=bookings", "metric=gmv&interval=year"])
def test_bad_metric_or_interval_is_4103(admin_api, query):
    admin_api.get(_range(f"/admin/stats/timeseries?{query}")).expect(400, "4103")


def test_bad_report_is_4103(admin_api):
    admin_api.get(_range("/admin/stats/export.csv?report=nope")).expect(400, "4103")

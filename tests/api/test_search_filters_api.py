"""GET /houses with issue 13's filters through HTTP, and the search page that shows them."""

from __future__ import annotations

import pytest

from ihome.extensions import db
from ihome.houses.models import Facility
from tests.factories.houses import make_house


def test_the_api_filters_and_counts(app, api):
    with app.app_context():
        wifi, shower = db.session.get(Facility, 1), db.session.get(Facility, 2)
        match = make_house(title="朝阳公园旁大两居", price=40000, capacity=4, facilities=[wifi, shower]).id
        make_house(title="朝阳小单间", price=20000, capacity=1, facilities=[wifi, shower])
        make_house(title="朝阳三居", price=40000, capacity=6, facilities=[wifi])
        make_house(title="海淀两居", price=40000, capacity=4, facilities=[wifi, shower])
    data = api.get("/houses?q=%E6%9C%9D%E9%98%B3&guests=3&min_price=30000&max_price=40000&fac=1,2").expect(200).data
    assert data["total"] == 1 and data["total_page"] == 1
    assert [h["house_id"] for h in data["houses"]] == [match]
    assert api.get("/houses?q=朝阳").expect(200).data["total"] == 3


@pytest.mark.parametrize(("query", "field"), [
    ("guests=0", "guests"), ("min_price=abc", "min_price"), ("max_price=-5", "max_price"),
    ("min_price=9&max_price=8", "max_price"), ("fac=1;2", "fac"), ("fac=9999", "fac"), ("q=" + "a" * 51, "q"),
    ("q=%E6%9C%9D%00", "q"),
])
def test_the_api_names_a_bad_filter(api, query, field):
    response = api.get(f"/houses?{query}").expect(400, "4103")
    assert list(response.fields) == [field]


def test_openapi_documents_the_filters_and_total(client):
    document = client.get("/openapi.json").get_json()
    names = {p["name"] for p in document["paths"]["/api/v1.0/houses"]["get"]["parameters"]}
    assert {"guests", "min_price", "max_price", "fac", "q"} <= names


def test_the_page_keeps_every_filter_and_shows_the_count(client):
    wifi = db.session.get(Facility, 1)
    make_house(title="望京大三居", price=45000, capacity=6, facilities=[wifi])
    make_house(title="望京小屋", price=15000, capacity=2)
    page = client.get("/search?q=望京&guests=3&min_price=400&max_price=500&fac=1&lang=en").get_data(as_text=True)
    assert "望京大三居" in page and "望京小屋" not in page
    count = page.split('id="result-count"')[1].split("</p>")[0]
    assert "hidden" not in count.split(">")[0] and "Homes found: 1" in count
    assert 'value="望京"' in page and 'name="guests" value="3"' in page
    assert 'name="min_price" value="400"' in page and 'name="max_price" value="500"' in page
    assert 'name="fac" value="1" checked' in page and 'name="fac" value="2" >' in page


def test_the_page_without_script_takes_repeated_facility_boxes(client):
    wifi, shower = db.session.get(Facility, 1), db.session.get(Facility, 2)
    make_house(title="Both", facilities=[wifi, shower])
    make_house(title="Only wifi", facilities=[wifi])
    page = client.get("/search?fac=1&fac=2").get_data(as_text=True)
    assert "Both" in page and "Only wifi" not in page


def test_the_page_says_a_bad_price_in_words(client):
    page = client.get("/search?min_price=1.5&lang=en").get_data(as_text=True)
    error = page.split('id="search-error"')[1].split("</p>")[0]
    assert "hidden" not in error.split(">")[0] and "yuan" in error

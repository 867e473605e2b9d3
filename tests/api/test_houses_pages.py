"""The houses pages as the server renders them: home, search, detail, my houses and the form."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from ihome.houses.reference import FACILITIES
from ihome.orders.models import OrderStatus
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

STATIC = Path(__file__).resolve().parents[2] / "src" / "ihome" / "static"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def assert_no_inline_code(page: str) -> None:
    """The CSP forbids inline script and style: every <script> has a src, no element a style attribute."""
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page)
    assert not re.search(r"\sstyle\s*=", page)
    assert "<style" not in page


# ---- home -----------------------------------------------------------------------------------------------

def test_home_shows_top_houses_in_a_slideshow_and_every_district(client):
    popular = make_house(title="Popular loft", images=2, order_count=9, price=45600)
    make_house(title="No photo yet", order_count=50)
    page = html(client.get("/"))
    assert 'id="slideshow"' in page and "Popular loft" in page and "¥456" in page and "¥456.00" not in page
    assert f'href="/houses/{popular.id}"' in page
    assert "No photo yet" not in page  # the slideshow only shows houses with a photo
    area_list = page.split('id="area-list"')[1].split("</ul>")[0]
    assert area_list.count("<a ") == 16
    assert 'action="/search"' in page and 'name="sd"' in page and 'name="ed"' in page and 'name="aid"' in page
    assert "js/houses/home.js" in page and "css/houses.css" in page
    assert_no_inline_code(page)


def test_home_without_houses_shows_the_welcome_and_english_works(client):
    page = html(client.get("/?lang=en"))
    assert 'id="slideshow"' not in page
    assert "Find a home for your stay" in page and "Chaoyang" in page and "Check-in" in page


# ---- search ---------------------------------------------------------------------------------------------

def test_search_renders_the_first_page_with_filters_kept(client):
    house_id = make_house(title="Haidian studio", area_id=4, price=30000).id  # search loads no House objects
    make_house(title="Elsewhere", area_id=5)
    start = date.today() + timedelta(days=10)
    page = html(client.get(f"/search?aid=4&sd={start}&ed={start + timedelta(days=2)}&sk=price-inc"))
    assert "Haidian studio" in page and "Elsewhere" not in page
    assert f'href="/houses/{house_id}?sd={start}&amp;ed={start + timedelta(days=2)}"' in page  # the stay goes on
    assert '<option value="4" selected' in page
    assert '<option value="price-inc" selected' in page
    assert f'value="{start}"' in page
    assert 'data-current-page="1"' in page
    assert_no_inline_code(page)


def test_search_hides_a_booked_house_and_shows_the_empty_state(client):
    house = make_house(area_id=6)
    house_id = house.id
    start = date.today() + timedelta(days=5)
    make_order(house=house, start=start, nights=3, status=OrderStatus.PAID)
    page = html(client.get(f"/search?aid=6&sd={start + timedelta(days=1)}&ed={start + timedelta(days=2)}"))
    assert f'href="/houses/{house_id}"' not in page
    empty = page.split('id="empty"')[1].split(">")[0]
    assert "hidden" not in empty


def test_search_with_bad_dates_says_so_in_words(client):
    page = html(client.get("/search?sd=2030-01-05&ed=2030-01-03&lang=en"))
    error = page.split('id="search-error"')[1].split("</p>")[0]
    assert "hidden" not in error.split(">")[0]
    assert len(error.split(">", 1)[1].strip()) > 5  # a message, not a code


def test_search_with_a_malformed_date_shows_a_message(client):
    page = html(client.get("/search?sd=tomorrow&lang=en"))
    assert "YYYY-MM-DD" in page.split('id="search-error"')[1].split("</p>")[0]


# ---- detail ---------------------------------------------------------------------------------------------

def test_detail_shows_price_facilities_host_and_comments(client, app_ctx):
    from ihome.extensions import db
    from ihome.houses.models import Facility

    host = make_user(verified=True, name="Host Wang")
    house = make_house(owner=host, title="Courtyard", price=12345, images=3, rating_sum=9, rating_count=2)
    house.facilities = [db.session.get(Facility, 1), db.session.get(Facility, 23)]
    db.session.commit()
    house_id = house.id
    make_order(house=house, start=date.today() - timedelta(days=10), status=OrderStatus.COMPLETE,
               comment="Lovely stay", rating=4)
    page = html(client.get(f"/houses/{house_id}?lang=en"))
    assert "Courtyard" in page and "¥123.45" in page and "Host Wang" in page
    assert "img/facilities/wifi.svg" in page and "img/facilities/bathtub.svg" in page
    assert "Wi-Fi" in page and "Bathtub" in page
    assert "Lovely stay" in page and "★★★★☆" in page
    assert page.count('class="slide"') == 3
    assert f'href="/houses/{house_id}/book"' in page
    assert_no_inline_code(page)


def test_detail_hides_the_book_button_from_the_owner(client):
    house = make_house()
    login(client, house.user_id)
    page = html(client.get(f"/houses/{house.id}"))
    assert "/book" not in page
    assert f"/my/houses/{house.id}/edit" in page


def test_detail_of_an_unknown_house_is_a_404_page(client):
    response = client.get("/houses/999999")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


# ---- my houses and the form -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/my/houses", "/my/houses/new", "/my/houses/1/edit"])
def test_host_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unverified_users_are_sent_to_real_name_verification(client):
    user = make_user()
    login(client, user.id)
    for path in ("/my/houses", "/my/houses/new"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/my/auth")


def test_my_houses_lists_only_mine(client):
    host = make_user(verified=True)
    mine_id = make_house(owner=host, title="Mine").id
    make_house(title="Theirs")
    login(client, host.id)
    page = html(client.get("/my/houses"))
    assert "Mine" in page and "Theirs" not in page
    assert f"/my/houses/{mine_id}/edit" in page


def test_my_houses_empty_state(client):
    host = make_user(verified=True)
    login(client, host.id)
    page = html(client.get("/my/houses?lang=en"))
    assert "You have not published a home yet." in page


def test_new_house_form_has_every_field_and_facility(client):
    host = make_user(verified=True)
    login(client, host.id)
    page = html(client.get("/my/houses/new"))
    for name in ("title", "price", "area_id", "address", "room_count", "acreage", "unit", "capacity", "beds",
                 "deposit", "min_days", "max_days"):
        assert f'name="{name}"' in page, name
    assert page.count('name="facility"') == len(FACILITIES)
    assert 'id="photos-section" hidden' in page
    assert_no_inline_code(page)


def test_edit_form_is_filled_in_for_the_owner(client):
    house = make_house(title="Edit me", price=25050, images=1)
    login(client, house.user_id)
    page = html(client.get(f"/my/houses/{house.id}/edit"))
    assert 'value="Edit me"' in page and 'value="250.50"' in page
    assert f'data-house-id="{house.id}"' in page
    assert 'id="photos-section" hidden' not in page


def test_edit_form_of_someone_elses_house_is_refused(client):
    house_id = make_house().id
    other = make_user(verified=True)
    login(client, other.id)
    assert client.get(f"/my/houses/{house_id}/edit").status_code == 403
    assert client.get("/my/houses/999999/edit").status_code == 404


def test_every_facility_has_an_icon():
    for _zh, _en, icon in FACILITIES:
        svg = STATIC / "img" / "facilities" / f"{icon}.svg"
        assert svg.read_text().startswith("<svg"), icon

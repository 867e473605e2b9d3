"""Favourites: PUT/DELETE idempotent, my favourites newest first, the ids the hearts are filled from."""

from __future__ import annotations

from sqlalchemy import select

from ihome.extensions import db
from ihome.houses.favorites import Favorite
from tests.factories.houses import make_house


def favorite_rows() -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(select(Favorite.user_id, Favorite.house_id)
                                                      .order_by(Favorite.house_id))]


def test_put_and_delete_are_idempotent(user_api, user):
    house_id = make_house(title="Hutong loft").id
    for _ in range(2):
        answer = user_api.put(f"/houses/{house_id}/favorite").expect(200)
        assert answer.data is None
        assert favorite_rows() == [(user["id"], house_id)]
    assert user_api.get("/user/favorites/ids").expect(200).data == {"house_ids": [house_id], "logged_in": True}
    for _ in range(2):
        user_api.delete(f"/houses/{house_id}/favorite").expect(200)
        assert favorite_rows() == []
    assert user_api.get("/user/favorites/ids").data == {"house_ids": [], "logged_in": True}


def test_my_favourites_are_house_summaries_newest_first(user_api, app):
    from datetime import UTC, datetime, timedelta

    from ihome.core import clock

    first, second = make_house(title="First").id, make_house(title="Second").id
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    with clock.frozen(start):
        user_api.put(f"/houses/{second}/favorite").expect(200)
    with clock.frozen(start + timedelta(minutes=1)):
        user_api.put(f"/houses/{first}/favorite").expect(200)
    houses = user_api.get("/user/favorites").expect(200).data["houses"]
    assert [h["title"] for h in houses] == ["First", "Second"]
    assert {"house_id", "price", "area_name", "index_image_url", "avg_rating"} <= set(houses[0])
    assert user_api.get("/user/favorites/ids").data == {"house_ids": [first, second], "logged_in": True}
    page = user_api.client.get("/my/favorites").get_data(as_text=True)
    assert page.index("First") < page.index("Second") and 'id="favorite-houses"' in page


def test_a_missing_house_is_404_and_changes_nothing(user_api):
    user_api.put("/houses/999999/favorite").expect(404, "4002")
    user_api.delete("/houses/999999/favorite").expect(404, "4002")
    assert favorite_rows() == []


def test_anonymous_visitors_get_401_and_change_nothing(api):
    house_id = make_house().id
    api.put(f"/houses/{house_id}/favorite").expect(401, "4101")
    api.get("/user/favorites").expect(401, "4101")
    assert api.get("/user/favorites/ids").expect(200).data == {"house_ids": [], "logged_in": False}
    assert favorite_rows() == []
    assert api.client.get("/my/favorites").status_code == 302


def test_without_the_csrf_header_nothing_changes(user_api):
    house_id = make_house().id
    user_api.csrf = False
    user_api.put(f"/houses/{house_id}/favorite").expect(400, "4004")
    assert favorite_rows() == []


def test_favourites_are_per_user(user_api, app):
    from tests.conftest import login
    from tests.factories.accounts import make_user
    from tests.support.api_client import ApiClient

    house_id = make_house().id
    user_api.put(f"/houses/{house_id}/favorite").expect(200)
    other = ApiClient(app.test_client())
    login(other.client, make_user().id)
    assert other.get("/user/favorites/ids").data == {"house_ids": [], "logged_in": True}
    other.delete(f"/houses/{house_id}/favorite").expect(200)
    assert len(favorite_rows()) == 1

"""A search card is read as columns, not ORM objects (issue 14): it must show exactly what the
house's summary shows everywhere else (home list, favourites), in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.presenters import house_summary
from tests.factories.accounts import make_user
from tests.factories.houses import make_house


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_search_card_equals_the_house_summary(app, api, language):
    with app.app_context():
        host = make_user(verified=True)
        host.avatar_key = "avatar/host.png"
        rated = make_house(owner=host, price=41650, order_count=3, images=1, title="评分房")
        rated.index_image_key, rated.rating_sum, rated.rating_count = "house/cover.jpg", 14, 3
        plain = make_house(area_id=1, price=20000)
        db.session.commit()
        ids = [rated.id, plain.id]
    sd = clock.today() + timedelta(days=5)
    headers = {"Accept-Language": language}
    data = api.get(f"/houses?aid=1&sd={sd}&ed={sd + timedelta(days=2)}&sk=price-des", headers=headers).expect(200).data
    assert [h["house_id"] for h in data["houses"]] == ids
    with app.test_request_context("/", headers=headers):
        expected = [house_summary(db.session.get(House, i)) for i in ids]
    assert data["houses"] == expected
    assert data["houses"][0]["avg_rating"] == 4.7 and data["houses"][0]["user_avatar"]
    assert data["houses"][0]["area_name"] == expected[0]["area_name"]

"""The display rules pages share: money as people read it, stars rounded half up."""

from __future__ import annotations

import pytest

from ihome.houses.presenters import money, star_count


@pytest.mark.parametrize(("fen", "shown"), [
    (0, "¥0"), (None, "¥0"), (1, "¥0.01"), (10, "¥0.10"), (99, "¥0.99"), (100, "¥1"), (41600, "¥416"),
    (41605, "¥416.05"), (41650, "¥416.50"), (987654321012, "¥9876543210.12"), (-250, "-¥2.50"),
])
def test_money_shows_decimals_only_when_there_are_fen(fen, shown):
    assert money(fen) == shown


@pytest.mark.parametrize(("rating", "stars"), [
    (None, 0), (0, 0), (1, 1), (1.49, 1), (1.5, 2), (2.5, 3), (4.49, 4), (4.5, 5), (5, 5), (9, 5),
])
def test_stars_round_half_up_not_half_to_even(rating, stars):
    assert star_count(rating) == stars

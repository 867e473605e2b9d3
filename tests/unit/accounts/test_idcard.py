"""GB 11643 ID numbers: check digit, birth date, masking."""

from __future__ import annotations

import pytest

from ihome.accounts import idcard


@pytest.mark.parametrize("value", ["11010519491231002X", "110105199003071239", "440524188001010014"])
def test_valid_ids(value):
    assert idcard.is_valid(value)


@pytest.mark.parametrize("value", [
    "110105194912310021",  # wrong check digit
    "11010519491231002x",  # lower-case x: normalize() first
    "1101051949123100",  # too short
    "110105194902300020",  # 30 February, right check digit
    "A10105194912310020",
    "",
])
def test_invalid_ids(value):
    assert not idcard.is_valid(value)


def test_check_char_for_x():
    assert idcard.check_char("11010519491231002") == "X"


def test_normalize_and_mask():
    assert idcard.normalize(" 11010519491231002x ") == "11010519491231002X"
    assert idcard.mask("11010519491231002X") == "110***********002X"
    assert idcard.mask(None) is None


@pytest.mark.parametrize(("value", "problem"), [
    ("11010519491231002X", None),
    ("110105194912310021", "check_digit"),  # 18 well-formed characters, the last one wrong
    ("11010519491231002", "format"),  # 17
    ("1101051949123100XX", "format"),
    ("110105194902300023", "birth_date"),  # 30 February
])
def test_problem_says_which_part_is_wrong(value, problem):
    assert idcard.problem(value) == problem
    assert idcard.is_valid(value) is (problem is None)

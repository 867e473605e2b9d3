"""Mobile numbers and WeChat ids are found in the ways people write them; ordinary text is left alone."""

import pytest

from ihome.conversations.masking import mask_contacts


@pytest.mark.parametrize("text, expected", [
    ("call 13800138000", "call ***********"),
    ("电话19912345678。", "电话***********。"),
    ("138 0013 8000 ok", "************* ok"),
    ("138-0013-8000", "*************"),
    ("1 3 8 0 0 1 3 8 0 0 0", "*********************"),
    ("微信: abc_123x", "微信: ********"),
    ("加我wx：Zhang-San88 谢谢", "加我wx：*********** 谢谢"),
    ("WeChat ID: john_doe1", "WeChat ID: *********"),
    ("vx 13800138000", "vx ***********"),
    ("微信号 hello_world 或 13912345678", "微信号 *********** 或 ***********"),
])
def test_contacts_are_starred_out(text, expected):
    assert mask_contacts(text) == (expected, True)


@pytest.mark.parametrize("text", [
    "几点可以入住？", "12345678901", "213800138000", "room 1380013800", "my wechat is ok", "wxyz abcdefg",
    "价格 ¥416.50，共 3 晚", "",
])
def test_ordinary_text_is_left_alone(text):
    assert mask_contacts(text) == (text, False)

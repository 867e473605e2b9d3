"""Contact details in messages, hidden from the other side until a booking between them is paid.

A mainland mobile number (``1[3-9]`` and nine more digits) is found even when written with spaces,
dashes or dots between the digits (``138 0013 8000``, ``138-0013-8000``); a WeChat id is the 6–20
characters (a letter first, then letters, digits, ``_`` or ``-``) after 微信, 威信, vx, wx, weixin or
wechat, with an optional 号/id and a colon. Each is replaced by as many ``*`` as it has characters,
so the reader sees that something was there.
"""

from __future__ import annotations

import re

_SEP = r"[\s\-.·]*"
MOBILE = re.compile(r"(?<!\d)1" + _SEP + r"[3-9](?:" + _SEP + r"\d){9}(?!\d)")
WECHAT = re.compile(
    r"(?P<label>(?:微信|威信|(?<![A-Za-z])(?:weixin|wechat|vx|wx))\s*(?:号|id|ID)?\s*[:：]?\s*)(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})",
    re.IGNORECASE,
)


def _stars(match: re.Match[str]) -> str:
    return "*" * len(match.group(0))


def mask_contacts(text: str) -> tuple[str, bool]:
    """``(text with mobile numbers and WeChat ids starred out, whether anything was)``."""
    masked = WECHAT.sub(lambda m: m.group("label") + "*" * len(m.group("id")), text)
    masked = MOBILE.sub(_stars, masked)
    return masked, masked != text

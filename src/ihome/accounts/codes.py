"""Verification codes kept in Redis: image captchas and SMS codes, with their limits.

Image code: the answer under ``ihome:image_code:<id>`` for ``CAPTCHA_TTL`` seconds, spent by the
first attempt, right or wrong (GETDEL), so nobody can try many answers against one image.
SMS code: six digits under ``ihome:sms_code:<mobile>`` for ``SMS_CODE_TTL`` seconds, spent on
success or after ``SMS_CODE_MAX_TRIES`` wrong tries, each counted atomically before the comparison.
Sending is queued: a slow provider never holds the request.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ihome.accounts import counters
from ihome.accounts.models import User
from ihome.core import clock
from ihome.core.errors import AlreadyExists, DataError, Invalid, NotFound, RateLimited, Unavailable
from ihome.core.redis_client import get_redis
from ihome.extensions import db
from ihome.integrations import captcha

log = logging.getLogger(__name__)
CODE_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,64}$")
DAY = 24 * 3600


def _image_key(code_id: str) -> str:
    return f"ihome:image_code:{code_id}"


def _sms_key(mobile: str) -> str:
    return f"ihome:sms_code:{mobile}"


# ---- image captcha ---------------------------------------------------------------------------------------

def issue_image_code(*, code_id: str, ip: str) -> bytes:
    """Draw a new captcha for ``code_id`` (replacing any earlier one); returns the JPEG."""
    if not CODE_ID_PATTERN.match(code_id):
        message = _("The image code id must be 1-64 letters, digits or dashes")
        raise Invalid(message, fields={"image_code_id": [message]})
    counters.enforce(f"ihome:captcha:ip:{ip}", limit=current_app.config["CAPTCHA_PER_IP_PER_MINUTE"], window=60,
                     message=_("Too many image codes, please wait a minute"))
    text = captcha.random_text()
    get_redis().set(_image_key(code_id), text, ex=current_app.config["CAPTCHA_TTL"])
    return captcha.render_jpeg(text)


def spend_image_code(*, code_id: str, answer: str) -> None:
    """Check an answer and spend the code either way: ``NotFound`` when expired, ``DataError`` when wrong."""
    expected = get_redis().getdel(_image_key(code_id)) if CODE_ID_PATTERN.match(code_id) else None
    if expected is None:
        message = _("The image code has expired, please click the image for a new one")
        raise NotFound(message, data={"fields": {"image_code": [message]}})
    given = answer.strip().upper().encode()  # bytes: compare_digest refuses non-ASCII str
    test_code = current_app.config.get("CAPTCHA_TEST_CODE")
    if test_code and not current_app.config["PRODUCTION"] and hmac.compare_digest(given, test_code.upper().encode()):
        return
    if not hmac.compare_digest(given, expected.upper()):
        message = _("Wrong image code, please enter the new one")
        raise DataError(message, data={"fields": {"image_code": [message]}})


def send_sms_task() -> Any:
    """The SMS task of this Flask app's Celery app.

    Resolved explicitly rather than through Celery's process-wide default app, which is whichever
    app was created last (a test or a CLI may create several).
    """
    from ihome.accounts.tasks import SEND_SMS

    return current_app.extensions["celery"].tasks[SEND_SMS]


# ---- SMS codes -------------------------------------------------------------------------------------------

def _limit_sms(*, mobile: str, ip: str) -> None:
    """Daily caps per mobile and per IP, then one send per mobile per ``SMS_RESEND_SECONDS``."""
    config = current_app.config
    today = clock.today().isoformat()
    mobile_key, ip_key = f"ihome:sms:day:mobile:{mobile}:{today}", f"ihome:sms:day:ip:{ip}:{today}"
    count, retry_after = counters.hit(mobile_key, window=DAY)
    if count > config["SMS_PER_MOBILE_PER_DAY"]:
        counters.undo(mobile_key)
        raise RateLimited(_("Too many codes for this mobile number today, please try tomorrow"),
                          retry_after=retry_after)
    count, retry_after = counters.hit(ip_key, window=DAY)
    if count > config["SMS_PER_IP_PER_DAY"]:
        counters.undo(ip_key)
        counters.undo(mobile_key)
        raise RateLimited(_("Too many codes from your network today, please try tomorrow"), retry_after=retry_after)
    resend_key = f"ihome:sms:resend:{mobile}"
    if not get_redis().set(resend_key, 1, ex=config["SMS_RESEND_SECONDS"], nx=True):
        counters.undo(ip_key)
        counters.undo(mobile_key)
        wait = max(int(get_redis().ttl(resend_key)), 1)
        raise RateLimited(_("A code was just sent, please wait %(seconds)s seconds", seconds=wait), retry_after=wait)


def request_sms_code(*, mobile: str, image_code: str, image_code_id: str, ip: str) -> None:
    """Check the captcha and the limits, store a fresh 6-digit code and queue the text message."""
    spend_image_code(code_id=image_code_id, answer=image_code)
    if db.session.query(User.id).filter_by(mobile=mobile).first() is not None:
        message = _("This mobile number is already registered, please log in")
        raise AlreadyExists(message, data={"fields": {"mobile": [message]}})
    _limit_sms(mobile=mobile, ip=ip)

    code = f"{secrets.randbelow(10**6):06d}"
    ttl = current_app.config["SMS_CODE_TTL"]
    key = _sms_key(mobile)
    pipe = get_redis().pipeline()
    pipe.delete(key)
    pipe.hset(key, mapping={"code": code, "tries": 0})
    pipe.expire(key, ttl)
    pipe.execute()
    minutes = max(ttl // 60, 1)
    body = _("[iHome] Your verification code is %(code)s, valid for %(minutes)s minutes.", code=code, minutes=minutes)
    try:
        send_sms_task().delay(mobile, body, [code, str(minutes)])
    except Exception as exc:  # the broker is down: say so now rather than let the user wait for nothing
        log.exception("could not queue the SMS code")
        get_redis().delete(key, f"ihome:sms:resend:{mobile}")
        raise Unavailable() from exc


# KEYS[1]: the code's hash; ARGV[1]: the tries allowed. Counts the try before any comparison, only while
# the code exists (a try after it was spent must not recreate the key, without an expiry), and spends
# the code once the tries are used up. Returns {code, tries}, or nil when there is no code.
_COUNT_TRY = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
local code = redis.call('HGET', KEYS[1], 'code')
if tries > tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
return {code, tries}
"""


def _sms_code_expired() -> NotFound:
    message = _("The SMS code has expired, please request a new one")
    return NotFound(message, data={"fields": {"sms_code": [message]}})


def spend_sms_code(*, mobile: str, code: str) -> None:
    """Accept the right code once; every try is counted first, and the last allowed try spends it."""
    redis = get_redis()
    key = _sms_key(mobile)
    max_tries = current_app.config["SMS_CODE_MAX_TRIES"]
    counted = redis.eval(_COUNT_TRY, 1, key, max_tries)
    if counted is None or counted[0] is None:
        raise _sms_code_expired()
    stored, tries = counted[0], int(counted[1])
    if tries > max_tries:  # others used the last tries meanwhile: nothing is compared
        message = _("Too many wrong codes, please request a new one")
        raise DataError(message, data={"fields": {"sms_code": [message]}})
    if hmac.compare_digest(code.strip().encode(), stored):  # bytes: non-ASCII input is a wrong code
        if not redis.delete(key):  # someone else spent it a moment ago
            raise _sms_code_expired()
        return
    if tries >= max_tries:
        redis.delete(key)
        message = _("Too many wrong codes, please request a new one")
    else:
        message = _("Wrong SMS code")
    raise DataError(message, data={"fields": {"sms_code": [message]}})

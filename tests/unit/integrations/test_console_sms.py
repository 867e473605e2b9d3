"""The console SMS backend logs like the real one: masked mobile, no code; the dev outbox keeps it all."""

from __future__ import annotations

import logging

from ihome.integrations.sms import ConsoleSms, mask_body, outbox


def test_the_log_line_masks_the_mobile_and_the_code(app_ctx, caplog):
    with caplog.at_level(logging.INFO, logger="ihome.integrations.sms"):
        ConsoleSms().send("13812348000", "【爱家租房】您的验证码是 482913，5 分钟内有效。")
    lines = [record.getMessage() for record in caplog.records if record.name == "ihome.integrations.sms"]
    assert lines == ["SMS to 138****8000: 【爱家租房】您的验证码是 ******，5 分钟内有效。"]
    assert all(record.levelno == logging.INFO for record in caplog.records if record.name == "ihome.integrations.sms")
    assert "13812348000" not in caplog.text and "482913" not in caplog.text
    # the development-only outbox (/dev/outbox) still shows what was sent
    assert outbox()[-1]["mobile"] == "13812348000" and "482913" in outbox()[-1]["body"]


def test_mask_body_hides_every_run_of_four_or_more_digits():
    assert mask_body("code 1234, call 13800138000 on 12-01") == "code ****, call *********** on 12-01"


def test_the_sent_mark_is_written_in_the_same_transaction_as_the_message(app_ctx, redis):
    """A worker killed after the console "delivery" can't leave a message without its mark (or the reverse)."""
    ConsoleSms().send("13812348000", "hello", sent_mark=("ihome:sms:sent:task-1", 600))
    assert outbox()[-1]["body"] == "hello"
    assert redis.get("ihome:sms:sent:task-1") == b"1" and 0 < redis.ttl("ihome:sms:sent:task-1") <= 600


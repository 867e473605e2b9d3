"""Search and view counts are buffered per process and written in one pipeline (issue 14)."""

from __future__ import annotations

from datetime import date

import redis as redis_lib

from ihome.admin import counters

DAY = date(2031, 5, 4)


def _clean(redis) -> None:
    counters.flush()
    redis.delete(counters.views_key(DAY), counters.searches_key(DAY))


def test_a_flush_writes_the_summed_counts_with_their_expiry(app_ctx, redis):
    _clean(redis)
    for house_id in (7, 7, 7, 8):
        counters._count(counters.views_key(DAY), house_id)
    counters._count(counters.searches_key(DAY), 0)
    counters.flush()
    assert redis.hgetall(counters.views_key(DAY)) == {b"7": b"3", b"8": b"1"}
    assert redis.hgetall(counters.searches_key(DAY)) == {b"0": b"1"}
    assert 0 < redis.ttl(counters.views_key(DAY)) <= counters.KEEP_DAYS * 86400
    counters.flush()  # nothing pending: nothing counted twice
    assert redis.hgetall(counters.views_key(DAY)) == {b"7": b"3", b"8": b"1"}


def test_reading_a_day_flushes_first(app_ctx, redis):
    _clean(redis)
    counters._count(counters.views_key(DAY), 5)
    counters._count(counters.searches_key(DAY), 2)
    assert counters.read_day(DAY) == ({2: 1}, {5: 1})


def test_a_full_buffer_is_written_without_waiting(app_ctx, redis, monkeypatch):
    _clean(redis)
    monkeypatch.setattr(counters._buffer, "max_pending", 2)
    counters._count(counters.views_key(DAY), 1)
    counters._count(counters.views_key(DAY), 2)
    assert redis.hgetall(counters.views_key(DAY)) == {b"1": b"1", b"2": b"1"}


def test_redis_down_loses_the_counts_quietly(app_ctx, redis, caplog):
    _clean(redis)
    dead = redis_lib.Redis(unix_socket_path="/nonexistent/redis.sock", socket_connect_timeout=0.1, retry=None)
    counters._buffer.add(dead, counters.views_key(DAY), "9", 1)
    counters._count(counters.views_key(DAY), 10)
    counters.flush()  # the live client's counts are written; the dead one's are logged and dropped
    assert redis.hgetall(counters.views_key(DAY)) == {b"10": b"1"}
    assert "could not write" in caplog.text
    counters.flush()

"""Parsing and building iCalendar with the real ``icalendar`` package: every shape of event the import
reads, the bounds that keep a hostile feed cheap, and an export that parses back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from ihome.houses import ical
from ihome.houses.ical_fetch import (
    FetchRefused,
    address_policy,
    any_address,
    check_host,
    loopback_only,
    normalise_url,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 1)


def feed(*events: str) -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events, "END:VCALENDAR", ""])
    return body.encode()


def event(*lines: str, uid: str = "e@test") -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261201T000000Z", *lines, "END:VEVENT"])


def nights(body: bytes, today: date = TODAY, horizon: int = 730) -> list[tuple[date, date]]:
    return [(r.start, r.end) for r in ical.parse_busy_ranges(body, zone=SHANGHAI, today=today, horizon_days=horizon)]


def test_floating_times_are_the_marketplace_zone_and_late_ends_count_their_day():
    body = feed(event("DTSTART:20270105T220000", "DTEND:20270106T020000", uid="a"),
                event("DTSTART:20270110T150000", "DTEND:20270112T180000", uid="b"))
    assert nights(body) == [(date(2027, 1, 5), date(2027, 1, 6)), (date(2027, 1, 10), date(2027, 1, 12))]


def test_utc_times_move_to_beijing_across_midnight():
    body = feed(event("DTSTART:20270105T170000Z", "DTEND:20270106T170000Z"))  # 01:00 on the 6th → 01:00 the 7th
    assert nights(body) == [(date(2027, 1, 6), date(2027, 1, 7))]


def test_duration_and_a_date_time_without_end():
    body = feed(event("DTSTART;VALUE=DATE:20270105", "DURATION:P3D", uid="a"),
                event("DTSTART:20270110T100000Z", uid="b"))
    assert nights(body) == [(date(2027, 1, 5), date(2027, 1, 8)), (date(2027, 1, 10), date(2027, 1, 11))]


def test_a_rule_with_until_and_rdate_and_a_rule_since_long_ago_are_bounded():
    weekly = event("DTSTART;VALUE=DATE:20270104", "DTEND;VALUE=DATE:20270105", "RRULE:FREQ=WEEKLY;UNTIL=20270125",
                   "RDATE;VALUE=DATE:20270301", uid="w")
    assert nights(feed(weekly)) == [(date(2027, 1, d), date(2027, 1, d + 1)) for d in (4, 11, 18, 25)] + [
        (date(2027, 3, 1), date(2027, 3, 2))]
    daily_since_1990 = event("DTSTART;VALUE=DATE:19900101", "RRULE:FREQ=DAILY", uid="d")
    found = nights(feed(daily_since_1990), horizon=60)
    assert found[0] == (TODAY, date(2027, 1, 2)) and len(found) == 60  # walked from 1990, kept from today
    hourly = event("DTSTART:20270101T000000Z", "DTEND:20270101T003000Z", "RRULE:FREQ=MINUTELY", uid="m")
    assert len(nights(feed(hourly))) <= ical.MAX_OCCURRENCES  # bounded, whatever the rule


def test_past_ranges_drop_tonight_is_kept_and_the_horizon_cuts():
    body = feed(event("DTSTART;VALUE=DATE:20261220", "DTEND;VALUE=DATE:20261230", uid="past"),
                event("DTSTART;VALUE=DATE:20261230", "DTEND;VALUE=DATE:20270103", uid="now"),
                event("DTSTART;VALUE=DATE:20270120", "DTEND;VALUE=DATE:20270220", uid="cut"),
                event("DTSTART;VALUE=DATE:20280101", "DTEND;VALUE=DATE:20280105", uid="far"))
    assert nights(body, horizon=31) == [(TODAY, date(2027, 1, 3)), (date(2027, 1, 20), date(2027, 2, 1))]


@pytest.mark.parametrize("body, words", [
    (b"", "empty"),
    (b"\xff\xfe not text", "not UTF-8"),
    (b"<!doctype html><p>Log in</p>", "BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027011\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "cannot be read"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "cannot be read"),
])
def test_what_is_not_a_calendar_fails_the_whole_feed(body, words):
    with pytest.raises(ical.FeedInvalid, match=words):
        nights(body)


def test_too_many_ranges_fail_the_feed(monkeypatch):
    monkeypatch.setattr(ical, "MAX_RANGES", 3)
    body = feed(*(event(f"DTSTART;VALUE=DATE:202702{d:02d}", uid=f"u{d}") for d in range(1, 6)))
    with pytest.raises(ical.FeedInvalid, match="more than 3"):
        nights(body)


def test_the_export_parses_back_with_all_day_events():
    stamp = datetime(2026, 12, 1, 8, tzinfo=UTC)
    body = ical.build_calendar(name="iHome 7", events=[
        ical.ExportEvent(uid=ical.order_uid(house_id=7, order_id=3), start=date(2027, 1, 10), end=date(2027, 1, 12),
                         summary="iHome booked", stamp=stamp),
        ical.ExportEvent(uid=ical.block_uid(house_id=7, block_id=9), start=date(2027, 1, 12), end=date(2027, 1, 13),
                         summary="Not available", stamp=stamp)])
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == [
        (date(2027, 1, 10), date(2027, 1, 12)), (date(2027, 1, 12), date(2027, 1, 13))]
    assert b"DTSTART;VALUE=DATE:20270110" in body and b"DTSTAMP:20261201T080000Z" in body
    # and our own import reads it back: the nights a site that subscribes will block
    assert nights(body) == [(date(2027, 1, 10), date(2027, 1, 12)), (date(2027, 1, 12), date(2027, 1, 13))]
    assert ical.imported_uid(house_id=7, import_id=2, source_uid="x", start=date(2027, 1, 1), end=date(2027, 1, 2)) \
        == ical.imported_uid(house_id=7, import_id=2, source_uid="x", start=date(2027, 1, 1), end=date(2027, 1, 2))


def test_urls_are_normalised_or_refused():
    assert normalise_url(" webcal://p.example.com/cal.ics ") == "https://p.example.com/cal.ics"
    for url in ("ftp://x.example/a", "https://u:p@x.example/a", "http://x.example:0/a", "http://x.example:99999/",
                "https://x.example/a b", "mailto:a@b.c", "//x.example/a"):
        with pytest.raises(FetchRefused):
            normalise_url(url)


def test_testing_fetches_loopback_only_and_never_asks_dns(monkeypatch):
    import socket

    assert address_policy(allow_private=True, testing=True) is loopback_only
    assert address_policy(allow_private=True, testing=False) is any_address

    def no_dns(*args, **kwargs):
        raise AssertionError("a DNS query was made")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    for host in ("example.com", "10.0.0.1", "[fd00::1]"):
        with pytest.raises(FetchRefused):
            check_host(host, 80, allowed=loopback_only)
    check_host("127.0.0.1", 80, allowed=loopback_only)
    check_host("[::1]", 80, allowed=loopback_only)

"""A host gets at most one new-request text per window, later requests counted in a digest (issue 9 §2).

The budget is tested on the real Redis with recorded sends, then end to end: bookings through the
API, the task queued after commit (Celery eager in tests), the console SMS backend's outbox.
"""

from __future__ import annotations

from datetime import timedelta

from ihome.core import clock
from ihome.integrations.sms import outbox
from ihome.orders import host_texts
from tests.api.test_orders import client_of
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

HOST, MOBILE = 7, "13900009999"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.scheduled: list[tuple[int, str, int]] = []

    def send(self, mobile: str, body: str) -> None:
        self.sent.append((mobile, body))

    def schedule(self, host_id: int, mobile: str, seconds: int) -> None:
        self.scheduled.append((host_id, mobile, seconds))


def request(recorder: Recorder, body: str = "new booking") -> bool:
    return host_texts.new_request(host_id=HOST, mobile=MOBILE, body=body, send=recorder.send,
                                  schedule_digest=recorder.schedule)


def digest(recorder: Recorder) -> int:
    return host_texts.digest(host_id=HOST, mobile=MOBILE, send=recorder.send, schedule_digest=recorder.schedule)


def test_the_first_request_texts_at_once_and_schedules_the_digest(app_ctx, redis):
    recorder = Recorder()
    assert request(recorder) is True
    assert recorder.sent == [(MOBILE, "new booking")]
    assert recorder.scheduled == [(HOST, MOBILE, 15 * 60)]  # IHOME_HOST_REQUEST_TEXT_MINUTES
    assert 0 < redis.ttl(f"ihome:orders:host-texts:window:{HOST}") <= 15 * 60


def test_a_flood_of_requests_costs_one_text_and_one_digest_per_window(app_ctx, redis):
    recorder = Recorder()
    results = [request(recorder, f"booking {n}") for n in range(300)]
    assert results.count(True) == 1 and recorder.sent == [(MOBILE, "booking 0")]
    assert digest(recorder) == 299
    assert len(recorder.sent) == 2
    assert "299" in recorder.sent[1][1] and "预订请求" in recorder.sent[1][1]  # in the marketplace's language
    assert recorder.scheduled[-1] == (HOST, MOBILE, 15 * 60)  # the digest opened a new window
    assert request(recorder) is False  # inside the digest's window: counted, not sent
    assert digest(recorder) == 1 and len(recorder.sent) == 3
    scheduled = len(recorder.scheduled)
    assert digest(recorder) == 0 and len(recorder.sent) == 3  # nothing waiting: no text
    assert len(recorder.scheduled) == scheduled  # and the chain stops


def test_after_a_quiet_window_the_next_request_texts_again_with_what_a_digest_missed(app_ctx, redis):
    recorder = Recorder()
    request(recorder)
    request(recorder)
    redis.delete(f"ihome:orders:host-texts:window:{HOST}")  # the window ended (and no digest ran)
    assert request(recorder, "booking 3") is True
    assert recorder.sent[-1][1].startswith("booking 3 ") and "1" in recorder.sent[-1][1]
    assert digest(recorder) == 0


def test_hosts_have_separate_budgets(app_ctx, redis):
    recorder = Recorder()
    request(recorder)
    assert host_texts.new_request(host_id=HOST + 1, mobile="13900008888", body="b", send=recorder.send,
                                  schedule_digest=recorder.schedule) is True
    assert [mobile for mobile, _ in recorder.sent] == [MOBILE, "13900008888"]


def test_the_window_is_a_setting(app_ctx, app, redis, monkeypatch):
    monkeypatch.setitem(app.config, "HOST_REQUEST_TEXT_MINUTES", 2)
    recorder = Recorder()
    request(recorder)
    assert recorder.scheduled == [(HOST, MOBILE, 120)]


def test_five_bookings_through_the_api_text_the_host_once(app, db, redis):
    """The real wiring: booking → task after commit → budget → SMS task → console backend."""
    host = make_user(verified=True)
    house = make_house(owner=host, title="Sea View")
    host_id, host_mobile, house_id = host.id, host.mobile, house.id  # read before requests end the session
    for n in range(5):
        api = client_of(app, make_user())
        start = clock.today() + timedelta(days=1 + 2 * n)
        api.post("/orders", json={"house_id": house_id, "start_date": start.isoformat(),
                                  "end_date": (start + timedelta(days=1)).isoformat()}).expect(201)
    with app.app_context():
        to_host = [entry for entry in outbox() if entry["mobile"] == host_mobile]
        assert len(to_host) == 1 and "Sea View" in to_host[0]["body"]
        recorder = Recorder()
        assert host_texts.digest(host_id=host_id, mobile=host_mobile, send=recorder.send,
                                 schedule_digest=recorder.schedule) == 4  # what the window's digest will say

"""The time-driven transitions with an injected clock: cut-offs, idempotence, notices, the Celery tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.orders import jobs, tasks
from ihome.orders.models import Order, OrderEvent, OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import add_event, make_order

S = OrderStatus
T0 = datetime(2030, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def status_of(db, order) -> str:
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def job_events(db, order) -> list[tuple]:
    return [(e.from_status, e.to_status, e.actor) for e in db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.actor.like("system:%")))]


def test_unanswered_booking_expires_after_24_hours_only(app_ctx, texts, db):
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10))
    assert jobs.expire_unanswered(now=T0 + timedelta(hours=23, minutes=59)) == 0
    assert status_of(db, order) == S.WAIT_ACCEPT
    assert jobs.expire_unanswered(now=T0 + timedelta(hours=24, seconds=1)) == 1
    assert status_of(db, order) == S.CANCELED
    assert job_events(db, order) == [(S.WAIT_ACCEPT, S.CANCELED, "system:expire_unanswered")]
    [text] = texts
    assert text[0] == db.session.get(Order, order.id).guest.mobile


def test_unanswered_expiry_is_idempotent(app_ctx, texts, db):
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10))
    later = T0 + timedelta(days=2)
    assert jobs.expire_unanswered(now=later) == 1
    assert jobs.expire_unanswered(now=later) == 0
    assert len(job_events(db, order)) == 1
    assert len(texts) == 1


def test_unanswered_expiry_leaves_other_states_alone(app_ctx, texts, db):
    with clock.frozen(T0):
        house = make_house()
        others = [make_order(house=house, status=s, start=date(2030, 3, 10 + 3 * i))
                  for i, s in enumerate([S.WAIT_PAYMENT, S.PAID, S.REJECTED])]
    jobs.expire_unanswered(now=T0 + timedelta(days=5))
    assert [status_of(db, o) for o in others] == [S.WAIT_PAYMENT, S.PAID, S.REJECTED]


def test_unpaid_booking_expires_2_hours_after_acceptance(app_ctx, texts, db):
    """Counted from the accept event, not from the booking: a booking accepted late still has 2 hours."""
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10), status=S.WAIT_PAYMENT)
    accepted = T0 + timedelta(hours=20)
    with clock.frozen(accepted):
        add_event(order=order, from_status=S.WAIT_ACCEPT, to_status=S.WAIT_PAYMENT)
    assert jobs.expire_unpaid(now=accepted + timedelta(hours=1, minutes=59)) == 0
    assert status_of(db, order) == S.WAIT_PAYMENT
    assert jobs.expire_unpaid(now=accepted + timedelta(hours=2, seconds=1)) == 1
    assert status_of(db, order) == S.CANCELED
    assert job_events(db, order) == [(S.WAIT_PAYMENT, S.CANCELED, "system:expire_unpaid")]
    assert len(texts) == 1
    assert jobs.expire_unpaid(now=accepted + timedelta(hours=5)) == 0


def test_unpaid_expiry_falls_back_to_the_last_update(app_ctx, texts, db):
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10), status=S.WAIT_PAYMENT)
    assert jobs.expire_unpaid(now=T0 + timedelta(hours=1)) == 0
    assert jobs.expire_unpaid(now=T0 + timedelta(hours=3)) == 1
    assert status_of(db, order) == S.CANCELED


def test_stay_ends_on_the_check_out_date_in_the_marketplace_zone(app_ctx, texts, db):
    order = make_order(house=make_house(), start=date(2030, 3, 1), nights=2, status=S.PAID)  # out Mar 3
    # 15:00 UTC on Mar 2 is 23:00 in Shanghai: still Mar 2
    assert jobs.finish_stays(now=datetime(2030, 3, 2, 15, 0, tzinfo=UTC)) == 0
    assert status_of(db, order) == S.PAID
    # 16:30 UTC on Mar 2 is 00:30 on Mar 3 in Shanghai
    assert jobs.finish_stays(now=datetime(2030, 3, 2, 16, 30, tzinfo=UTC)) == 1
    assert status_of(db, order) == S.WAIT_COMMENT
    assert job_events(db, order) == [(S.PAID, S.WAIT_COMMENT, "system:finish_stay")]
    assert jobs.finish_stays(now=datetime(2030, 3, 5, tzinfo=UTC)) == 0


def test_stay_end_only_moves_paid_orders(app_ctx, texts, db):
    house = make_house()
    unpaid = make_order(house=house, start=date(2030, 3, 1), status=S.WAIT_PAYMENT)
    assert jobs.finish_stays(now=datetime(2030, 4, 1, tzinfo=UTC)) == 0
    assert status_of(db, unpaid) == S.WAIT_PAYMENT


def test_a_candidate_moved_by_someone_else_meanwhile_is_skipped(app_ctx, texts, db, monkeypatch):
    """Two runs at once, replayed: this run picked the id, another applied it first; nothing twice."""
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10))
    real_apply = jobs.apply_transition
    calls = []

    def other_run_first(**kwargs):
        if not calls:
            calls.append(real_apply(**kwargs))  # the other run
        return real_apply(**kwargs)

    monkeypatch.setattr(jobs, "apply_transition", other_run_first)
    assert jobs.expire_unanswered(now=T0 + timedelta(days=2)) == 0
    assert status_of(db, order) == S.CANCELED
    assert len(job_events(db, order)) == 1


def test_the_cut_off_is_checked_again_when_applying(app_ctx, texts, db, monkeypatch):
    """An order that became recent again between the select and the update is not touched."""
    with clock.frozen(T0):
        order = make_order(house=make_house(), start=date(2030, 3, 10), status=S.WAIT_PAYMENT)
    real_apply = jobs.apply_transition

    def accepted_meanwhile(**kwargs):
        with clock.frozen(T0 + timedelta(days=2)):
            add_event(order=order, from_status=S.WAIT_ACCEPT, to_status=S.WAIT_PAYMENT, commit=False)
            db.session.flush()
        return real_apply(**kwargs)

    monkeypatch.setattr(jobs, "apply_transition", accepted_meanwhile)
    assert jobs.expire_unpaid(now=T0 + timedelta(days=2, hours=1)) == 0
    assert status_of(db, order) == S.WAIT_PAYMENT


def test_one_failing_order_does_not_stop_the_others(app_ctx, texts, db, monkeypatch):
    with clock.frozen(T0):
        house = make_house()
        first = make_order(house=house, start=date(2030, 3, 10))
        second = make_order(house=house, start=date(2030, 3, 20))
    real_apply = jobs.apply_transition

    def fail_first(**kwargs):
        if kwargs["order_id"] == first.id:
            raise RuntimeError("boom")
        return real_apply(**kwargs)

    monkeypatch.setattr(jobs, "apply_transition", fail_first)
    assert jobs.expire_unanswered(now=T0 + timedelta(days=2)) == 1
    assert (status_of(db, first), status_of(db, second)) == (S.WAIT_ACCEPT, S.CANCELED)


@pytest.mark.parametrize(("task", "status", "target"), [
    (tasks.expire_unanswered, S.WAIT_ACCEPT, S.CANCELED),
    (tasks.expire_unpaid, S.WAIT_PAYMENT, S.CANCELED),
    (tasks.finish_stays, S.PAID, S.WAIT_COMMENT),
])
def test_celery_tasks_run_the_jobs_on_the_clock(app_ctx, texts, db, task, status, target):
    with clock.frozen(T0):
        order_id = make_order(house=make_house(), start=date(2030, 3, 1), nights=1, status=status).id
    own = app_ctx.extensions["celery"].tasks[task.name]  # this app's task, whatever app was created last
    with clock.frozen(T0 + timedelta(days=3)):
        assert own.apply().get() == 1
    assert db.session.get(Order, order_id).status == target


def test_task_names_match_the_beat_schedule():
    from ihome.core.tasks import BEAT_SCHEDULE

    names = {tasks.expire_unanswered.name, tasks.expire_unpaid.name, tasks.finish_stays.name}
    assert names <= set(BEAT_SCHEDULE)


def test_an_automatic_cancel_frees_the_nights_for_search_and_calendar_at_once(app_ctx, texts, db, redis):
    from ihome.core.cache import GEN_PREFIX
    from ihome.houses.cache import house_generation, search_generations

    with clock.frozen(T0):
        house = make_house()
        order = make_order(house=house, start=date(2030, 3, 10))
    # the week of the stay's first night, in every district's searches and in the house's own
    weekly = [search_generations(None, order.start_date, order.end_date)[1],
              search_generations(house.area_id, order.start_date, order.end_date)[1]]
    names = (*weekly, house_generation(house.id))
    before = [int(redis.get(GEN_PREFIX + name) or 0) for name in names]
    jobs.expire_unanswered(now=T0 + timedelta(days=2))
    after = [int(redis.get(GEN_PREFIX + name) or 0) for name in names]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]

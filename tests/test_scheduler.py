"""The scheduler: its triggers in the local zone, the JobRun guard, catch-up after downtime.

Nothing sleeps: the catch-up takes an injected "now", and the one APScheduler test reads the
next run time of a started (paused) scheduler.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tracker.config import Config, ConfigError
from tracker.core.db import database
from tracker.models import JobRun, OutboxMessage
from tracker.ops import scheduler
from tracker.reminders import jobs

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)


@pytest.fixture
def overdue_work(app_ctx, factory, world):
    """Work that every periodic job has something to say about on Monday 18/05/2026."""
    factory.assignment(
        factory.task(world.meeting, "Báo cáo tuần", deadline=date(2026, 5, 21)), world.ward_b
    )
    return world


def weekly_messages() -> int:
    return OutboxMessage.select().where(OutboxMessage.kind == "weekly_digest").count()


# --- triggers ------------------------------------------------------------------------------


def test_monday_0730_local_is_0030_utc(app):
    trigger = scheduler.triggers(app)["weekly_digest"]
    fire = trigger.get_next_fire_time(None, datetime(2026, 5, 15, 3, 0, tzinfo=UTC))
    assert fire.astimezone(UTC) == datetime(2026, 5, 18, 0, 30, tzinfo=UTC)
    assert fire.astimezone(HCM).strftime("%A %H:%M") == "Monday 07:30"
    due = scheduler.triggers(app)["due_soon"]
    assert due.get_next_fire_time(None, local(2026, 5, 15, 8, 0)) == local(2026, 5, 16, 7, 0)


def test_started_scheduler_runs_the_digest_next_monday_0030_utc(app):
    sched = scheduler.build_scheduler(app, BackgroundScheduler)
    sched.start(paused=True)
    try:
        job = sched.get_job("weekly_digest")
        assert job.next_run_time is not None
        nxt = job.next_run_time.astimezone(UTC)
        assert (nxt.weekday(), nxt.hour, nxt.minute) == (0, 0, 30)
        assert nxt > datetime.now(UTC) and nxt - datetime.now(UTC) <= timedelta(days=7)
        assert job.misfire_grace_time == 12 * 3600 and job.coalesce and job.max_instances == 1
        ids = {j.id for j in sched.get_jobs()}
        assert ids == {
            "weekly_digest",
            "leader_summary",
            "due_soon",
            "leader_pending",
            "send_outbox",
            "sweep_uploads",
            "purge_notifications",
        }
        assert sched.get_job("send_outbox").trigger.interval == timedelta(minutes=1)
        assert sched.get_job("sweep_uploads").trigger.interval == timedelta(hours=1)
    finally:
        sched.shutdown(wait=False)


def test_configured_times_are_used(app):
    app.config["WEEKLY_DIGEST_AT"] = ("fri", 16, 0)
    app.config["DUE_SOON_AT"] = (6, 15)
    triggers = scheduler.triggers(app)
    now = local(2026, 5, 15, 8, 0)
    assert triggers["weekly_digest"].get_next_fire_time(None, now) == local(2026, 5, 15, 16, 0)
    assert triggers["leader_summary"].get_next_fire_time(None, now) == local(2026, 5, 18, 7, 30)
    assert triggers["due_soon"].get_next_fire_time(None, now) == local(2026, 5, 16, 6, 15)


def test_last_fire_time_within_the_grace_period(app):
    trigger = scheduler.triggers(app)["weekly_digest"]
    grace = timedelta(hours=12)
    monday = local(2026, 5, 18, 7, 30)
    assert scheduler.last_fire_time(trigger, local(2026, 5, 18, 9, 0), grace) == monday
    assert scheduler.last_fire_time(trigger, monday, grace) == monday
    assert scheduler.last_fire_time(trigger, local(2026, 5, 18, 7, 29), grace) is None
    assert scheduler.last_fire_time(trigger, local(2026, 5, 18, 19, 30), grace) == monday
    assert scheduler.last_fire_time(trigger, local(2026, 5, 18, 19, 31), grace) is None


# --- catch-up ------------------------------------------------------------------------------


def test_down_over_monday_morning_then_started_makes_one_batch(app, overdue_work):
    outcomes = scheduler.catch_up(app, now=local(2026, 5, 18, 9, 0))
    by_job = {o.job: o for o in outcomes}
    assert set(by_job) == {"weekly_digest", "leader_summary", "due_soon", "leader_pending"}
    weekly = by_job["weekly_digest"]
    assert weekly.ran and weekly.period == "2026-W21" and weekly.queued == 3
    assert by_job["leader_summary"].ran and by_job["leader_summary"].queued == 2
    assert by_job["due_soon"].period == "2026-05-18"
    assert weekly_messages() == 3
    # Started again (same morning): nothing more.
    again = scheduler.catch_up(app, now=local(2026, 5, 18, 10, 0))
    assert [o.ran for o in again] == [False, False, False, False]
    assert weekly_messages() == 3
    assert JobRun.select().where(JobRun.job == "weekly_digest").count() == 1


def test_two_schedulers_catching_up_at_once_make_one_batch(app, overdue_work):
    barrier = threading.Barrier(2)
    results: list[list] = []
    errors: list[BaseException] = []

    def start_scheduler() -> None:
        try:
            barrier.wait()
            results.append(scheduler.catch_up(app, now=local(2026, 5, 18, 9, 0)))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            if not database.is_closed():
                database.close()

    threads = [threading.Thread(target=start_scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    weekly = [o for outcomes in results for o in outcomes if o.job == "weekly_digest"]
    assert sorted(o.ran for o in weekly) == [False, True]
    assert weekly_messages() == 3
    assert JobRun.select().where(JobRun.job == "weekly_digest").count() == 1
    keys = [m.key for m in OutboxMessage.select()]
    assert len(keys) == len(set(keys))


def test_started_after_the_grace_period_makes_no_weekly_catch_up(app, overdue_work):
    outcomes = scheduler.catch_up(app, now=local(2026, 5, 19, 9, 0))
    # Tuesday 09:00: Monday 07:30 is 25.5 hours ago; only Tuesday's 07:00 daily runs are due.
    assert [o.job for o in outcomes] == ["due_soon", "leader_pending"]
    assert outcomes[0].period == "2026-05-19"
    assert weekly_messages() == 0
    assert not JobRun.select().where(JobRun.job == "weekly_digest").exists()


def test_before_the_first_fire_time_nothing_is_caught_up(app, overdue_work):
    assert scheduler.catch_up(app, now=local(2026, 5, 18, 6, 59)) == []


def test_catch_up_after_a_scheduled_run_does_nothing(app, overdue_work):
    clock = app.extensions["clock"]
    clock.set(local(2026, 5, 18, 7, 30))
    assert scheduler.run_scheduled(app, "weekly_digest").ran
    outcomes = scheduler.catch_up(app, now=local(2026, 5, 18, 8, 0))
    assert not {o.job: o for o in outcomes}["weekly_digest"].ran
    assert weekly_messages() == 3


def test_a_failed_run_leaves_no_job_run_and_can_be_made_again(app, overdue_work, monkeypatch):
    def broken(at):
        raise RuntimeError("lỗi khi dựng thư")

    monkeypatch.setitem(
        jobs.JOBS, "weekly_digest", jobs.Job("weekly_digest", jobs.periods.week_key, broken)
    )
    with pytest.raises(RuntimeError):
        jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30))
    assert JobRun.select().count() == 0 and OutboxMessage.select().count() == 0
    monkeypatch.undo()
    assert jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30)).queued == 3


def test_a_crash_while_queueing_rolls_the_whole_run_back(app, overdue_work, monkeypatch):
    real = jobs.JOBS["weekly_digest"].build

    def half_broken(at):
        mails = real(at)
        mails[1].key = None  # queueing the second message fails
        return mails

    broken = jobs.Job("weekly_digest", jobs.periods.week_key, half_broken)
    monkeypatch.setitem(jobs.JOBS, "weekly_digest", broken)
    with pytest.raises(TypeError):
        jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30))
    assert JobRun.select().count() == 0 and OutboxMessage.select().count() == 0
    monkeypatch.undo()
    assert jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30)).queued == 3


def test_concurrent_runs_of_one_job_make_one_batch(app, overdue_work):
    barrier = threading.Barrier(3)
    outcomes, errors = [], []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                outcomes.append(jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            if not database.is_closed():
                database.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(o.ran for o in outcomes) == [False, False, True]
    assert weekly_messages() == 3


def test_the_sender_job_leaves_mail_queued_without_smtp(app, overdue_work):
    overdue_work.ward_b.email = "ubnd.hoangvanthu@hongbang.example"
    overdue_work.ward_b.save()
    jobs.run_job("weekly_digest", local(2026, 5, 18, 7, 30))
    scheduler.send_outbox(app)
    assert {m.status for m in OutboxMessage.select()} == {"dead", "queued"}
    assert OutboxMessage.select().where(OutboxMessage.status == "sent").count() == 0


# --- settings ------------------------------------------------------------------------------


def test_default_settings(app):
    assert app.config["WEEKLY_DIGEST_AT"] == ("mon", 7, 30)
    assert app.config["LEADER_SUMMARY_AT"] == ("mon", 7, 30)
    assert app.config["DUE_SOON_AT"] == (7, 0)
    assert app.config["DUE_SOON_DAYS_BEFORE"] == (3, 1, 0)
    assert app.config["STALE_DAYS"] == 14
    assert app.config["SCHEDULER_GRACE_HOURS"] == 12


def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SECRET_KEY", os.environ.get("TRACKER_SECRET_KEY", "x"))
    monkeypatch.setenv("TRACKER_WEEKLY_DIGEST_AT", "FRI 16:05")
    monkeypatch.setenv("TRACKER_DUE_SOON_AT", "6:30")
    monkeypatch.setenv("TRACKER_DUE_SOON_DAYS_BEFORE", "7, 2,0")
    monkeypatch.setenv("TRACKER_STALE_DAYS", "21")
    monkeypatch.setenv("TRACKER_SCHEDULER_GRACE_HOURS", "24")
    config = Config(tmp_path)
    assert config.WEEKLY_DIGEST_AT == ("fri", 16, 5)
    assert config.DUE_SOON_AT == (6, 30)
    assert config.DUE_SOON_DAYS_BEFORE == (7, 2, 0)
    assert (config.STALE_DAYS, config.SCHEDULER_GRACE_HOURS) == (21, 24)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRACKER_WEEKLY_DIGEST_AT", "monday 07:30"),
        ("TRACKER_WEEKLY_DIGEST_AT", "mon 7h30"),
        ("TRACKER_LEADER_SUMMARY_AT", "07:30"),
        ("TRACKER_LEADER_SUMMARY_AT", "mon 24:00"),
        ("TRACKER_DUE_SOON_AT", "7"),
        ("TRACKER_DUE_SOON_AT", "07:60"),
        ("TRACKER_DUE_SOON_DAYS_BEFORE", ""),
        ("TRACKER_DUE_SOON_DAYS_BEFORE", "3,-1"),
        ("TRACKER_DUE_SOON_DAYS_BEFORE", "3,1,1"),
        ("TRACKER_DUE_SOON_DAYS_BEFORE", "ba"),
        ("TRACKER_STALE_DAYS", "0"),
        ("TRACKER_STALE_DAYS", "14.5"),
        ("TRACKER_SCHEDULER_GRACE_HOURS", "-1"),
        ("TRACKER_SCHEDULER_GRACE_HOURS", "١٢"),
    ],
)
def test_bad_settings_stop_start_up(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as excinfo:
        Config(tmp_path)
    assert name in str(excinfo.value)

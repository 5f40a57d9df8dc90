"""The scheduler process (`tracker scheduler`): reminders at their times, the sender every minute.

One process of its own, never inside web workers (each worker would start its own). Jobs are
added at start with fixed ids and ``replace_existing``, so no job store is needed. Runs missed
while the process was down are caught up once at start, within a grace period; the JobRun guard
(tracker/reminders/jobs.py) keeps that to once even with two schedulers started by mistake.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from tracker.assignments.attachments import upload_dir
from tracker.assignments.upload_sweep import sweep
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.mail.sender import send_pending
from tracker.notifications import retention
from tracker.reminders.jobs import Outcome, run_job

log = logging.getLogger(__name__)

SENDER_JOB = "send_outbox"
SENDER_BATCH = 100
SWEEP_JOB = "sweep_uploads"
PURGE_JOB = "purge_notifications"


def triggers(app: Flask) -> dict[str, CronTrigger]:
    """When each periodic job fires, in the configured zone.

    Built from explicit fields: ``CronTrigger.from_crontab`` counts weekdays from Monday = 0,
    so a crontab "1" would mean Tuesday.
    """
    tz = ZoneInfo(app.config["TIMEZONE"])
    digest_day, digest_hour, digest_minute = app.config["WEEKLY_DIGEST_AT"]
    summary_day, summary_hour, summary_minute = app.config["LEADER_SUMMARY_AT"]
    due_hour, due_minute = app.config["DUE_SOON_AT"]
    pending_hour, pending_minute = app.config["LEADER_PENDING_AT"]
    return {
        "weekly_digest": CronTrigger(
            day_of_week=digest_day, hour=digest_hour, minute=digest_minute, timezone=tz
        ),
        "leader_summary": CronTrigger(
            day_of_week=summary_day, hour=summary_hour, minute=summary_minute, timezone=tz
        ),
        "due_soon": CronTrigger(hour=due_hour, minute=due_minute, timezone=tz),
        "leader_pending": CronTrigger(hour=pending_hour, minute=pending_minute, timezone=tz),
    }


def grace(app: Flask) -> timedelta:
    """How late a missed run may still be made."""
    return timedelta(hours=int(app.config["SCHEDULER_GRACE_HOURS"]))


def last_fire_time(trigger: CronTrigger, now: datetime, within: timedelta) -> datetime | None:
    """The latest time ``trigger`` fired in [now - within, now], or None."""
    last = None
    fire = trigger.get_next_fire_time(None, now - within)
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return last


def run_scheduled(app: Flask, job: str) -> Outcome:
    """What the scheduler calls at a job's time: run it for the current period."""
    with app.app_context(), database.connection_context():
        outcome = run_job(job, get_clock().now())
    _log(outcome, "scheduled")
    return outcome


def send_outbox(app: Flask) -> None:
    """Deliver a batch of queued mail (tracker/mail/sender.py; it opens its own connection)."""
    stats = send_pending(app, SENDER_BATCH)
    log.debug("sender: %s", stats)


def sweep_uploads(app: Flask) -> list[str]:
    """Remove what interrupted uploads left behind (tracker/upload_sweep.py)."""
    with app.app_context(), database.connection_context():
        return sweep(upload_dir(), get_clock().now())


def purge_notifications(app: Flask) -> int:
    """Delete the notifications read long ago (tracker/notifications/retention.py)."""
    with app.app_context(), database.connection_context():
        return retention.purge(get_clock().now(), app.config["NOTIFICATION_KEEP_DAYS"])


def catch_up(app: Flask, now: datetime | None = None) -> list[Outcome]:
    """Make each periodic run missed within the grace period, once; return what was done.

    ``now`` is injected by tests; by default the application's clock is read. A job whose
    most recent fire time already has its JobRun does nothing.
    """
    outcomes = []
    with app.app_context():
        now = now or get_clock().now()
        for job, trigger in triggers(app).items():
            fired = last_fire_time(trigger, now, grace(app))
            if fired is None:
                continue
            with database.connection_context():
                outcome = run_job(job, fired)
            _log(outcome, "catch-up")
            outcomes.append(outcome)
    return outcomes


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler):
    """A scheduler holding the periodic jobs and the sender (not started)."""
    tz = ZoneInfo(app.config["TIMEZONE"])
    late = int(grace(app).total_seconds())
    # (id, function, arguments, trigger, seconds a missed run may still be made late)
    jobs = [
        (job, run_scheduled, (app, job), trigger, late) for job, trigger in triggers(app).items()
    ]
    jobs += [
        (SENDER_JOB, send_outbox, (app,), IntervalTrigger(minutes=1, timezone=tz), 60),
        (SWEEP_JOB, sweep_uploads, (app,), IntervalTrigger(hours=1, timezone=tz), 3600),
        # Daily at night; a run missed while the scheduler was down is made within the day.
        (PURGE_JOB, purge_notifications, (app,), CronTrigger(hour=3, timezone=tz), 86400),
    ]
    scheduler = scheduler_class(timezone=tz)
    for job, function, args, trigger, misfire_grace in jobs:
        # Never two runs of a job at once; runs missed meanwhile make one run, if not too late.
        scheduler.add_job(
            function,
            trigger,
            args=args,
            id=job,
            name=job,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=misfire_grace,
        )
    return scheduler


def _log(outcome: Outcome, how: str) -> None:
    if outcome.ran:
        log.info("%s %s %s: %d message(s) queued", how, outcome.job, outcome.period, outcome.queued)
    else:
        log.info("%s %s %s: already done", how, outcome.job, outcome.period)

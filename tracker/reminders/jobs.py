"""The scheduled jobs and their guard: each job runs once per period, whoever starts it.

``run_job`` inserts a JobRun row for (job, period); the unique index lets exactly one of two
schedulers (or a scheduler and a command) win, the other does nothing. The row, the messages
and the count are written in one transaction, so a run that fails half-way leaves nothing
behind and can be made again. The outbox's unique keys would also make a second run harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.models import JobRun
from tracker.reminders import digest, due_soon, inside_unit, pending, periods, summary
from tracker.reminders.common import Mail, queue_all


@dataclass(frozen=True)
class Job:
    """A periodic job: its period (week or day) and what it builds for an instant."""

    name: str
    period: Callable[..., str]
    build: Callable[[datetime], list[Mail]]


def daily_reminders(at: datetime) -> list[Mail]:
    """The daily run: due-soon mails to units, and to unit heads the handlers whose internal
    deadline passed without a report (tracker/reminders/inside_unit.py)."""
    return due_soon.build(at) + inside_unit.build_overdue(at)


JOBS: dict[str, Job] = {
    "weekly_digest": Job("weekly_digest", periods.week_key, digest.build),
    "leader_summary": Job("leader_summary", periods.week_key, summary.build),
    "due_soon": Job("due_soon", periods.day_key, daily_reminders),
    "leader_pending": Job("leader_pending", periods.day_key, pending.build),
}

# The names the command line uses (`tracker send-reminders --kind ...`).
CLI_KINDS = {
    "weekly": "weekly_digest",
    "summary": "leader_summary",
    "due-soon": "due_soon",
    "pending": "leader_pending",
}


def period_of(job: str, at: datetime) -> str:
    """The period (ISO week or local day) of ``job`` that the instant ``at`` falls in."""
    return JOBS[job].period(at, get_clock().tz)


def build(job: str, at: datetime) -> list[Mail]:
    """The messages ``job`` would queue as of ``at`` (nothing is written)."""
    return JOBS[job].build(at)


@dataclass
class Outcome:
    """What one call of ``run_job`` did."""

    job: str
    period: str
    ran: bool
    queued: int = 0
    built: int = 0


def run_job(job: str, at: datetime) -> Outcome:
    """Run ``job`` for the period of ``at`` unless that period already has a run.

    The messages are built before the write transaction, so the write lock (on SQLite, the
    whole database's) is held only while the claim and the messages are written.
    """
    period = period_of(job, at)
    if has_run(job, period):
        return Outcome(job, period, ran=False)
    mails = build(job, at)
    clock = get_clock()
    with write_transaction():
        claimed = (
            JobRun.insert(job=job, period=period, started_at=clock.now())
            .on_conflict_ignore()
            .as_rowcount()
            .execute()
        )
        if claimed != 1:  # another scheduler (or a command) got there first
            return Outcome(job, period, ran=False)
        queued = queue_all(mails)
        # Others that remind on the same schedule (the webhooks' due-soon events, the
        # notifications of the mails just queued) do it here, under the same once-per-period
        # claim and in the same transaction.
        signals.reminder_job_ran.send(job, period=period, at=at, mails=mails)
        JobRun.update(finished_at=clock.now(), queued=queued).where(
            JobRun.job == job, JobRun.period == period
        ).execute()
    return Outcome(job, period, ran=True, queued=queued, built=len(mails))


def has_run(job: str, period: str) -> bool:
    """Whether ``job`` already ran for ``period``."""
    return JobRun.select().where(JobRun.job == job, JobRun.period == period).exists()

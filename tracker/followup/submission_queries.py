"""What a submission's panel shows: the submissions with their files, and the coordinating
units' latest reports (each in a fixed number of queries, however many rows)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from peewee import JOIN, fn

from tracker.core import prepared
from tracker.core.prepared import slot
from tracker.models import Assignment, Attachment, ProgressReport, Submission, Unit, User
from tracker.policy import visible_assignments_of_task


@dataclass
class Evidence:
    """One submission and its files."""

    submission: Submission
    files: list[Attachment] = field(default_factory=list)


def _submissions():
    author = User.alias()
    decider = User.alias()
    return (
        Submission.select(Submission, author, decider)
        .join(author, JOIN.LEFT_OUTER, on=(Submission.author == author.id), attr="author")
        .switch(Submission)
        .join(decider, JOIN.LEFT_OUTER, on=(Submission.decided_by == decider.id), attr="decided_by")
        .where(Submission.assignment == slot(0))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    )


def evidence_of(assignment_id: int) -> dict[int, Evidence]:
    """Every submission of an assignment with its files, by submission id (two queries)."""
    submissions = prepared.select("evidence.submissions", _submissions, [assignment_id])
    found = {s.id: Evidence(s) for s in submissions}
    if found:
        files = (
            Attachment.select()
            .where(Attachment.submission.in_(list(found)))
            .order_by(Attachment.id)
        )
        for f in files:
            found[f.submission_id].files.append(f)
    return found


def cached_evidence(assignment_id: int) -> dict[int, Evidence]:
    """``evidence_of`` once per request (the timeline asks for it on every entry)."""
    cache = g.setdefault("_submission_evidence", {})
    if assignment_id not in cache:
        cache[assignment_id] = evidence_of(assignment_id)
    return cache[assignment_id]


def coordination(task_id: int, user: User) -> list[Assignment]:
    """The coordinating units' assignments of a task that ``user`` may open, each with its
    latest progress report as ``latest_report`` (None when it has not reported); one query.

    The lead unit sees them all; a coordinating unit reading the lead's page sees its own only.
    """

    def build():
        # The task's id is slot(0) wherever it goes: the SQL is written once per process.
        latest = (
            ProgressReport.select(fn.MAX(ProgressReport.id))
            .join(Assignment)
            .where(Assignment.task == slot(0), Assignment.role == "coordinating")
            .group_by(ProgressReport.assignment)
        )
        return (
            Assignment.select(Assignment, Unit, ProgressReport)
            .join(Unit)
            .switch(Assignment)
            .join(
                ProgressReport,
                JOIN.LEFT_OUTER,
                on=((ProgressReport.assignment == Assignment.id) & ProgressReport.id.in_(latest)),
                attr="latest_report",
            )
            .where(Assignment.task == slot(0), Assignment.role == "coordinating")
            .order_by(Unit.kind, Unit.sort_order, Unit.name)
        )

    rows = visible_assignments_of_task(user, "coordination", build, task_id)
    return [] if rows is None else list(rows)

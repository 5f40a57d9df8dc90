"""Creating tasks and giving them to units: the task pages and the JSON API share these steps.

Kept out of ``tasks.views`` so that another feature (the API) reaches them without importing a
module that holds a blueprint and its routes.
"""

from __future__ import annotations

from tracker.assignments import workflow
from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import Assignment, Meeting, Task, User
from tracker.models.audit import record
from tracker.tasks.unit_choice import UnitChoice


def give_units(task: Task, actor: User, form: UnitChoice) -> list[Assignment]:
    """Give ``task`` to the units chosen in ``form``: lead units first, then coordinating.

    One action (``signals.batched``): each unit hears of it in one mail.
    """
    created = []
    with signals.batched():
        for role, units in form.chosen().items():
            if units:
                created += workflow.assign(task, actor, units, role)
    return created


def create_task(
    meeting: Meeting, actor: User, values: dict[str, object], form: UnitChoice
) -> tuple[Task, list[Assignment]]:
    """A new task of ``meeting`` (with its audit event), given to the units ``form`` chose.

    The page and the JSON API both create tasks through here, as one action
    (``signals.batched``).
    """
    now = get_clock().now()
    with database.atomic(), signals.batched():
        task = Task.create(
            meeting=meeting, created_by=actor, created_at=now, updated_at=now, **values
        )
        record(actor, "create", task, after=values)
        created = give_units(task, actor, form)
    return task, created

"""The errors of changes to assignments, below both the workflow and its version checks.

``tracker.assignments.workflow`` raises them for refused moves, and
``tracker.assignments.concurrency`` raises ``StaleVersion`` when a form's version is old;
keeping them here lets the workflow use the version checks without the checks importing the
workflow back.
"""

from __future__ import annotations


class WorkflowError(ValueError):
    """A change the rules refuse; ``field`` names the form field the message belongs to;
    ``params`` fill the message's placeholders once it is translated where it is shown."""

    def __init__(self, message: str, field: str | None = None, **params: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class StaleVersion(WorkflowError):
    """The form showed an older version of the assignment: someone changed it meanwhile."""

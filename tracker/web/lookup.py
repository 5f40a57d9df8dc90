"""The row a URL names, or 404: one helper for every view, so a missing row answers alike."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from peewee import Model, ModelSelect

M = TypeVar("M", bound=Model)


def get_or_404(source: type[M] | ModelSelect, object_id: int) -> M:
    """The row with id ``object_id`` of a model, or of a query (its joins and columns kept).

    Whether the user may see the row is a separate question: ``tracker.policy`` asks it
    (``get_or_403``, ``get_visible_or_404``) after this has found the row.
    """
    if isinstance(source, type):
        row = source.get_or_none(source.id == object_id)
    else:
        row = source.where(source.model.id == object_id).get_or_none()
    if row is None:
        abort(404)
    return row

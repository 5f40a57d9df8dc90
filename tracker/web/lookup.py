"""The row a URL names, or 404: one helper for every view, so a missing row answers alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from peewee import Model, ModelSelect

from tracker.core import prepared
from tracker.core.prepared import slot

M = TypeVar("M", bound=Model)


def get_or_404(source: type[M] | Callable[[], ModelSelect] | ModelSelect, object_id: int) -> M:
    """The row with id ``object_id`` of a model, or of a query (its joins and columns kept).

    A model, or a function making the query (``listing``, not ``listing()``), has its SQL
    written once per process (``tracker.core.prepared``); a query object given as such is
    written anew on every call.

    Whether the user may see the row is a separate question: ``tracker.policy`` asks it
    (``get_or_403``, ``get_visible_or_404``) after this has found the row.
    """
    if isinstance(source, ModelSelect):
        row = source.where(source.model.id == object_id).get_or_none()
    elif isinstance(source, type):
        model = source
        row = prepared.first(
            ("row", model), lambda: model.select().where(model.id == slot(0)), [object_id]
        )
    else:
        make = source

        def build() -> ModelSelect:
            query = make()
            return query.where(query.model.id == slot(0))

        row = prepared.first(("row", make), build, [object_id])
    if row is None:
        abort(404)
    return row

"""Pieces shared by the administration views."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request
from flask_login import current_user
from peewee import Field, Model, fn

from tracker.core.db import database
from tracker.models.audit import record
from tracker.web.rendering import form_error_status, render


def set_active(obj: Model, active: bool) -> None:
    """Lock or unlock a unit or an account, with its audit event."""
    model = type(obj)
    with database.atomic():
        model.update(active=active).where(model.id == obj.id).execute()
        record(
            current_user,
            "reactivate" if active else "deactivate",
            obj,
            before={"active": obj.active},
            after={"active": active},
        )


def finish(url: str, message: str) -> Response:
    """After a successful change: say so on the next page and go there (post/redirect/get)."""
    flash(message, "success")
    return redirect(url)


def taken(field: Field, value: str, exclude_id: int | None = None) -> bool:
    """Whether another row already holds ``value`` in ``field`` (ignoring case)."""
    query = field.model.select().where(fn.LOWER(field) == value.lower())
    if exclude_id is not None:
        query = query.where(field.model.id != exclude_id)
    return query.exists()


def confirmed() -> bool:
    """Whether the POST came from the confirmation page's button."""
    return request.form.get("confirm") == "yes"


def confirm_page(
    *,
    title: str,
    question: str,
    action: str,
    button: str,
    cancel: str,
    refusal: str | None = None,
    **context: Any,
) -> Response:
    """The confirmation step of a deactivation or deletion (a page, so no script is needed).

    ``refusal`` explains why the change is not allowed; the page then offers no button. A POST
    that was not confirmed, or refused, shows the page again as a form with errors.
    """
    posted = request.method == "POST"
    return render(
        "admin/confirm.html",
        block="confirm",
        status=form_error_status() if posted else 200,
        title=title,
        question=question,
        action=action,
        button=button,
        cancel=cancel,
        refusal=refusal,
        unconfirmed=posted and not refusal,
        **context,
    )

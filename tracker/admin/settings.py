"""Cài đặt: the office's own yes-or-no choices (which ones: ``core.settings.OFFICE_SETTINGS``).

The first decides what the units of a shared task see of each other's work; the rule itself is
the policy's (tracker/policy.py), which reads the saved value in its queries.
"""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, HiddenField

from tracker.admin import bp
from tracker.admin.common import finish
from tracker.core.db import database
from tracker.core.settings import OFFICE_SETTINGS
from tracker.models import Setting
from tracker.models.audit import record
from tracker.policy import require
from tracker.web.forms import BaseForm
from tracker.web.rendering import form_error_status, render


class SettingsForm(BaseForm):
    """One checkbox per office setting; an unticked box is sent as nothing and means "off"."""

    # Sent with every save, so that a form with every box unticked is still a save.
    save = HiddenField(default="1")


for _setting in OFFICE_SETTINGS:
    setattr(
        SettingsForm,
        _setting.key,
        BooleanField(_l(_setting.label), description=_l(_setting.help)),
    )


def _saved_values() -> dict[str, bool]:
    """Each office setting's value now: the saved one, else its default."""
    saved = Setting.flags()
    return {s.key: saved.get(s.key, s.default) for s in OFFICE_SETTINGS}


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Response:
    """The office's settings; a change is saved with its audit event (before → after)."""
    require(current_user, "admin.manage")
    values = _saved_values()
    form = SettingsForm(data=values)
    if form.validate_on_submit():
        changed = {k: form[k].data for k in values if form[k].data != values[k]}
        with database.atomic():
            for key, on in changed.items():
                row = Setting.put(key, on, current_user)
                record(current_user, "update", row, before={key: values[key]}, after={key: on})
        message = _("Đã lưu cài đặt.") if changed else _("Không có thay đổi nào.")
        return finish(url_for("admin.settings"), message)
    return render(
        "admin/settings.html",
        block="form",
        status=form_error_status() if form.errors else 200,
        form=form,
        fields=[form[s.key] for s in OFFICE_SETTINGS],
    )

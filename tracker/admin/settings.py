"""Cài đặt: the office's own choices: its organisation level (province, commune or the pre-2025
district: core/org_levels.py), and the yes-or-no ones of ``core.settings.OFFICE_SETTINGS``.

Choosing a level may create that level's preset unit kinds (those whose code is new; existing
kinds and units stay as they are). The first yes-or-no setting decides what the units of a
shared task see of each other's work; the rule itself is the policy's (tracker/policy.py),
which reads the saved value in its queries.
"""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField

from tracker.admin import bp
from tracker.admin.common import finish
from tracker.core.db import database
from tracker.core.org_levels import LEVELS, PRESETS
from tracker.core.settings import OFFICE_SETTINGS, ORG_LEVEL
from tracker.models import Setting, UnitKind
from tracker.models.audit import record
from tracker.policy import require
from tracker.web.forms import BaseForm
from tracker.web.rendering import form_error_status, render


class SettingsForm(BaseForm):
    """One checkbox per office setting; an unticked box is sent as nothing and means "off"."""

    # Sent with every save, so that a form with every box unticked is still a save.
    save = HiddenField(default="1")
    org_level = SelectField(
        _l("Cấp chính quyền"),
        choices=[SelectChoice(lv.code, _l(lv.label)) for lv in LEVELS],
        invalid_choice_message=_l("Lựa chọn không hợp lệ."),
        description=_l("Quyết định các từ ngữ trên trang và các loại đơn vị mặc định."),
    )
    add_kinds = BooleanField(
        _l("Tạo các loại đơn vị mặc định của cấp này"),
        description=_l("Chỉ thêm những loại chưa có; các loại và đơn vị hiện có được giữ nguyên."),
    )


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
    level = Setting.org_level()
    form = SettingsForm(data={**values, "org_level": level})
    if form.validate_on_submit():
        changed = {k: form[k].data for k in values if form[k].data != values[k]}
        with database.atomic():
            for key, on in changed.items():
                row = Setting.put(key, on, current_user)
                record(current_user, "update", row, before={key: values[key]}, after={key: on})
            if form.org_level.data != level:
                row = Setting.put_value(ORG_LEVEL, form.org_level.data, current_user)
                before, after = {ORG_LEVEL: level}, {ORG_LEVEL: form.org_level.data}
                record(current_user, "update", row, before=before, after=after)
            added = _add_kinds(form.org_level.data) if form.add_kinds.data else []
        done = changed or form.org_level.data != level or added
        message = _("Đã lưu cài đặt.") if done else _("Không có thay đổi nào.")
        if added:
            message += " " + _("Đã thêm loại đơn vị: %(names)s.", names=", ".join(added))
        return finish(url_for("admin.settings"), message)
    return render(
        "admin/settings.html",
        block="form",
        status=form_error_status() if form.errors else 200,
        form=form,
        fields=[form[s.key] for s in OFFICE_SETTINGS],
        presets=[(lv.label, [p.name for p in PRESETS[lv.code]]) for lv in LEVELS],
    )


def _add_kinds(level: str) -> list[str]:
    """Create the preset kinds of ``level`` whose code is new (audited); their names."""
    added = []
    for preset in PRESETS[level]:
        kind = UnitKind.add_preset(preset)
        if kind is not None:
            record(current_user, "create", kind, after={"code": kind.code, "name": kind.name})
            added.append(kind.name)
    return added

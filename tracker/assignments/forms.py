"""The forms a unit's officer (and a leader) use on one assignment, and the row they live in.

The same row is drawn in a unit's work list and returned alone after an inline htmx action,
so everything a row needs to render is gathered here in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, pgettext
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired

from tracker.assignments.workflow import NEEDS_REASON, REPORTABLE, WorkflowError, allowed_targets
from tracker.core.i18n import NP_
from tracker.models import Assignment, User
from tracker.policy import can
from tracker.web.forms import REQUIRED, BaseForm, max_len, percent, required

TEXT_MAX = 5000
REASON_MAX = 2000
PROGRESS_ERROR = _l("Tiến độ phải là số nguyên từ 0 đến 100.")

# What the button that moves an assignment to each status says.
ACTIONS = {
    "in_progress": NP_("action", "Chuyển sang đang thực hiện"),
    "submitted": NP_("action", "Báo cáo hoàn thành (chờ xác nhận)"),
    "done": NP_("action", "Xác nhận hoàn thành"),
    "returned": NP_("action", "Trả lại, yêu cầu thực hiện lại"),
    "paused": NP_("action", "Tạm dừng"),
    "cancelled": NP_("action", "Hủy giao việc"),
}


class ProgressField(IntegerField):
    """A whole percentage; a blank box is "missing", anything else not a number is invalid."""

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata([v.strip() for v in valuelist])


class ReportForm(BaseForm):
    """Báo cáo tiến độ."""

    text = TextAreaField(_l("Nội dung báo cáo"), [required(), max_len(TEXT_MAX)])
    progress = ProgressField(
        _l("Tiến độ (%)"),
        [InputRequired(message=REQUIRED), percent()],
        invalid_value_message=PROGRESS_ERROR,
    )
    difficulties = TextAreaField(_l("Khó khăn, vướng mắc"), [max_len(TEXT_MAX)])
    proposals = TextAreaField(_l("Đề xuất, kiến nghị"), [max_len(TEXT_MAX)])


class StatusForm(BaseForm):
    """A status change; which targets are allowed is workflow's decision, not the form's."""

    status = StringField(_l("Trạng thái mới"))
    reason = TextAreaField(_l("Lý do"), [max_len(REASON_MAX)])


def attach_error(form: BaseForm, error: WorkflowError) -> None:
    """Show a workflow refusal beside the field it names (or above the form), translated."""
    message = gettext(error.message)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _unique_ids(form: BaseForm, suffix: int) -> BaseForm:
    # Many rows share one page: each row's inputs need their own ids for <label for>.
    for field in form:
        field.id = f"{field.name}-{suffix}"
    return form


@dataclass
class Row:
    """One assignment as a row of a unit's work list, with the actions its viewer may take."""

    a: Assignment
    targets: list[str]
    may_report: bool
    report_form: ReportForm
    status_form: StatusForm
    saved: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.report_form.errors or self.status_form.errors)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The allowed moves as (status, button label in the user's language)."""
        return [(t, pgettext("action", ACTIONS[t]) if t in ACTIONS else t) for t in self.targets]

    @property
    def needs_reason(self) -> bool:
        return any(t in NEEDS_REASON for t in self.targets)

    @property
    def has_actions(self) -> bool:
        return self.may_report or bool(self.targets)

    @property
    def stray_errors(self) -> list[str]:
        """Refusals for a form the row no longer shows (the status moved on meanwhile)."""
        hidden = [
            f
            for f, shown in ((self.report_form, self.may_report), (self.status_form, self.targets))
            if not shown
        ]
        return [m for form in hidden for messages in form.errors.values() for m in messages]


def build_row(
    a: Assignment,
    user: User,
    report_form: ReportForm | None = None,
    status_form: StatusForm | None = None,
    saved: str = "",
) -> Row:
    """The row of ``a`` as ``user`` sees it; fresh forms unless ones with errors are given."""
    if report_form is None:
        report_form = ReportForm(formdata=None, data={"progress": a.progress})
    if status_form is None:
        status_form = StatusForm(formdata=None)
    return Row(
        a=a,
        # Submitting has a form of its own (result and evidence): no plain button for it.
        targets=[t for t in allowed_targets(user, a) if t != "submitted"],
        # The unit's own officers report while the work is open (a closed one: no form).
        may_report=can(user, "assignment.report", a) and a.status in REPORTABLE,
        report_form=_unique_ids(report_form, a.id),
        status_form=_unique_ids(status_form, a.id),
        saved=saved,
    )

"""The forms a unit's officer (and a leader) use on one assignment, and the row they live in.

The same row is drawn in a unit's work list and returned alone after an inline htmx action,
so everything a row needs to render is gathered here in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired

from tracker.assignments.workflow import NEEDS_REASON, REPORTABLE, WorkflowError, allowed_targets
from tracker.core.i18n import N_, NP_, gettext, pgettext
from tracker.core.timeliness import CATEGORIES
from tracker.models import REPORT_CADENCES, STATUSES, Assignment, User
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


# The fixed words of a work-list row (partials/assignment_row.html), translated once per page.
ROW_WORDS = {
    "role": N_("Vai trò"),
    "deadline": N_("Thời hạn"),
    "status": N_("Trạng thái"),
    "progress": N_("Tiến độ"),
    "timeliness": N_("Đánh giá"),
    "last_report": N_("Báo cáo gần nhất"),
    "lead": N_("Chủ trì"),
    "support": N_("Phối hợp"),
    "ongoing": N_("Thường xuyên"),
    "no_deadline": N_("Cần xác định hạn"),
    "report_due": N_("Đến kỳ báo cáo"),
    "never_reported": N_("Chưa báo cáo"),
    "update": N_("Cập nhật"),
    "update_on_page": N_("Cập nhật trên trang nhiệm vụ"),
    "submit": N_("Báo cáo hoàn thành (chờ xác nhận)"),
    "urged_title": N_("Số lần đôn đốc"),
}


def row_labels() -> SimpleNamespace:
    """Everything a row says that does not depend on the row, in the user's language.

    Looked up once for a page instead of a dozen times for each of its rows; the statuses,
    timeliness categories and report cadences are keyed by their codes. A namespace, not a
    dict: in a template ``labels.update`` must be the word, not the dict's method.
    """
    return SimpleNamespace(
        **{key: gettext(word) for key, word in ROW_WORDS.items()},
        statuses={code: gettext(label) for code, label in STATUSES.items()},
        categories={code: gettext(label) for code, label in CATEGORIES.items()},
        cadences={code: gettext(label) for code, label in REPORT_CADENCES.items()},
    )


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
    message = gettext(error.message, **error.params)
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
    """One assignment as a row of a unit's work list, with the actions its viewer may take.

    Its forms are built when first used: a list row shows them only once "Cập nhật" is opened
    (fetched by htmx), so a list page builds none.
    """

    a: Assignment
    targets: list[str]
    may_report: bool
    given_report_form: ReportForm | None = None
    given_status_form: StatusForm | None = None
    saved: str = ""
    # The move to "submitted" is among the user's: the row links to the completion report form.
    offers_submit: bool = False

    @cached_property
    def report_form(self) -> ReportForm:
        form = self.given_report_form
        if form is None:
            form = ReportForm(formdata=None, data={"progress": self.a.progress})
        return _unique_ids(form, self.a.id)

    @cached_property
    def status_form(self) -> StatusForm:
        return _unique_ids(self.given_status_form or StatusForm(formdata=None), self.a.id)

    def _given(self) -> list[BaseForm]:
        return [f for f in (self.given_report_form, self.given_status_form) if f is not None]

    @property
    def has_errors(self) -> bool:
        # Fresh forms have no errors: only forms given back with their errors can have any.
        return any(form.errors for form in self._given())

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
        if not self.has_errors:
            return []
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
    user = getattr(user, "_get_current_object", lambda: user)()  # the user, not a proxy
    targets = allowed_targets(user, a)
    return Row(
        a=a,
        # Submitting has a form of its own (result and evidence): no plain button for it.
        targets=[t for t in targets if t != "submitted"],
        # The unit's own officers report while the work is open (a closed one: no form).
        may_report=a.status in REPORTABLE and can(user, "assignment.report", a),
        given_report_form=report_form,
        given_status_form=status_form,
        saved=saved,
        offers_submit="submitted" in targets,
    )

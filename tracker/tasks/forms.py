"""Task forms: a task's own fields, and with them the units it is given to (``unit_choice``)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange

from tracker.meetings.forms import strip
from tracker.models import (
    DEADLINE_KINDS,
    FIELDS,
    REPORT_CADENCES,
    Meeting,
)
from tracker.tasks.deadlines import meeting_deadline_error
from tracker.tasks.unit_choice import UnitChoice
from tracker.tasks.workdays import MAX_WORKING_DAYS, add_working_days
from tracker.web.forms import REQUIRED, BaseForm, VNDateField, max_len, optional, required

DEADLINE_MISSING = _l("Vui lòng nhập hạn hoàn thành khi chọn “Có thời hạn”.")
NOTHING_CHOSEN = _l("Vui lòng chọn ít nhất một đơn vị hoặc nhóm đơn vị.")
MAX_NUMBER = 100_000
WORKING_DAYS_ERROR = _l("Số ngày làm việc phải là số nguyên từ 1 đến 365.")
DATE_OR_DAYS = _l("Vui lòng chỉ nhập một trong hai: hạn hoàn thành hoặc số ngày làm việc.")
NO_NOTICE_DATE = _l("Nhiệm vụ không gắn với cuộc họp nên không tính được ngày làm việc.")
CADENCE_MISSING = _l("Vui lòng chọn kỳ báo cáo cho nhiệm vụ thường xuyên.")


def notice_day(meeting: Meeting | None) -> date | None:
    """The day working-day deadlines count from: the notice date, else the meeting's date."""
    if meeting is None:
        return None
    return meeting.notice_date or meeting.held_on


class TaskForm(BaseForm):
    """A task's own fields (create and edit)."""

    number = IntegerField(
        _l("Số thứ tự"),
        [
            InputRequired(message=REQUIRED),
            # Bounded so a mistyped number is refused here, not by the database's integer.
            NumberRange(min=1, max=MAX_NUMBER, message=_l("Số thứ tự phải từ 1 đến 100.000.")),
        ],
        invalid_value_message=_l("Số thứ tự phải là số nguyên."),
    )
    title = StringField(_l("Tên nhiệm vụ"), [required(), max_len(300)], filters=[strip])
    content = TextAreaField(
        _l("Nội dung"), [max_len(20000)], filters=[strip], render_kw={"rows": 6}
    )
    field = SelectField(
        _l("Lĩnh vực"),
        choices=[SelectChoice(k, _l(v)) for k, v in FIELDS.items()],
        default="khac",
        invalid_choice_message=_l("Lĩnh vực không hợp lệ."),
    )
    deadline_kind = SelectField(
        _l("Loại thời hạn"),
        choices=[SelectChoice(k, _l(v)) for k, v in DEADLINE_KINDS.items()],
        default="date",
        invalid_choice_message=_l("Loại thời hạn không hợp lệ."),
    )
    deadline = VNDateField(_l("Hạn hoàn thành"), [optional()])
    working_days = IntegerField(
        _l("hoặc số ngày làm việc kể từ ngày thông báo"),
        [
            optional(),
            NumberRange(min=1, max=MAX_WORKING_DAYS, message=WORKING_DAYS_ERROR),
        ],
        invalid_value_message=WORKING_DAYS_ERROR,
    )
    report_cadence = SelectField(
        _l("Kỳ báo cáo (nhiệm vụ thường xuyên)"),
        choices=[
            SelectChoice("", _l("— Chọn kỳ báo cáo —")),
            *[SelectChoice(k, _l(v)) for k, v in REPORT_CADENCES.items()],
        ],
        default="",
        invalid_choice_message=_l("Kỳ báo cáo không hợp lệ."),
    )

    # The task's meeting (set by the view): "N working days" count from its notice, and no
    # deadline may fall before it or its notice (tracker/tasks/deadlines.py).
    meeting: Meeting | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        task = kwargs.get("obj")
        if task is not None and getattr(task, "working_days", None):
            # Shown as N working days, not also as the date computed from them.
            self.deadline.data = None

    def validate(self, extra_validators=None) -> bool:
        """The field checks, plus: a deadline (a date or N working days) for the kind "date",
        and a cadence for the kind "ongoing"."""
        ok = super().validate(extra_validators)
        kind = self.deadline_kind.data
        if kind == "date":
            ok = self._check_deadline() and ok
        if kind == "ongoing" and not self.report_cadence.data:
            self.report_cadence.errors.append(CADENCE_MISSING)
            ok = False
        return ok

    def _check_deadline(self) -> bool:
        """One of a date and a number of working days, a day to count the days from, and a
        deadline (typed or computed) not before the meeting or its notice."""
        if self.deadline.errors or self.working_days.errors:
            return False
        if self.deadline.data is not None and self.working_days.data is not None:
            self.working_days.errors.append(DATE_OR_DAYS)
            return False
        if self.working_days.data is not None and notice_day(self.meeting) is None:
            self.working_days.errors.append(NO_NOTICE_DATE)
            return False
        if self.deadline.data is None and self.working_days.data is None:
            self.deadline.errors.append(DEADLINE_MISSING)
            return False
        # Counted from the notice, working days end after it; but a notice dated before its
        # meeting (a typing error) could still end them before the meeting.
        error = meeting_deadline_error(self.meeting, self._deadline())
        if error:
            field = self.deadline if self.working_days.data is None else self.working_days
            field.errors.append(error)
            return False
        return True

    def _deadline(self) -> date | None:
        """The deadline typed, or computed from the working days (for the kind "date")."""
        if self.working_days.data is not None:
            # Computed once, at save: a later change of the notice date does not move it.
            return add_working_days(notice_day(self.meeting), self.working_days.data)
        return self.deadline.data

    def task_values(self) -> dict[str, object]:
        """The typed values as Task fields; the deadline only for the kind "date"."""
        kind = self.deadline_kind.data
        deadline = self._deadline() if kind == "date" else None
        working_days = self.working_days.data if kind == "date" else None
        return {
            "number": self.number.data,
            "title": self.title.data,
            "content": self.content.data or "",
            "field": self.field.data,
            "deadline_kind": kind,
            "deadline": deadline,
            "working_days": working_days,
            "report_cadence": self.report_cadence.data if kind == "ongoing" else "",
        }


class TaskCreateForm(UnitChoice, TaskForm):
    """A new task and, in the same step, the units it is given to."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_units(self.anything_chosen()) and ok


class AssignForm(UnitChoice, BaseForm):
    """Give an existing task to more units."""

    def __init__(self, *args, has_lead: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_lead = has_lead

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.anything_chosen():
            self.units.errors.append(NOTHING_CHOSEN)
            return False
        return self.check_units(not self.has_lead) and ok

"""The forms of work inside a unit: giving an assignment to handlers, deciding on a draft."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired

from tracker.assignments.forms import REASON_MAX
from tracker.web.forms import REQUIRED, BaseForm, VNDateField, max_len

CHOICE_ERROR = _l("Chỉ phân công cho cán bộ đang hoạt động của đơn vị.")


class HandlerForm(BaseForm):
    """Phân công xử lý: one or more of the unit's officers and one internal deadline."""

    handlers = SelectMultipleField(
        _l("Chuyên viên xử lý"),
        coerce=int,
        invalid_value_message=CHOICE_ERROR,
        invalid_choice_message=CHOICE_ERROR,
    )
    internal_deadline = VNDateField(
        _l("Hạn xử lý nội bộ"), [InputRequired(message=REQUIRED)], id="internal-deadline"
    )


class DraftDecisionForm(BaseForm):
    """The unit head's answer to a draft: approve, or return with a reason."""

    reason = TextAreaField(_l("Lý do trả lại"), [max_len(REASON_MAX)])

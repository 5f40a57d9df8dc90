"""The meeting form: the meeting itself and its conclusion notice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

from tracker.web.forms import REQUIRED, BaseForm, VNDateField, max_len, optional, required


def strip(value: str | None) -> str | None:
    """Trim surrounding spaces from a typed value."""
    return value.strip() if isinstance(value, str) else value


def date_required() -> InputRequired:
    """Required for date fields: unlike DataRequired it keeps the "impossible date" message."""
    return InputRequired(message=REQUIRED)


class MeetingForm(BaseForm):
    """Create or edit a meeting (leader, secretary, admin)."""

    title = StringField(_l("Tên cuộc họp"), [required(), max_len(300)], filters=[strip])
    held_on = VNDateField(_l("Ngày họp"), [date_required()])
    place = StringField(_l("Địa điểm"), [max_len(300)], filters=[strip])
    chair_name = StringField(_l("Người chủ trì"), [max_len(200)], filters=[strip])
    chair_title = StringField(_l("Chức vụ người chủ trì"), [max_len(300)], filters=[strip])
    attendees = TextAreaField(_l("Thành phần tham dự"), [max_len(5000)], filters=[strip])
    notice_number = StringField(
        _l("Số thông báo kết luận"),
        [max_len(60)],
        filters=[strip],
        render_kw={"placeholder": "45/TB-UBND"},
    )
    notice_date = VNDateField(_l("Ngày thông báo"), [optional()])
    conclusion = TextAreaField(
        _l("Nội dung kết luận"), [max_len(20000)], filters=[strip], render_kw={"rows": 10}
    )

    TEXTS = ("title", "place", "chair_name", "chair_title", "attendees", "notice_number")
    DATES = ("held_on", "notice_date")

    def values(self) -> dict[str, object]:
        """The typed values as model fields (blank texts as "", blank dates as None)."""
        values: dict[str, object] = {name: getattr(self, name).data for name in self.DATES}
        for name in (*self.TEXTS, "conclusion"):
            values[name] = getattr(self, name).data or ""
        return values

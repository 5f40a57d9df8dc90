"""Forms of the administration pages, with every message in Vietnamese."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Regexp, ValidationError

from tracker.core.params import optional_id, parse_id
from tracker.models import ROLES
from tracker.web.forms import BaseForm, max_len, optional, required

EMAIL_ERROR = _l("Địa chỉ email không hợp lệ.")
CHOICE_ERROR = _l("Lựa chọn không hợp lệ.")
PASSWORD_ERROR = _l("Mật khẩu phải có từ 8 ký tự.")
MEMBER_ERROR = _l("Có đơn vị được chọn không hợp lệ.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def email_field(label: str = "Email") -> StringField:
    """An optional e-mail address, checked for a plausible shape."""
    return StringField(
        label,
        [optional(), max_len(200), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$", message=EMAIL_ERROR)],
        filters=[_strip],
    )


def password_field(label: str, *, needed: bool) -> PasswordField:
    """A new password of at least 8 characters (optional when editing)."""
    first = required() if needed else optional()
    return PasswordField(label, [first, Length(min=8, max=200, message=PASSWORD_ERROR)])


class UnitForm(BaseForm):
    """Đơn vị: names, code (used in officers' usernames), kind, e-mail, display order."""

    name = StringField(_l("Tên đơn vị"), [required(), max_len(200)], filters=[_strip])
    short_name = StringField(_l("Tên viết tắt"), [required(), max_len(60)], filters=[_strip])
    code = StringField(
        _l("Mã đơn vị"),
        [
            required(),
            max_len(40),
            Regexp(
                r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
                message=_l("Mã chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch ngang."),
            ),
        ],
        filters=[_strip, _lower],
        description=_l("Dùng trong tên đăng nhập của cán bộ đầu mối, ví dụ p.sodau."),
    )
    kind = SelectField(
        _l("Loại đơn vị"),
        [required()],
        invalid_choice_message=CHOICE_ERROR,
    )
    email = email_field()
    sort_order = IntegerField(
        _l("Thứ tự hiển thị"),
        [optional(), NumberRange(0, 9999, message=_l("Thứ tự phải là số từ 0 đến 9999."))],
        default=0,
        invalid_value_message=_l("Thứ tự phải là số nguyên."),
    )
    aliases = TextAreaField(
        _l("Tên gọi khác"),
        [max_len(2000)],
        filters=[_strip],
        render_kw={"rows": 2},
        description=_l(
            "Các tên khác dùng trong thông báo kết luận, mỗi tên một dòng hoặc cách nhau bởi "
            "dấu “;”, ví dụ: Phòng VHTT; Phòng Văn hóa - Thông tin."
        ),
    )


class KindForm(BaseForm):
    """Loại đơn vị: code (what units hold), names and labels, the phrases of notices, order."""

    code = StringField(
        _l("Mã loại"),
        [
            required(),
            max_len(40),
            Regexp(
                r"^[a-z][a-z0-9_]*$",
                message=_l("Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới."),
            ),
        ],
        filters=[_strip, _lower],
        description=_l("Không đổi được khi đã có đơn vị thuộc loại này, ví dụ: so_nganh."),
    )
    name = StringField(_l("Tên loại"), [required(), max_len(200)], filters=[_strip])
    label = StringField(
        _l("Nhãn của một đơn vị"),
        [required(), max_len(200)],
        filters=[_strip],
        description=_l("Hiển thị bên cạnh một đơn vị, ví dụ: UBND xã, phường, đặc khu."),
    )
    group_label = StringField(
        _l("Nhãn của cả nhóm"),
        [required(), max_len(200)],
        filters=[_strip],
        description=_l(
            "Tên nhóm gồm mọi đơn vị của loại này, ví dụ: UBND các xã, phường, đặc khu."
        ),
    )
    phrases = TextAreaField(
        _l("Cách thông báo kết luận gọi chung"),
        [max_len(4000)],
        filters=[_strip],
        render_kw={"rows": 5},
        description=_l(
            "Mỗi dòng một cụm từ chỉ tất cả đơn vị của loại này, ví dụ: các sở, ban, ngành. "
            "Một cụm từ có ở hai loại chỉ đơn vị của cả hai loại."
        ),
    )
    sort_order = IntegerField(
        _l("Thứ tự hiển thị"),
        [optional(), NumberRange(0, 9999, message=_l("Thứ tự phải là số từ 0 đến 9999."))],
        default=0,
        invalid_value_message=_l("Thứ tự phải là số nguyên."),
    )


class GroupForm(BaseForm):
    """Nhóm đơn vị: name, description and the member units (active units as choices)."""

    name = StringField(_l("Tên nhóm"), [required(), max_len(200)], filters=[_strip])
    description = TextAreaField(
        _l("Mô tả"), [max_len(500)], filters=[_strip], render_kw={"rows": 2}
    )
    units = SelectMultipleField(
        _l("Các đơn vị trong nhóm"),
        coerce=parse_id,
        # Not an id at all, or no active unit's: the same fault to the person choosing.
        invalid_value_message=MEMBER_ERROR,
        invalid_choice_message=MEMBER_ERROR,
    )


class UserForm(BaseForm):
    """A user's details; the unit matters (and is required) only for officers."""

    full_name = StringField(_l("Họ và tên"), [required(), max_len(200)], filters=[_strip])
    email = email_field()
    role = SelectField(
        _l("Vai trò"),
        [required()],
        choices=[SelectChoice("", _l("— Chọn vai trò —"))]
        + [SelectChoice(k, _l(label)) for k, label in ROLES.items()],
        invalid_choice_message=CHOICE_ERROR,
    )
    unit = SelectField(
        _l("Đơn vị"),
        coerce=optional_id,
        invalid_value_message=CHOICE_ERROR,
        invalid_choice_message=CHOICE_ERROR,
        description=_l("Bắt buộc với cán bộ đầu mối; bỏ qua với các vai trò khác."),
    )
    password = password_field(_l("Mật khẩu mới (để trống nếu không đổi)"), needed=False)

    def validate_unit(self, field: SelectField) -> None:
        """Officers see their unit's work, so they must have one."""
        if self.role.data == "officer" and field.data is None:
            raise ValidationError(_l("Cán bộ đầu mối phải thuộc một đơn vị."))


class NewUserForm(UserForm):
    """Creating a user adds the username (fixed afterwards) and a required first password."""

    username = StringField(
        _l("Tên đăng nhập"),
        [
            required(),
            max_len(60),
            Regexp(
                r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$",
                message=_l(
                    "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, "
                    "dấu chấm, gạch dưới và gạch ngang."
                ),
            ),
        ],
        filters=[_strip, _lower],
    )
    password = password_field(_l("Mật khẩu ban đầu"), needed=True)

"""Shared form pieces: Vietnamese messages and small field helpers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

REQUIRED = _l("Trường này là bắt buộc.")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def max_len(n: int) -> Length:
    return Length(max=n, message=_l("Tối đa %(max)d ký tự."))


def percent() -> NumberRange:
    return NumberRange(min=0, max=100, message=_l("Tiến độ phải từ 0 đến 100."))


def optional() -> Optional:
    return Optional()


DATE_ERROR = _l("Ngày không hợp lệ (dd/mm/yyyy).")


class BaseForm(FlaskForm):
    """All forms: CSRF on, Vietnamese messages."""

    class Meta:
        locales = ("vi_VN", "vi")


class VNDateField(DateField):
    """A date typed as yyyy-mm-dd (the date picker) or dd/mm/yyyy, with a Vietnamese error."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_ERROR) from exc

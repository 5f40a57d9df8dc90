"""Thông tin văn bản báo cáo: the office's details the printed report carries (issuing body,
place, number, recipients, signer), per Nghị định 30/2020/NĐ-CP."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField, TextAreaField

from tracker.admin import bp
from tracker.admin.common import finish
from tracker.core.db import write_transaction
from tracker.models import ReportLetterhead
from tracker.models.audit import record
from tracker.policy import require
from tracker.reports.letterhead import DEFAULTS, MAX_LENGTHS, stored
from tracker.web.forms import BaseForm, max_len, optional, required
from tracker.web.rendering import form_error_status, render


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _text(label, name: str, needed: bool = False, area: bool = False):
    kind = TextAreaField if area else StringField
    first = required() if needed else optional()
    return kind(label, [first, max_len(MAX_LENGTHS[name])], filters=[_strip])


class LetterheadForm(BaseForm):
    governing_body = _text(_l("Cơ quan chủ quản (ví dụ UBND QUẬN HỒNG BÀNG)"), "governing_body")
    issuing_body = _text(
        _l("Cơ quan ban hành báo cáo (ví dụ VĂN PHÒNG HĐND VÀ UBND)"), "issuing_body", True
    )
    place = _text(_l("Địa danh ghi trước ngày tháng (ví dụ Hải Phòng)"), "place", True)
    number_suffix = _text(_l("Ký hiệu sau số văn bản (ví dụ BC-UBND)"), "number_suffix")
    recipients = _text(_l("Nơi nhận mặc định (mỗi dòng một nơi)"), "recipients", area=True)
    authority = _text(_l("Thẩm quyền ký (KT. CHỦ TỊCH, TL. …; có thể để trống)"), "authority")
    position = _text(_l("Chức vụ người ký (ví dụ CHỦ TỊCH)"), "position")
    signer = _text(_l("Họ và tên người ký"), "signer")


@bp.route("/letterhead", methods=["GET", "POST"])
@login_required
def letterhead() -> Response:
    """The office's details on printed reports; empty fields print nothing."""
    require(current_user, "admin.manage")
    before = stored()
    form = LetterheadForm(data=before)
    if form.validate_on_submit():
        after = {name: (getattr(form, name).data or "") for name in DEFAULTS}
        with write_transaction():
            row = ReportLetterhead.select().order_by(ReportLetterhead.id).first()
            if row is None:
                row = ReportLetterhead.create(**after)
            else:
                ReportLetterhead.update(**after).where(ReportLetterhead.id == row.id).execute()
            record(current_user, "letterhead.update", row, before=before, after=after)
        return finish(url_for("admin.letterhead"), _("Đã lưu thông tin văn bản báo cáo."))
    status = form_error_status() if form.is_submitted() else 200
    return render("admin/letterhead.html", block="form", status=status, form=form)

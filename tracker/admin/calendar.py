"""Lịch làm việc: the days off and make-up working days an admin adds to the public holidays.

Deadlines given as "N working days" count with these (tracker/workdays.py). The public holidays
themselves come from the ``holidays`` library and are shown read-only beside the admin's days.
"""

from __future__ import annotations

from datetime import date

from flask import Response, flash, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from peewee import JOIN, Case, IntegrityError
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired

from tracker.admin import bp
from tracker.admin.common import confirm_page, confirmed, finish
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.models import CalendarDay, User
from tracker.models.audit import record
from tracker.policy import require
from tracker.tasks.workdays import holidays_of, is_public_working_day
from tracker.web.forms import REQUIRED, BaseForm, VNDateField, max_len
from tracker.web.lookup import get_or_404
from tracker.web.pagination import paginate
from tracker.web.rendering import form_error_status, render, wants_fragment

KINDS = {"off": N_("Ngày nghỉ"), "work": N_("Ngày làm việc bù")}
DAY_TAKEN = _l("Ngày này đã có trong lịch; xóa dòng cũ trước nếu muốn đổi.")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CalendarDayForm(BaseForm):
    """One day off or make-up working day, with a note (for example the decision's number)."""

    # InputRequired, not DataRequired: a date that does not parse keeps its own message.
    day = VNDateField(_l("Ngày"), [InputRequired(message=REQUIRED)])
    kind = SelectField(
        _l("Loại ngày"),
        choices=[SelectChoice(k, _l(v)) for k, v in KINDS.items()],
        default="off",
        invalid_choice_message=_l("Loại ngày không hợp lệ."),
    )
    note = StringField(_l("Ghi chú"), [max_len(200)], filters=[_strip])


def _year() -> int:
    """The year asked for (``year``), or this year; junk or far-off years read as this year."""
    today = get_clock().today()
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= LAST_YEAR else today.year


def _listing(year: int):
    """The admin's days of ``year``: upcoming ones first (soonest first), then past ones."""
    today = get_clock().today()
    upcoming = CalendarDay.day >= today
    return (
        CalendarDay.select(CalendarDay, User)
        .join(User, JOIN.LEFT_OUTER, on=(CalendarDay.created_by == User.id))
        .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(
            Case(None, [(upcoming, 0)], 1),
            Case(None, [(upcoming, CalendarDay.day)], None),
            CalendarDay.day.desc(),
        )
    )


def _holiday_language() -> str:
    """The library's holiday names in the user's language (it has Vietnamese and English)."""
    return "vi" if str(get_locale() or "vi").startswith("vi") else "en_US"


def _page(form: CalendarDayForm, year: int, status: int = 200, saved: str = "") -> Response:
    """The calendar page (the body block to htmx): the add form, the days, the holidays."""
    today = get_clock().today()
    return render(
        "admin/calendar.html",
        block="body",
        status=status,
        form=form,
        year=year,
        years=range(today.year - 1, today.year + 3),
        page=paginate(_listing(year)),
        holidays=holidays_of(year, _holiday_language()),
        kinds=KINDS,
        weekday=lambda d: format_date(d, "EEEE"),
        saved=saved,
    )


def _state(row: CalendarDay) -> dict[str, object]:
    """What the audit trail keeps of a calendar day."""
    return {"day": row.day, "kind": row.kind, "note": row.note}


def _save(form: CalendarDayForm) -> CalendarDay | None:
    """Add the day; None (with the error beside the day) if it is in the calendar already."""
    if CalendarDay.select().where(CalendarDay.day == form.day.data).exists():
        form.day.errors.append(DAY_TAKEN)
        return None
    try:
        with database.atomic():
            row = CalendarDay.create(
                day=form.day.data,
                kind=form.kind.data,
                note=form.note.data or "",
                created_by=current_user.id,
                created_at=get_clock().now(),
            )
            record(current_user, "create", row, after=_state(row))
    except IntegrityError:
        # Someone added the same day between the check and the insert.
        form.day.errors.append(DAY_TAKEN)
        return None
    return row


def _oddity(row: CalendarDay) -> str:
    """A warning when the day already was what it is now declared (allowed, but likely a slip)."""
    usual = is_public_working_day(row.day)
    if row.kind == "work" and usual:
        return _("Lưu ý: ngày này vốn đã là ngày làm việc.")
    if row.kind == "off" and not usual:
        return _("Lưu ý: ngày này vốn đã là ngày nghỉ (cuối tuần hoặc ngày lễ).")
    return ""


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar() -> Response:
    """The admin's days off and make-up working days of a year, the form to add one, and the
    public holidays of that year (read-only)."""
    require(current_user, "admin.manage")
    form = CalendarDayForm()
    if request.method == "POST":
        row = _save(form) if form.validate() else None
        if row is None:
            return _page(form, _year(), status=form_error_status())
        message = _("Đã thêm ngày %(day)s vào lịch.", day=row.day.strftime("%d/%m/%Y"))
        warning = _oddity(row)
        if wants_fragment():
            fresh = CalendarDayForm(formdata=None)
            return _page(fresh, row.day.year, saved=" ".join(filter(None, [message, warning])))
        if warning:
            flash(warning, "warning")
        return finish(url_for("admin.calendar", year=row.day.year), message)
    return _page(form, _year())


@bp.route("/calendar/<int:day_id>/delete", methods=["GET", "POST"])
@login_required
def calendar_delete(day_id: int) -> Response:
    """Ask, then remove a day from the calendar (deadlines computed before do not move)."""
    require(current_user, "admin.manage")
    row = get_or_404(CalendarDay, day_id)
    back = url_for("admin.calendar", year=row.day.year)
    label = row.day.strftime("%d/%m/%Y")
    kind = _(KINDS[row.kind]) if row.kind in KINDS else row.kind
    if request.method == "POST" and confirmed():
        with database.atomic():
            before = _state(row)
            CalendarDay.delete().where(CalendarDay.id == row.id).execute()
            record(current_user, "delete", row, before=before)
        return finish(back, _("Đã xóa ngày %(day)s khỏi lịch.", day=label))
    return confirm_page(
        title=_("Xóa ngày khỏi lịch làm việc"),
        question=_("Xóa ngày %(day)s (%(kind)s) khỏi lịch?", day=label, kind=kind),
        details=[_("Các thời hạn đã tính trước đây theo ngày làm việc không thay đổi.")],
        action=url_for("admin.calendar_delete", day_id=row.id),
        button=_("Xóa ngày"),
        cancel=back,
        danger=True,
    )

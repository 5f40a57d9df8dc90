"""Nhập từ thông báo kết luận: paste or upload a notice, review its drafts, create the tasks."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.auth.sessions import current_account
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.params import optional_id
from tracker.meetings.notice import parse_notice
from tracker.meetings.notice.choices import apply_pick, options, suggestions
from tracker.meetings.notice.review import (
    MAX_DRAFTS,
    check,
    create_tasks,
    from_form,
    load_catalog,
    start_day,
    to_dict,
)
from tracker.meetings.notice.source import SourceForm
from tracker.models import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, Meeting, NoticeDraft, User
from tracker.models.audit import record
from tracker.policy import require
from tracker.tasks.workdays import add_working_days
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render, wants_fragment

bp = Blueprint("notice", __name__)
NO_CONCLUSION = _l("Cuộc họp chưa có nội dung kết luận.")
PAGE = "meetings/notice/review.html"
DRAFT = "meetings/notice/_draft.html"


def _meeting(meeting_id: int) -> Meeting:
    require(current_account(), "task.create")
    return get_or_404(Meeting, meeting_id)


def _review(meeting: Meeting, user: User) -> NoticeDraft | None:
    return NoticeDraft.get_or_none(NoticeDraft.meeting == meeting, NoticeDraft.user == user)


def _store(meeting: Meeting, user: User, drafts: list[dict], source: str | None = None) -> None:
    """Keep the review (one per user and meeting) so a reload or a later visit finds it."""
    now = get_clock().now()
    with database.atomic():
        row = _review(meeting, user)
        if row is None:
            row = NoticeDraft(meeting=meeting, user=user, created_at=now, source="")
        row.drafts = drafts[:MAX_DRAFTS]
        if source is not None:
            row.source = source
        row.updated_at = now
        row.save()
        record(user, "notice_draft", meeting, after={"drafts": len(row.drafts)})


def _row(meeting: Meeting, i: int, draft: dict, catalog) -> dict:
    """A draft with its errors, resolved units and suggestions, as the template shows it."""
    errors, resolved = check(draft, catalog, meeting)
    chosen = {role: {r.key for r in resolved[role]} for role in ("lead", "coordinating")}
    return {
        "i": i,
        "d": draft,
        "errors": errors,
        "resolved": resolved,
        "chosen": chosen,
        "suggestions": suggestions(catalog, draft, resolved),
    }


def _choices(catalog) -> dict:
    """What every draft offers: the unit list, the kinds of deadline, fields, cadences."""
    return {
        "unit_options": options(catalog),
        "kinds": DEADLINE_KINDS,
        "fields": FIELDS,
        "cadences": REPORT_CADENCES,
    }


def _page(meeting: Meeting, form: SourceForm, drafts: list[dict] | None, status: int = 200):
    catalog = load_catalog()
    rows = [_row(meeting, i, d, catalog) for i, d in enumerate(drafts or [])]
    return render(
        PAGE,
        status=status,
        meeting=meeting,
        form=form,
        rows=rows if drafts is not None else None,
        **_choices(catalog),
    )


@bp.route("/meetings/<int:meeting_id>/notice", methods=["GET", "POST"])
@login_required
def start(meeting_id: int) -> Response:
    """The paste/upload form and, when a review is in progress, its drafts."""
    meeting = _meeting(meeting_id)
    user = current_account()
    form = SourceForm()
    if request.method == "POST":
        text = form.notice_text() if form.validate_on_submit() else None
        if request.form.get("source") == "conclusion" and not form.csrf_token.errors:
            # "Tạo nhiệm vụ từ kết luận đã nhập" on the meeting page: no pasting again.
            form.text.errors = []
            text = meeting.conclusion.strip() or None
            if text is None:
                form.text.errors.append(NO_CONCLUSION)
            review = _review(meeting, user)
            if text is not None and review is not None and review.source == text:
                # Already read: the review goes on with the corrections made so far.
                return redirect(url_for("notice.start", meeting_id=meeting.id) + "#drafts")
        if text is None:
            review = _review(meeting, user)
            return _page(meeting, form, review.drafts if review else None, form_error_status())
        drafts = parse_notice(text, load_catalog(), start_day(meeting), add_working_days)
        _store(meeting, user, [to_dict(d) for d in drafts], source=text)
        flash(_("Đã đọc thông báo: %(n)s dự thảo nhiệm vụ.", n=len(drafts)), "success")
        return redirect(url_for("notice.start", meeting_id=meeting.id) + "#drafts")
    review = _review(meeting, user)
    if not form.text.data:
        # The review's notice, else the conclusion typed on the meeting form.
        form.text.data = review.source if review is not None else meeting.conclusion
    return _page(meeting, form, review.drafts if review else None)


def _posted(meeting: Meeting, user: User, catalog) -> tuple[list[dict], int | None]:
    """The drafts in the posted review form, stored at once, and the draft whose suggestion
    was chosen ("Có phải …?" buttons post ``pick``), if any."""
    review = _review(meeting, user)
    count = optional_id(request.form.get("count")) or 0
    drafts = from_form(request.form, count, review.drafts if review else [], catalog, meeting)
    picked = apply_pick(drafts, request.form.get("pick", ""), catalog)
    _store(meeting, user, drafts)
    return drafts, picked


@bp.route("/meetings/<int:meeting_id>/notice/save", methods=["POST"])
@login_required
def save(meeting_id: int) -> Response:
    """Keep the corrections; to htmx, the changed draft's checks (units, errors) again."""
    meeting = _meeting(meeting_id)
    catalog = load_catalog()
    drafts, picked = _posted(meeting, current_account(), catalog)
    # ?draft=N (counted from 1): htmx gets that draft's checks, or the whole draft after a pick.
    index = (optional_id(request.args.get("draft")) or 0) - 1
    if wants_fragment() and 0 <= index < len(drafts):
        row = _row(meeting, index, drafts[index], catalog)
        if picked is not None:
            return render(DRAFT, meeting=meeting, row=row, **_choices(catalog))
        return render(DRAFT, block="checks", meeting=meeting, row=row)
    if picked is not None:
        return redirect(url_for("notice.start", meeting_id=meeting.id) + f"#draft-{picked}")
    flash(_("Đã lưu các dự thảo."), "success")
    return redirect(url_for("notice.start", meeting_id=meeting.id) + "#drafts")


@bp.route("/meetings/<int:meeting_id>/notice/create", methods=["POST"])
@login_required
def create(meeting_id: int) -> Response:
    """Create the included drafts' tasks and assignments: all of them, or none."""
    meeting = _meeting(meeting_id)
    user = current_account()
    catalog = load_catalog()
    drafts, _picked = _posted(meeting, user, catalog)
    included = [d for d in drafts if d["include"]]
    if not included:
        flash(_("Chưa chọn dự thảo nào để tạo nhiệm vụ."), "warning")
        return _page(meeting, SourceForm(formdata=None), drafts, form_error_status())
    if any(check(d, catalog, meeting)[0] for d in included):
        flash(_("Chưa tạo nhiệm vụ nào: vui lòng sửa các lỗi bên cạnh dự thảo."), "error")
        return _page(meeting, SourceForm(formdata=None), drafts, form_error_status())
    tasks = create_tasks(meeting, user, drafts, catalog)
    NoticeDraft.delete().where(NoticeDraft.meeting == meeting, NoticeDraft.user == user).execute()
    flash(_("Đã tạo %(n)s nhiệm vụ từ thông báo kết luận.", n=len(tasks)), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))

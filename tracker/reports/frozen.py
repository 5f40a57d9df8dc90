"""Frozen reports: a leader freezes the live report; it keeps its numbers from then on."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from peewee import JOIN
from wtforms import StringField

from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.models import FrozenReport, User
from tracker.models.audit import record
from tracker.policy import require
from tracker.reports import bp, report
from tracker.reports.letterhead import print_options
from tracker.reports.params import parse
from tracker.reports.print_views import print_page
from tracker.reports.views import (
    INVALID,
    form_again,
    report_context,
    requested_params,
    xlsx_response,
)
from tracker.web.forms import BaseForm, max_len
from tracker.web.lookup import get_or_404
from tracker.web.pagination import paginate
from tracker.web.rendering import render


class FreezeForm(BaseForm):
    """Chốt báo cáo: the period and scope come as hidden fields; the title may be edited."""

    title = StringField(_l("Tiêu đề báo cáo"), [max_len(300)])


@bp.route("/freeze", methods=["GET"])
@login_required
def freeze_confirm() -> Response:
    """Chốt báo cáo, step one: the report page's button leads here to give the title."""
    require(current_user, "report.freeze")
    _today, params = requested_params()
    return render(
        "reports/freeze.html",
        params=params,
        back_url=url_for("reports.index", **params.args()),
    )


@bp.route("/freeze", methods=["POST"])
@login_required
def freeze() -> Response:
    """Store the current report (summary and detailed list) as a frozen report."""
    require(current_user, "report.freeze")
    form = FreezeForm()
    today = get_clock().today()
    params, errors, raw = parse(request.form, today)
    if not form.validate_on_submit() or params is None:
        if form.errors:
            errors.update({name: str(messages[0]) for name, messages in form.errors.items()})
        return form_again(raw, errors)
    data = report.summary(params, today, current_user)
    rows = report.detail_rows(params, today, current_user)
    title = (form.title.data or "").strip() or data["title"]
    data["title"] = title
    with write_transaction():
        frozen = FrozenReport.create(
            title=title,
            params=json.dumps(params.args(), ensure_ascii=False, sort_keys=True),
            period_start=params.start,
            period_end=params.end,
            as_of=params.as_of(today),
            summary=json.dumps(data, ensure_ascii=False),
            detail=json.dumps(rows, ensure_ascii=False),
            created_by=current_user.id,
            created_at=get_clock().now(),
        )
        record(
            current_user,
            "report.freeze",
            frozen,
            after={
                "title": title,
                "params": params.args(),
                "assigned": data["totals"]["assigned"],
                "rows": len(rows),
            },
        )
    flash(_("Đã chốt báo cáo."), "success")
    return redirect(url_for("reports.frozen_view", report_id=frozen.id))


@bp.route("/frozen")
@login_required
def frozen_list() -> Response:
    """The frozen reports, newest first."""
    require(current_user, "report.view")
    query = (
        FrozenReport.select(
            FrozenReport.id,
            FrozenReport.title,
            FrozenReport.period_start,
            FrozenReport.period_end,
            FrozenReport.as_of,
            FrozenReport.created_at,
            User.full_name,
        )
        .join(User, on=(FrozenReport.created_by == User.id), join_type=JOIN.LEFT_OUTER)
        .order_by(FrozenReport.created_at.desc(), FrozenReport.id.desc())
    )
    return render("reports/frozen_list.html", block="results", page=paginate(query))


def _get(report_id: int) -> FrozenReport:
    require(current_user, "report.view")
    return get_or_404(FrozenReport, report_id)


@bp.route("/frozen/<int:report_id>")
@login_required
def frozen_view(report_id: int) -> Response:
    """A frozen report as it was frozen, with the links to export and print it."""
    return frozen_page(_get(report_id))


def frozen_page(frozen: FrozenReport, print_raw=None, print_errors=None, status=200) -> Response:
    """The frozen report's page; ``print_raw`` and ``print_errors``: the print options again."""
    creator = User.get_or_none(User.id == frozen.created_by_id) if frozen.created_by_id else None
    return render(
        "reports/frozen.html",
        status=status,
        frozen=frozen,
        creator=creator,
        live_url=url_for("reports.index", **frozen.params_dict),
        print_raw=print_raw or {},
        print_errors=print_errors or {},
        **report_context(frozen.summary_data),
    )


@bp.route("/frozen/<int:report_id>/export.xlsx")
@login_required
def frozen_export(report_id: int) -> Response:
    frozen = _get(report_id)
    return xlsx_response(frozen.summary_data, frozen.detail_rows, f"bao-cao-da-chot-{frozen.id}")


@bp.route("/frozen/<int:report_id>/print")
@login_required
def frozen_print(report_id: int) -> Response:
    """The frozen report on paper, with the same options as the live one."""
    frozen = _get(report_id)
    head, raw = print_options(request.args)
    if head.errors:
        return frozen_page(frozen, print_raw=raw, print_errors=head.errors, status=INVALID)
    rows = frozen.detail_rows if head.detail else []
    return print_page(
        frozen.summary_data, rows[: report.DETAIL_LIMIT_PRINT], len(rows), head, frozen=frozen
    )

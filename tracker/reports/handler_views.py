"""A unit's report per handler (chuyên viên xử lý): /reports/units/<id>/handlers, for the one
who leads the work inside the unit (its head, or its focal point where it has none) and for
those who read the leader's reports. Who may: ``unit.handlers_report`` of tracker/policy.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Response, abort, request, url_for
from flask_login import current_user, login_required

from tracker.core.clock import get_clock
from tracker.models import Unit
from tracker.policy import can, get_or_403
from tracker.reports import bp, handlers
from tracker.reports.letterhead import issue_line, print_options, recipient_lines
from tracker.reports.params import PERIODS, ReportParams, parse
from tracker.reports.views import INVALID
from tracker.web.rendering import render


@bp.route("/units/<int:unit_id>/handlers")
@login_required
def handlers_report(unit_id: int) -> Response:
    """The unit's work in a period per handler, in the official categories against the
    internal deadline and against the unit's; then the work no handler holds."""
    unit, today, params, errors, raw = _requested(unit_id)
    context = {
        "unit": unit,
        "raw": raw,
        "errors": errors,
        "periods": PERIODS,
        "categories": handlers.CATEGORIES,
    }
    if params is None:
        return render("reports/handlers.html", status=INVALID, data=None, **context)
    data = handlers.handler_report(unit, params, today, current_user)
    period = _period_args(params)
    leader = can(current_user, "report.view")
    return render(
        "reports/handlers.html",
        data=data,
        period=period,
        back_url=url_for("reports.index", **period) if leader else None,
        **context,
    )


def _requested(unit_id: int) -> tuple[Unit, date, ReportParams | None, dict, dict]:
    """The unit (if the user may read its report per handler) and the period asked for."""
    unit = get_or_403(current_user, "unit.handlers_report", Unit, unit_id)
    today = get_clock().today()
    # The period only: the report is the unit's (a scope would narrow it by another rule).
    args = {k: v for k, v in request.args.items() if k != "scope"}
    params, errors, raw = parse(args, today)
    return unit, today, params, errors, raw


def _period_args(params: ReportParams) -> dict[str, Any]:
    return {k: v for k, v in params.args().items() if k != "scope"}


@bp.route("/units/<int:unit_id>/handlers/print")
@login_required
def handlers_print(unit_id: int) -> Response:
    """The report per handler as an A4 administrative document: the unit issues it under the
    office's governing body; number, recipients and signer from the query string as for the
    leader's print (``letterhead.print_options``), left blank to be written by hand."""
    unit, today, params, errors, raw = _requested(unit_id)
    if params is None:
        abort(Response(status=INVALID))
    head, options = print_options(request.args)
    if head.errors:
        abort(Response(status=INVALID))
    head = replace(
        head,
        issuing_body=unit.name.upper(),
        number_suffix="BC",
        recipients=recipient_lines(options["recipients"]),
        authority=options["authority"],
        position=options["position"],
        signer=options["signer"],
    )
    return render(
        "reports/handlers_print.html",
        data=handlers.handler_report(unit, params, today, current_user),
        unit=unit,
        head=head,
        issued=issue_line(head.place, today),
        categories=handlers.CATEGORIES,
    )

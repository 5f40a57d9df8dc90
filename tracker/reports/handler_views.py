"""A unit's report per handler (chuyên viên xử lý): /reports/units/<id>/handlers, for the one
who leads the work inside the unit (its head, or its focal point where it has none) and for
those who read the leader's reports. Who may: ``unit.handlers_report`` of tracker/policy.py."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_login import current_user, login_required

from tracker.core.clock import get_clock
from tracker.models import Unit
from tracker.policy import can, get_or_403
from tracker.reports import bp, handlers
from tracker.reports.charts import labels
from tracker.reports.params import PERIODS, parse
from tracker.reports.views import INVALID
from tracker.web.rendering import render


@bp.route("/units/<int:unit_id>/handlers")
@login_required
def handlers_report(unit_id: int) -> Response:
    """The unit's work in a period per handler, in the official categories against the
    internal deadline and against the unit's; then the work no handler holds."""
    unit = get_or_403(current_user, "unit.handlers_report", Unit, unit_id)
    today = get_clock().today()
    # The period only: the report is the unit's (a scope would narrow it by another rule).
    args = {k: v for k, v in request.args.items() if k != "scope"}
    params, errors, raw = parse(args, today)
    context = {
        "unit": unit,
        "raw": raw,
        "errors": errors,
        "periods": PERIODS,
        "labels": labels(),
        "categories": handlers.CATEGORIES,
    }
    if params is None:
        return render("reports/handlers.html", status=INVALID, data=None, **context)
    data = handlers.handler_report(unit, params, today, current_user)
    period = {k: v for k, v in params.args().items() if k != "scope"}
    leader = can(current_user, "report.view")
    return render(
        "reports/handlers.html",
        data=data,
        back_url=url_for("reports.index", **period) if leader else None,
        **context,
    )

"""The print page: the report as an administrative document (Nghị định 30/2020/NĐ-CP) for the
browser to print or save as PDF; the detailed list follows as an appendix only when asked."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import current_user, login_required

from tracker.core.clock import get_clock
from tracker.policy import require
from tracker.reports import bp, report
from tracker.reports.letterhead import Letterhead, issue_line, print_options
from tracker.reports.views import INVALID, index_page, report_context, requested_params
from tracker.web.rendering import render

REPORT_PREFIXES = ("báo cáo ", "report on ", "report ")


def summary_line(title: str) -> str:
    """The line under "BÁO CÁO": the title without its leading "Báo cáo", capitalised."""
    text = title.strip()
    for prefix in REPORT_PREFIXES:
        if text.lower().startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :].strip()
            break
    return text[:1].upper() + text[1:]


def print_page(
    data: dict[str, Any], rows: list[dict], total: int, head: Letterhead, frozen=None
) -> Response:
    return render(
        "reports/print.html",
        rows=rows if head.detail else [],
        total_rows=total,
        head=head,
        issued=issue_line(head.place, get_clock().today()),
        summary_line=summary_line(data["title"]),
        frozen=frozen,
        **report_context(data),
    )


@bp.route("/print")
@login_required
def print_view() -> Response:
    """An A4 page for the browser to print or save as PDF: the summary, and the detailed list
    (``detail=1``) as an appendix."""
    require(current_user, "report.view")
    today, params = requested_params()
    head, raw = print_options(request.args)
    if head.errors:
        return index_page(params, print_raw=raw, print_errors=head.errors, status=INVALID)
    data = report.summary(params, today, current_user)
    rows = (
        report.detail_rows(params, today, current_user, limit=report.DETAIL_LIMIT_PRINT)
        if head.detail
        else []
    )
    return print_page(data, rows, data["totals"]["assigned"], head)

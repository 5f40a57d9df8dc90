"""The live report: page, the lists behind its numbers, .xlsx export and print page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Response, abort, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.clock import get_clock
from tracker.core.params import optional_id
from tracker.models import FIELDS, Assignment, Unit, UnitGroup, UnitKind
from tracker.overview.queries import meetings_for_select
from tracker.policy import can, require
from tracker.reports import bp, charts, queries, report, xlsx
from tracker.reports.params import PERIODS, ReportParams, parse
from tracker.web.numbers import decimal_text, percent_text
from tracker.web.pagination import page_of, paginate
from tracker.web.rendering import render

INVALID = 422
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report page's table shows its units by pages (a province's 150 units: the page budget);
# the subtotals and totals, the print view and the .xlsx count and hold them all.
UNITS_PER_PAGE = 30


def percent(rate: float | None) -> str:
    return percent_text(rate)


def number(value: float | None) -> str:
    return decimal_text(value)


def day(value: str | None) -> str:
    """An ISO date (as frozen reports keep them) in the page's date format."""
    return format_date(date.fromisoformat(value), "dd/MM/yyyy") if value else "—"


def form_context(raw: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """What the period and scope form needs."""
    selected_meeting = (
        raw.get("scope", "").partition(":")[2]
        if raw.get("scope", "").startswith("meeting:")
        else None
    )
    return {
        "raw": raw,
        "errors": errors,
        "periods": PERIODS,
        "kinds": UnitKind.labels(),
        "fields": FIELDS,
        "groups": list(UnitGroup.select().order_by(UnitGroup.name)),
        "meetings": meetings_for_select(selected_meeting),
    }


def report_context(data: dict[str, Any], inline: bool = True) -> dict[str, Any]:
    """Charts (unless ``inline`` is false: the page shows them as images) and formatting
    helpers for a report's data (live or frozen)."""
    return {
        "data": data,
        "sections": report.numbered(report.grouped(data)),
        "roman": report.roman,
        "unit_chart": charts.unit_bars(data["rows"]) if inline else None,
        "trend_chart": charts.trend(data["trend"]) if inline else None,
        "percent": percent,
        "number": number,
        "day": day,
        "labels": charts.labels(),
        "categories": queries.CATEGORIES,
        "as_of": date.fromisoformat(data["as_of"]),
    }


def form_again(raw: dict[str, str], errors: dict[str, str]) -> Response:
    """The report page's form again (422), with what is wrong in the period or scope."""
    return render("reports/index.html", status=INVALID, params=None, **form_context(raw, errors))


def _parsed() -> tuple[date, ReportParams | None, dict[str, str], dict[str, str]]:
    today = get_clock().today()
    params, errors, raw = parse(request.args, today)
    return today, params, errors, raw


def requested_params(form: bool = True) -> tuple[date, ReportParams]:
    """Today and the period and scope the query string asks for. When they are wrong, the
    answer is raised, as ``require`` raises its 403: the form again with what is wrong
    (``form_again``), or an empty 422 for a chart, an image that shows no form."""
    today, params, errors, raw = _parsed()
    if params is None:
        abort(form_again(raw, errors) if form else Response(status=INVALID))
    return today, params


def live_report(limit: int | None = None) -> tuple[ReportParams, dict[str, Any], list[dict]]:
    """The live report the query string asks for: its parameters, summary and detailed rows
    (at most ``limit``), for one who may see reports."""
    require(current_user, "report.view")
    today, params = requested_params()
    data = report.summary(params, today, current_user)
    return params, data, report.detail_rows(params, today, current_user, limit=limit)


@bp.route("/")
@login_required
def index() -> Response:
    """Choose a period and scope; see the table, the ranking and the charts."""
    require(current_user, "report.view")
    _today, params = requested_params()
    return index_page(params)


def index_page(
    params: ReportParams,
    print_raw: dict[str, str] | None = None,
    print_errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The report page; ``print_raw`` and ``print_errors``: the print options again, with
    what is wrong beside its field."""
    data = report.summary(params, get_clock().today(), current_user, trend=False)
    # The default scope left out: the forms and the charts' URLs stay short.
    args = {k: v for k, v in params.args().items() if (k, v) != ("scope", "all")}
    units = page_of(data["rows"], UNITS_PER_PAGE, "upage")
    start = (units.page - 1) * units.per_page
    # The units' chart shows the page's units, as the table does.
    page_arg = {"upage": units.page} if units.page > 1 else {}
    context = report_context(data, inline=False)
    context["sections"] = report.numbered(report.grouped(data), start, start + len(units.items))
    return render(
        "reports/index.html",
        status=status,
        params=params,
        args=args,
        units=units,
        print_raw=print_raw or {},
        print_errors=print_errors or {},
        freeze_allowed=can(current_user, "report.freeze"),
        images=(
            (
                url_for("reports.units_chart", **args, **page_arg),
                charts.unit_bars_height(len(units.items)),
            ),
            (url_for("reports.trend_chart", **args), charts.TREND_HEIGHT),
        ),
        **context,
        **form_context(params.raw, {}),
    )


@bp.route("/method")
@login_required
def method_page() -> Response:
    """How the report counts, classifies and scores (the report page shows only the score)."""
    require(current_user, "report.view")
    return render("reports/method.html", back_url=url_for("reports.index"))


def svg_response(chart) -> Response:
    # Not kept by the browser (no-store, like every signed-in answer): a shared office PC.
    return Response(str(chart), mimetype="image/svg+xml")


# The report page shows its two charts as SVG images (<img>), which keeps the page small however
# many units and months it covers; the print page and frozen reports draw them inline.


@bp.route("/units.svg")
@login_required
def units_chart() -> Response:
    """The chart of the units' results, as an SVG image: the units of the table's page."""
    require(current_user, "report.view")
    today, params = requested_params(form=False)
    data = report.summary(params, today, current_user, trend=False)
    return svg_response(charts.unit_bars(page_of(data["rows"], UNITS_PER_PAGE, "upage").items))


@bp.route("/trend.svg")
@login_required
def trend_chart() -> Response:
    """The monthly trend of the report, as an SVG image."""
    require(current_user, "report.view")
    today, params = requested_params(form=False)
    return svg_response(charts.trend(queries.trend(params, params.as_of(today), current_user)))


@bp.route("/assignments")
@login_required
def assignments() -> Response:
    """The assignments behind one number of the report, paginated."""
    require(current_user, "report.view")
    today, params, errors, raw = _parsed()
    category = request.args.get("category", "")
    unit = None
    try:
        unit_id = optional_id(request.args.get("unit"))
    except ValueError:
        errors["unit"] = _("Đơn vị không hợp lệ.")
        unit_id = None
    if unit_id is not None:
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            errors["unit"] = _("Đơn vị không hợp lệ.")
    if category not in queries.LIST_CATEGORIES:
        errors["category"] = _("Nhóm số liệu không hợp lệ.")
    if params is None or errors:
        return render(
            "reports/assignments.html",
            status=INVALID,
            params=None,
            page=None,
            **form_context(raw, errors),
        )
    as_of = params.as_of(today)
    query = report.detail_query(params, today, current_user)
    if unit is not None:
        query = query.where(Assignment.unit == unit)
    condition = queries.category_condition(category, as_of)
    if condition is not None:
        query = query.where(condition)
    page = paginate(query)
    labels = charts.labels()
    return render(
        "reports/assignments.html",
        block="results",
        params=params,
        page=page,
        unit=unit,
        units=list(Unit.active_ordered()),
        category=category,
        category_labels={
            **{key: labels[key] for key in queries.CATEGORIES},
            "late": _("Trễ hạn (hoàn thành quá hạn hoặc chưa hoàn thành quá hạn)"),
            "extended": _("Có gia hạn"),
        },
        labels=labels,
        as_of=as_of,
        back_url=url_for("reports.index", **params.args()),
    )


def xlsx_response(data: dict[str, Any], rows: Iterable[dict], name: str) -> Response:
    body = xlsx.workbook(data, rows)
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@bp.route("/export.xlsx")
@login_required
def export() -> Response:
    """The report as .xlsx: the summary sheet and the detailed list."""
    require(current_user, "report.view")
    today, params = requested_params()
    data = report.summary(params, today, current_user)
    rows = report.iter_detail_rows(params, today, current_user)  # never all held at once
    return xlsx_response(data, rows, f"bao-cao-{params.start}-{params.end}")

"""Charts drawn on the server as inline SVG: no JavaScript, crisp in print, readable without
colour (every segment carries its number, and a legend names the series in text)."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

# Category colours (dark enough for white labels, distinct in greyscale print).
COLOURS = {
    "done_on_time": "#1565c0",
    "done_late": "#7b1fa2",
    "pending": "#2e7d32",
    "overdue": "#c62828",
    "due": "#ef6c00",
}


def labels() -> dict[str, str]:
    return {
        "done_on_time": _("Hoàn thành đúng hạn"),
        "done_late": _("Hoàn thành quá hạn"),
        "pending": _("Chưa hoàn thành, trong hạn"),
        "overdue": _("Chưa hoàn thành, quá hạn"),
        "due": _("Đến hạn trong tháng"),
    }


def _legend(keys: tuple[str, ...], y: int, width: int) -> list[str]:
    names = labels()
    parts, x = ['<g font-size="12">'], 10
    for key in keys:
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[key]}"/>'
            f'<text x="{x + 16}" y="{y + 11}">{escape(names[key])}</text>'
        )
        x += 28 + 7 * len(names[key])
        if x > width - 150:
            x, y = 10, y + 18
    return [*parts, "</g>"]


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" font-family="sans-serif">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _n(value: float) -> str:
    """A coordinate, to a tenth of a unit and without a trailing ".0"."""
    return f"{value:.1f}".removesuffix(".0")


def unit_bars_height(count: int) -> int:
    """The height of the units' chart (its width is 900) with ``count`` units."""
    return 10 + count * 24 + 50


def unit_bars(rows: list[dict], chart_id: str = "cu") -> Markup:
    """Stacked horizontal bars: one per unit, a segment per report category.

    Compact for 40-odd units: each category is one path (a sub-path per unit), the names,
    the numbers inside the segments and the totals are three text groups whose shared
    attributes are written once."""
    keys = ("done_on_time", "done_late", "pending", "overdue")
    width, label_w, bar_h, gap, top = 900, 220, 18, 6, 10
    plot_w = width - label_w - 60
    biggest = max((r["assigned"] for r in rows), default=0) or 1
    height = unit_bars_height(len(rows))
    paths: dict[str, list[str]] = {key: [] for key in keys}
    names, inside, totals = [], [], []
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        name = row.get("short_name") or row.get("unit") or ""
        names.append(f'<text x="{label_w - 6}" y="{y + 13}">{escape(name[:34])}</text>')
        x = float(label_w)
        for key in keys:
            value = row[key]
            if not value:
                continue
            w = plot_w * value / biggest
            paths[key].append(f"M{_n(x)} {y}h{_n(w)}v{bar_h}h-{_n(w)}z")
            if w >= 18:
                inside.append(f'<text x="{_n(x + w / 2)}" y="{y + 13}">{value}</text>')
            x += w
        totals.append(f'<text x="{_n(x + 4)}" y="{y + 13}">{row["assigned"]}</text>')
    body = [
        *(f'<path fill="{COLOURS[k]}" d="{"".join(paths[k])}"/>' for k in keys if paths[k]),
        '<g font-size="12" text-anchor="end">',
        *names,
        '</g><g font-size="11" fill="#fff" text-anchor="middle">',
        *inside,
        '</g><g font-size="11">',
        *totals,
        "</g>",
    ]
    body += _legend(keys, top + len(rows) * (bar_h + gap) + 12, width)
    desc = "; ".join(
        f"{r.get('short_name') or r.get('unit')}: "
        + ", ".join(f"{labels()[k]} {r[k]}" for k in keys)
        for r in rows
    )
    return _svg(chart_id, width, height, _("Kết quả thực hiện theo đơn vị"), desc, body)


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(month):02d}/{year[2:]}"


TREND_HEIGHT = 300


def trend(months: list[dict], chart_id: str = "ct") -> Markup:
    """Per month: completions on time and late as stacked columns, and a line of work due.

    A period of one month has no line to draw (one point): its work due is a column of its
    own beside the completions', each with its number. A period with nothing completed nor
    due says so in words."""
    width, height, left, bottom, top = 900, TREND_HEIGHT, 40, 60, 20
    plot_w, plot_h = width - left - 20, height - top - bottom
    n = max(len(months), 1)
    single = len(months) == 1
    biggest = (
        max((max(m["done_on_time"] + m["done_late"], m["due"]) for m in months), default=0) or 1
    )
    step = plot_w / n
    col_w = 48.0 if single else min(40.0, step * 0.6)
    # One month: the completions' column left of the month's middle, the work due's right.
    shift = col_w / 2 + 4 if single else 0.0

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / biggest

    keys = ("done_on_time", "done_late")
    paths: dict[str, list[str]] = {key: [] for key in ("done_on_time", "done_late", "due")}
    done_labels, month_labels, dots, due_labels = [], [], [], []
    points = []
    small = n > 24
    for i, m in enumerate(months):
        cx = left + step * i + step / 2
        dx = cx - shift
        base = float(top + plot_h)
        for key in keys:
            value = m[key]
            if value:
                h = plot_h * value / biggest
                base -= h
                paths[key].append(
                    f"M{_n(dx - col_w / 2)} {_n(base)}h{_n(col_w)}v{_n(h)}h-{_n(col_w)}z"
                )
        done = m["done_on_time"] + m["done_late"]
        if done and not small:
            done_labels.append(f'<text x="{_n(dx)}" y="{_n(base - 3)}">{done}</text>')
        if not small or i % 3 == 0:
            month_labels.append(
                f'<text x="{_n(cx)}" y="{top + plot_h + 15}">{_month_label(m["month"])}</text>'
            )
        x, y = cx, y_of(m["due"])
        if single:
            if m["due"]:
                h = plot_h * m["due"] / biggest
                x = cx + shift
                paths["due"].append(
                    f"M{_n(x - col_w / 2)} {_n(y)}h{_n(col_w)}v{_n(h)}h-{_n(col_w)}z"
                )
                done_labels.append(f'<text x="{_n(x)}" y="{_n(y - 3)}">{m["due"]}</text>')
            continue
        points.append(f"{_n(x)},{_n(y)}")
        dots.append(f"M{_n(x)} {_n(y)}h0")
        if m["due"] and not small:
            due_labels.append(f'<text x="{_n(x + 5)}" y="{_n(y - 5)}">{m["due"]}</text>')
    due = COLOURS["due"]
    body = [
        f'<path stroke="#555" d="M{left} {top + plot_h}H{width - 20}"/>',
        *(f'<path fill="{COLOURS[k]}" d="{"".join(v)}"/>' for k, v in paths.items() if v),
        '<g font-size="11" text-anchor="middle">',
        *done_labels,
        *month_labels,
        "</g>",
    ]
    if not any(m["done_on_time"] or m["done_late"] or m["due"] for m in months):
        body.append(
            f'<text x="{width // 2}" y="{top + plot_h // 2}" font-size="13" fill="#555" '
            f'text-anchor="middle">'
            f"{escape(_('Không có nhiệm vụ hoàn thành hoặc đến hạn trong kỳ.'))}</text>"
        )
    if points:
        body += [
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{due}" '
            f'stroke-width="2" stroke-dasharray="6 3"/>',
            f'<path stroke="{due}" stroke-width="6" stroke-linecap="round" d="{"".join(dots)}"/>',
            f'<g font-size="10" fill="{due}">',
            *due_labels,
            "</g>",
        ]
    body += _legend(("done_on_time", "done_late", "due"), height - 28, width)
    desc = "; ".join(
        f"{_month_label(m['month'])}: {labels()['done_on_time']} {m['done_on_time']}, "
        f"{labels()['done_late']} {m['done_late']}, {labels()['due']} {m['due']}"
        for m in months
    )
    return _svg(chart_id, width, height, _("Diễn biến theo tháng"), desc, body)

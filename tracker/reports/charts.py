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
    parts, x = [], 10
    for key in keys:
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[key]}"/>'
            f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(names[key])}</text>'
        )
        x += 28 + 7 * len(names[key])
        if x > width - 150:
            x, y = 10, y + 18
    return parts


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def unit_bars(rows: list[dict], chart_id: str = "chart-units") -> Markup:
    """Stacked horizontal bars: one per unit, a segment per report category."""
    keys = ("done_on_time", "done_late", "pending", "overdue")
    width, label_w, bar_h, gap, top = 900, 220, 18, 6, 10
    plot_w = width - label_w - 60
    biggest = max((r["assigned"] for r in rows), default=0) or 1
    height = top + len(rows) * (bar_h + gap) + 50
    body: list[str] = []
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        name = row.get("short_name") or row.get("unit") or ""
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(name[:34])}</text>"
        )
        x = float(label_w)
        for key in keys:
            value = row[key]
            if not value:
                continue
            w = plot_w * value / biggest
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{COLOURS[key]}"><title>{escape(labels()[key])}: {value}</title></rect>'
            )
            if w >= 18:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 13}" font-size="11" fill="#fff" '
                    f'text-anchor="middle">{value}</text>'
                )
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{row["assigned"]}</text>')
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


def trend(months: list[dict], chart_id: str = "chart-trend") -> Markup:
    """Per month: completions on time and late as stacked columns, and a line of work due."""
    width, height, left, bottom, top = 900, 300, 40, 60, 20
    plot_w, plot_h = width - left - 20, height - top - bottom
    n = max(len(months), 1)
    biggest = (
        max((max(m["done_on_time"] + m["done_late"], m["due"]) for m in months), default=0) or 1
    )
    step = plot_w / n
    col_w = min(40.0, step * 0.6)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 20}" y2="{top + plot_h}" '
        f'stroke="#555"/>'
    ]

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / biggest

    points = []
    small = n > 24
    for i, m in enumerate(months):
        cx = left + step * i + step / 2
        base = float(top + plot_h)
        for key in ("done_on_time", "done_late"):
            value = m[key]
            if value:
                h = plot_h * value / biggest
                base -= h
                body.append(
                    f'<rect x="{cx - col_w / 2:.1f}" y="{base:.1f}" width="{col_w:.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[key]}">'
                    f"<title>{escape(labels()[key])}: {value}</title></rect>"
                )
        done = m["done_on_time"] + m["done_late"]
        if done and not small:
            body.append(
                f'<text x="{cx:.1f}" y="{base - 3:.1f}" font-size="11" text-anchor="middle">'
                f"{done}</text>"
            )
        if not small or i % 3 == 0:
            body.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 15}" font-size="11" '
                f'text-anchor="middle">{_month_label(m["month"])}</text>'
            )
        points.append((cx, y_of(m["due"]), m["due"]))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS["due"]}" '
            f'stroke-width="2" stroke-dasharray="6 3"/>'
        )
        for x, y, value in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS["due"]}"/>')
            if value and not small:
                body.append(
                    f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="10" '
                    f'fill="{COLOURS["due"]}">{value}</text>'
                )
    body += _legend(("done_on_time", "done_late", "due"), height - 28, width)
    desc = "; ".join(
        f"{_month_label(m['month'])}: {labels()['done_on_time']} {m['done_on_time']}, "
        f"{labels()['done_late']} {m['done_late']}, {labels()['due']} {m['due']}"
        for m in months
    )
    return _svg(chart_id, width, height, _("Diễn biến theo tháng"), desc, body)

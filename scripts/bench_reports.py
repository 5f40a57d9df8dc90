"""Time a one-year report over a large data set (100,000 tasks and 40 units by default).

Builds a fresh database the way scripts/bench_pages.py does — a SQLite file in a temporary
directory, or, with ``--database-url`` pointing at PostgreSQL, a schema created here and dropped
at the end — seeds it with ``tracker.ops.bench_seed``, then times, as the bench leader, the
report of the last full calendar year: the per-unit summary (with the monthly trend) and the
count of its detailed list; then the detailed rows and the .xlsx built from them, and the
export as /reports/export.xlsx builds it (its rows streamed into the workbook; target < 10 s
at 100,000 tasks), with the CPU it took in this process (all of it on SQLite).

    python scripts/bench_reports.py [--tasks 100000] [--units 40] [--repeat 5]
    python scripts/bench_reports.py --database-url postgresql://root@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from werkzeug.datastructures import MultiDict

from tracker import create_app
from tracker.core import db
from tracker.core.clock import get_clock
from tracker.models import User
from tracker.ops import bench_seed
from tracker.ops.migrate import migrate
from tracker.reports import report, xlsx
from tracker.reports.params import parse

# A one-year report (the summary with its monthly trend and the count of its list) answers
# within this on a province's data (issue 13: 1,000,000 tasks on PostgreSQL).
REPORT_TARGET_MS = 3000


@contextmanager
def fresh_database(url: str | None, schema: str, keep: bool, seeded: str = "") -> Iterator[str]:
    """Yield the URL of an empty database: a temporary SQLite file, or a new PostgreSQL schema
    (or ``seeded``, a database seeded before, as it is)."""
    if seeded:
        yield seeded
        return
    if not url:
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            yield f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
        return
    if not url.startswith("postgres"):
        yield url
        return
    import psycopg2

    def execute(sql: str) -> None:
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.close()

    execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        if not db.database.is_closed():
            db.database.close()
        if not keep:
            execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def timed(fn, repeat: int):
    """(median ms, last result) of ``repeat`` calls."""
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=0, help="report year (default: last year)")
    parser.add_argument("--repeat-xlsx", type=int, default=1, help="runs of the whole export")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the detail rows and .xlsx")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--schema", default="bench_reports", help="PostgreSQL schema")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument(
        "--seeded",
        default="",
        metavar="URL",
        help="a database already seeded with seed-bench: time it as it is (no new schema)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    os.environ.setdefault("TRACKER_SECRET_KEY", "bench-secret-key")
    with fresh_database(args.database_url, args.schema, args.keep, args.seeded) as url:
        engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        app = create_app({"DATABASE_URL": url})
        migrate()
        with app.app_context(), db.database.connection_context():
            if not args.seeded:
                summary = bench_seed.seed(
                    args.tasks, n_units=args.units, seed=args.seed, progress=print
                )
                print(f"[{engine}] {summary.report()}")
            today = get_clock().today()
            year = args.year or today.year - 1
            params, errors, _raw = parse(MultiDict({"period": "year", "year": str(year)}), today)
            if params is None:
                sys.exit(f"bad parameters: {errors}")
            leader = User.get(User.username == bench_seed.LEADER)
            if engine == "PostgreSQL":
                db.database.execute_sql("ANALYZE")
            ms_summary, data = timed(lambda: report.summary(params, today, leader), args.repeat)
            ms_count, count = timed(lambda: report.detail_count(params, today, leader), args.repeat)
            figures = [
                ("summary per unit + monthly trend", ms_summary),
                ("detail count", ms_count),
                ("one-year report (summary + detail count)", ms_summary + ms_count),
            ]
            if not args.no_xlsx:
                ms_rows, rows = timed(lambda: report.detail_rows(params, today, leader), 1)
                ms_xlsx, body = timed(lambda: xlsx.workbook(data, rows), 1)
                figures += [("detail rows", ms_rows), (f".xlsx ({len(body):,} bytes)", ms_xlsx)]
                del rows

                def export() -> bytes:  # as /reports/export.xlsx builds it: rows streamed
                    summary = report.summary(params, today, leader)
                    return xlsx.workbook(summary, report.iter_detail_rows(params, today, leader))

                cpu = time.process_time()
                ms_export, body = timed(export, args.repeat_xlsx)
                cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat_xlsx
                figures.append(("export .xlsx (summary + rows streamed)", ms_export))
                figures.append(("  its CPU in this process (mean)", cpu_ms))
        db.database.close()

    totals = data["totals"]
    print(
        f"\n[{engine}] year {year}: {len(data['rows'])} units, {totals['assigned']:,} assignments "
        f"in the report (detail count {count:,}), done on time {totals['done_on_time']:,}, "
        f"late {totals['done_late']:,}, within deadline {totals['pending']:,}, "
        f"overdue {totals['overdue']:,}"
    )
    print(f"{'step':<44} {'median ms':>10}")
    for name, ms in figures:
        print(f"{name:<44} {ms:>10.1f}")
    total = ms_summary + ms_count
    ok = total < REPORT_TARGET_MS
    print(f"one-year report {total / 1000:.2f} s: {'PASS' if ok else 'FAIL'} (target < 3 s)")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())

"""EXPLAIN ANALYZE the statements of the hot pages and jobs on a seeded database.

Signs in (Flask's test client, no server) as the bench officer and the bench leader of a
database seeded with ``tracker seed-bench``, asks the officer's home, a unit's page, an
assignment page, the leader's home and the report page, and builds the weekly digests and a
one-year report; records every SELECT they send (peewee's query log), then runs each again under
``EXPLAIN (ANALYZE, BUFFERS)`` (PostgreSQL) or ``EXPLAIN QUERY PLAN`` (SQLite) and prints the
slowest with their plans (docs/performance.md quotes them).

    TRACKER_DATABASE_URL=postgresql://…?options=-csearch_path%3Dbench13 \\
        python scripts/bench_explain.py [--top 25] [--min-ms 1]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Recorder(logging.Handler):
    """Keeps the (sql, params) of every statement peewee logs, with the part it belongs to."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.part = ""
        self.seen: dict[str, tuple[str, str, tuple, str]] = {}
        self.setting = ""  # a SET LOCAL sent just before the next SELECT (the digests' JIT)

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.msg
        if isinstance(msg, tuple) and len(msg) == 2 and isinstance(msg[0], str):
            sql, params = msg
            if sql.lstrip().upper().startswith("SET LOCAL"):
                self.setting = sql
            elif sql.lstrip().upper().startswith(("SELECT", "WITH")):
                self.seen.setdefault(sql, (self.part, sql, tuple(params or ()), self.setting))
                self.setting = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACKER_DATABASE_URL", ""))
    parser.add_argument("--top", type=int, default=25, help="plans to print")
    parser.add_argument("--min-ms", type=float, default=0.5, help="skip faster statements")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("TRACKER_SECRET_KEY", "bench-secret-key")
    os.environ["TRACKER_PAGE_CACHE_SIZE"] = "0"

    from werkzeug.datastructures import MultiDict

    from tracker import create_app
    from tracker.core import db
    from tracker.core.clock import get_clock
    from tracker.models import Assignment, Unit, User
    from tracker.ops import bench_seed
    from tracker.reminders import digest
    from tracker.reports import report
    from tracker.reports.params import parse

    app = create_app({"DATABASE_URL": args.database_url, "WTF_CSRF_ENABLED": False})
    postgres = args.database_url.startswith("postgres")
    rec = Recorder()
    logger = logging.getLogger("peewee")
    logger.addHandler(rec)
    logger.setLevel(logging.DEBUG)
    rng = random.Random(args.seed)
    with app.app_context(), db.database.connection_context():
        units = [u for (u,) in Unit.select(Unit.id).tuples()]
        top = Assignment.select(Assignment.id).order_by(Assignment.id.desc()).limit(1).scalar()
    pages = [
        ("officer home", bench_seed.OFFICER, "/"),
        ("unit page", bench_seed.OFFICER, f"/units/{rng.choice(units)}"),
        ("assignment page", bench_seed.OFFICER, f"/assignments/{rng.randint(1, top)}"),
        ("leader home", bench_seed.LEADER, "/"),
        ("unit page (leader)", bench_seed.LEADER, f"/units/{rng.choice(units)}"),
        ("assignment page (leader)", bench_seed.LEADER, f"/assignments/{rng.randint(1, top)}"),
        ("report page", bench_seed.LEADER, "/reports/"),
    ]
    for part, username, path in pages:
        client = app.test_client()
        client.post("/login", data={"username": username, "password": bench_seed.PASSWORD})
        rec.part = part
        status = client.get(path).status_code
        print(f"{part:<26} {path:<24} HTTP {status}")
    with app.app_context(), db.database.connection_context():
        today = get_clock().today()
        rec.part = "one-year report"
        params, _, _ = parse(MultiDict({"period": "year", "year": str(today.year - 1)}), today)
        leader = User.get(User.username == bench_seed.LEADER)
        report.summary(params, today, leader)
        report.detail_count(params, today, leader)
        rec.part = "weekly digests"
        digest.build(get_clock().now())
        logger.removeHandler(rec)
        timings = []
        for part, sql, params, setting in rec.seen.values():
            if postgres:
                with db.database.atomic():  # as the application ran it (SET LOCAL jit = off)
                    if setting:
                        db.database.execute_sql(setting)
                    started = time.perf_counter()
                    plan = db.database.execute_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + sql, params
                    ).fetchall()
                    ms = (time.perf_counter() - started) * 1000
                if setting:
                    sql = f"{setting};\n{sql}"
            else:
                started = time.perf_counter()
                db.database.execute_sql(sql, params).fetchall()
                ms = (time.perf_counter() - started) * 1000
                plan = db.database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                plan = [(" " * 2 * (r[1] > 0) + str(r[-1]),) for r in plan]
            timings.append((ms, part, sql, params, [r[0] for r in plan]))
    timings.sort(key=lambda t: -t[0])
    print(f"\n{len(timings)} distinct SELECTs; the {args.top} slowest:")
    for ms, part, sql, params, plan in timings[: args.top]:
        if ms < args.min_ms:
            break
        print(f"\n=== {ms:.1f} ms · {part}\n{sql}\n-- params: {params[:12]}")
        print("\n".join(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the weekly digest job on a large data set: 1,000 units over 100,000 tasks by default.

Builds a fresh database (a temporary SQLite file, or with ``--database-url`` pointing at
PostgreSQL a schema created here and dropped at the end), applies the migrations, seeds it with
``seed-bench``, then runs the weekly digest job once — building and queueing every unit's digest
through the JobRun guard — and prints the elapsed time, the number of SQL statements and the
messages queued. The leaders' summary and the due-soon job are timed the same way.

    python scripts/bench_mail.py [--tasks 100000] [--units 1000]
    python scripts/bench_mail.py --database-url postgresql://root@127.0.0.1:5432/test
    python scripts/bench_mail.py --seeded postgresql://…?options=-csearch_path%3Dbench13

Targets (issue 13): the weekly digests of 150 units in under 5 s, of 1,000 units under 10 s;
``--strict`` exits 1 on a miss. Each job runs in a transaction rolled back at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

from bench_reports import fresh_database

from tracker import create_app
from tracker.core import db
from tracker.core.clock import get_clock
from tracker.models import OutboxMessage, Task, Unit
from tracker.ops import bench_seed
from tracker.ops.migrate import migrate
from tracker.reminders import jobs


@contextmanager
def counting() -> Iterator[Callable[[], int]]:
    """Count the SQL statements sent while the block runs (wraps the database's execute_sql)."""
    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        yield lambda: spy.call_count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--schema", default="bench_mail", help="PostgreSQL schema to create and drop"
    )
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
        rows = []
        with app.app_context(), db.database.connection_context():
            if not args.seeded:
                summary = bench_seed.seed(
                    args.tasks, n_units=args.units, seed=args.seed, progress=print
                )
                print(f"[{engine}] {summary.report()}")
            if engine == "PostgreSQL":
                db.database.execute_sql("ANALYZE")
            n_units = Unit.select().where(Unit.active == True).count()  # noqa: E712
            n_tasks = Task.select().count()
            now = get_clock().now()
            for job in ("weekly_digest", "leader_summary", "due_soon"):
                # Each job in a transaction rolled back at the end: a seeded database can be
                # timed again (its period is not left claimed), and is left as it was.
                with db.database.atomic() as transaction:
                    before = OutboxMessage.select().where(OutboxMessage.kind == job).count()
                    with counting() as queries:
                        started = time.perf_counter()
                        outcome = jobs.run_job(job, now)
                        elapsed = time.perf_counter() - started
                        n_queries = queries()
                    after = OutboxMessage.select().where(OutboxMessage.kind == job).count()
                    size = sum(
                        len(m.body_text) + len(m.body_html)
                        for m in OutboxMessage.select().where(OutboxMessage.kind == job)
                    )
                    transaction.rollback()
                rows.append((job, outcome, elapsed, n_queries, after - before, size))
        db.database.close()

    print(f"\n[{engine}] {n_tasks:,} tasks over {n_units:,} units")
    print(
        f"{'job':<15} {'period':<11} {'seconds':>8} {'queries':>8} "
        f"{'queued':>7} {'per msg':>8} {'bodies':>10}"
    )
    failed = False
    for job, outcome, elapsed, n_queries, queued, size in rows:
        per = f"{elapsed / queued * 1000:.1f} ms" if queued else "-"
        verdict = ""
        if job == "weekly_digest":
            target = digest_target(n_units)
            ok = elapsed < target
            failed |= not ok
            verdict = f"  {'PASS' if ok else 'FAIL'} < {target:g} s"
        print(
            f"{job:<15} {outcome.period:<11} {elapsed:>8.2f} {n_queries:>8,} "
            f"{queued:>7,} {per:>8} {size / 1e6:>8.1f} MB{verdict}"
        )
    return 1 if failed and args.strict else 0


def digest_target(n_units: int) -> float:
    """Seconds the weekly digests may take: 5 s for a province's 150 units, 10 s for 1,000."""
    return 5.0 if n_units <= 150 else 10.0


if __name__ == "__main__":
    sys.exit(main())

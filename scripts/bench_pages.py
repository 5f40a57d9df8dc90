"""Time the home pages on a large data set (100,000 tasks by default).

Builds a fresh database — a SQLite file in a temporary directory, or, with ``--database-url``
pointing at PostgreSQL, a dedicated schema that is created here and dropped at the end — applies
the migrations, runs ``seed-bench``, logs in through the login form as the bench officer and the
bench leader (Flask test client), and prints the median and 95th percentile of their home page.

    python scripts/bench_pages.py [--tasks 100000] [--requests 20]
    python scripts/bench_pages.py --database-url postgresql://root@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from tracker import bench_seed, create_app, db

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
PAGES = [("officer", bench_seed.OFFICER, "/"), ("leader", bench_seed.LEADER, "/")]


@contextmanager
def fresh_database(url: str | None, schema: str, keep: bool) -> Iterator[str]:
    """Yield the URL of an empty database: a temporary SQLite file, or a new PostgreSQL schema."""
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


def login(client, username: str) -> None:
    """Log in through the real form (with its CSRF token)."""
    page = client.get("/login").get_data(as_text=True)
    match = TOKEN_RE.search(page)
    data = {"username": username, "password": bench_seed.PASSWORD}
    if match:
        data["csrf_token"] = match.group(1) or match.group(2)
    response = client.post("/login", data=data)
    if response.status_code != 302:
        sys.exit(f"login as {username} failed: HTTP {response.status_code}")


def measure(client, path: str, warmup: int, requests: int) -> dict:
    """Median and p95 (milliseconds) of ``requests`` GETs after ``warmup`` untimed ones."""
    for _ in range(warmup):
        client.get(path)
    samples, status, size = [], 0, 0
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        status, size = response.status_code, len(body)
    # The last of the 19 cut points into twentieths is the 95th percentile.
    p95 = (
        statistics.quantiles(samples, n=20, method="inclusive")[-1] if requests > 1 else samples[0]
    )
    return {"status": status, "bytes": size, "median": statistics.median(samples), "p95": p95}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--schema", default="bench", help="PostgreSQL schema to create and drop")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    args = parser.parse_args(argv)

    os.environ.setdefault("TRACKER_SECRET_KEY", "bench-secret-key")
    with fresh_database(args.database_url, args.schema, args.keep) as url:
        engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        app = create_app({"DATABASE_URL": url})
        db.migrate()
        with app.app_context(), db.database.connection_context():
            summary = bench_seed.seed(args.tasks, n_units=args.units, seed=args.seed)
        print(f"[{engine}] {summary.report()}")
        rows = []
        for who, username, path in PAGES:
            client = app.test_client()
            login(client, username)
            rows.append((who, username, path, measure(client, path, args.warmup, args.requests)))
        db.database.close()

    print(
        f"\n[{engine}] {args.tasks:,} tasks, {args.requests} requests after {args.warmup} warm-up"
    )
    print(f"{'page':<18} {'user':<14} {'status':>6} {'bytes':>9} {'median ms':>10} {'p95 ms':>8}")
    for who, username, path, m in rows:
        print(
            f"{who + ' ' + path:<18} {username:<14} {m['status']:>6} {m['bytes']:>9,} "
            f"{m['median']:>10.1f} {m['p95']:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

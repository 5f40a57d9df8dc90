"""Where the leader's pages spend their time, rendered anew (issue 13, item 1).

Seeds ``seed-bench --tasks N`` into a SQLite file under the system's temporary directory
(``tracker-profile/``, reused while the seeder and the day are the same), turns any whole-page
cache off (``TRACKER_PAGE_CACHE_SIZE=0``, for code from before its removal), logs in as the
bench leader through the login form of the Flask test client, then requests each of the leader's
pages with a random meeting or task each time:

    /  (the leader's home)    /dashboard/assignments    /meetings    /meetings/<random>
    /tasks/<random>           /queues/submitted         /queues/extensions    /reports/

Prints, per page, the median and the 90th percentile of the milliseconds per request, the median
CPU milliseconds of this process per request (SQLite runs inside it: the figure a shared, busy
machine disturbs least), and the SQL statements of one request. ``--profile PAGE`` runs that
page under cProfile instead and prints the functions with the most cumulative and own time;
``--json FILE`` writes the medians.

    .venv/bin/python scripts/profile_leader_pages.py [--tasks 20000] [--repeat 40]
    .venv/bin/python scripts/profile_leader_pages.py --profile meetings --repeat 100
    .venv/bin/python scripts/profile_leader_pages.py --database-url postgresql://…   # seeded DB
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "tracker-profile"
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# name -> path; {meeting} and {task} are drawn at random for each request.
PAGES = {
    "leader home": "/",
    "dashboard list": "/dashboard/assignments",
    "meetings": "/meetings",
    "meetings p2": "/meetings?page=2",
    "meeting": "/meetings/{meeting}",
    "task": "/tasks/{task}",
    "submitted queue": "/queues/submitted",
    "extensions queue": "/queues/extensions",
    "report": "/reports/",
}


def _database(args) -> str:
    """The URL of a migrated, seeded database (SQLite: built once per seeder source and day)."""
    from tracker import create_app
    from tracker.core import db
    from tracker.ops import bench_seed
    from tracker.ops.migrate import migrate

    if args.database_url:
        create_app({"DATABASE_URL": args.database_url})
        migrate()
        return args.database_url
    source = Path(bench_seed.__file__).read_bytes()
    key = hashlib.sha256(source + f"{args.tasks}:{args.units}:{date.today()}".encode()).hexdigest()[
        :12
    ]
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"leader-{args.tasks}-{key}.sqlite3"
    url = f"sqlite:///{path}"
    fresh = not path.exists()
    app = create_app({"DATABASE_URL": url})
    migrate()
    if fresh:
        with app.app_context(), db.database.connection_context():
            print(bench_seed.seed(args.tasks, n_units=args.units).report(), file=sys.stderr)
            db.database.execute_sql("PRAGMA optimize")
    db.database.close()
    return url


def _client(url: str):
    from tracker import create_app
    from tracker.ops import bench_seed

    os.environ["TRACKER_PAGE_CACHE_SIZE"] = "0"
    app = create_app({"DATABASE_URL": url, "PAGE_CACHE_SIZE": 0})
    client = app.test_client()
    token = TOKEN_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": bench_seed.LEADER, "password": bench_seed.PASSWORD},
    )
    assert response.status_code in (302, 303), response.status_code
    return app, client


def _ids(app) -> tuple[list[int], list[int]]:
    from tracker.core import db
    from tracker.models import Meeting, Task

    with app.app_context(), db.database.connection_context():
        meetings = [m for (m,) in Meeting.select(Meeting.id).tuples()]
        tasks = [t for (t,) in Task.select(Task.id).tuples()]
    return meetings, tasks


def _statements(app, client, path: str) -> int:
    from tracker.core import db

    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        client.get(path)
    return spy.call_count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page")
    parser.add_argument("--database-url", default="", help="an already seeded database")
    parser.add_argument("--profile", default="", help="a page name: cProfile it")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", default="", help="write the medians here")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    url = _database(args)
    app, client = _client(url)
    meetings, tasks = _ids(app)
    rng = random.Random(args.seed)

    def path_of(name: str) -> str:
        return PAGES[name].format(meeting=rng.choice(meetings), task=rng.choice(tasks))

    names = [args.profile] if args.profile else list(PAGES)
    for name in names:  # warm-up: templates compiled, translations loaded
        for _ in range(3):
            assert client.get(path_of(name)).status_code == 200, name

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(path_of(args.profile))
        profiler.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(out.getvalue())
        return 0

    results = {}
    print(f"{'page':<20}{'median ms':>10}{'p90 ms':>9}{'CPU ms':>9}{'SQL':>6}{'KB':>7}")
    for name in names:
        times, cpu = [], []
        size = 0
        for _ in range(args.repeat):
            path = path_of(name)
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            size = max(size, len(response.data))
        times.sort()
        median = statistics.median(times)
        p90 = times[int(len(times) * 0.9) - 1]
        sql = _statements(app, client, path_of(name))
        results[name] = {"wall": round(median, 2), "cpu": round(statistics.median(cpu), 2)}
        print(f"{name:<20}{median:>10.2f}{p90:>9.2f}{results[name]['cpu']:>9.2f}{sql:>6}", end="")
        print(f"{size / 1024:>7.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

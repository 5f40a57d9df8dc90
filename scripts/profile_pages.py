"""Where a rendered page's time goes: uncached pages through the Flask test client, profiled.

What it does (issue 13, item 1):

1. Seeds a realistic data set once: ``seed-bench --tasks N`` into a SQLite file kept under the
   system's temporary directory (``tracker-profile/``), keyed by the seed parameters, the
   seeder's source and the day; later runs reuse it (``--fresh`` builds it again).
2. Builds the application with the whole-page cache off (``PAGE_CACHE_SIZE = 0``), logs in
   through the login form as the bench officer and the bench leader, and requests each page
   ``--requests`` times in one process: the officer's home, a random unit's page (as the
   leader), a random assignment page (as the leader) and a random assignment of the officer's
   own unit (as the officer: the page with its forms). The random choices come from ``--seed``,
   so two runs on the same data request the same pages.
3. Prints, per page, the milliseconds of CPU per request (``--wall``: of the wall clock) as the
   mean of each of ``--rounds`` rounds, their median (the figure to compare: the machine is
   shared), the median request, and how many Flask-Babel catalog lookups rendering the page
   once makes. Then, with ``--profile``,
   the top functions by cumulative time per page (cProfile; pyinstrument's call tree instead
   with ``--pyinstrument`` when it is installed: ``pip install -e ".[profile]"``).

    python scripts/profile_pages.py [--tasks 20000] [--requests 100] [--rounds 3]
    python scripts/profile_pages.py --profile --top 30 --only officer_home
    python scripts/profile_pages.py --json before.json      # figures to compare later
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("PROFILE_CACHE_DIR", Path(tempfile.gettempdir()) / "tracker-profile"))
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGES = ("officer_home", "unit", "assignment", "assignment_officer")


def _key(args) -> str:
    seeder = (ROOT / "tracker" / "ops" / "bench_seed.py").read_bytes()
    digest = hashlib.sha256(seeder).hexdigest()[:10]
    day = time.strftime("%Y%m%d", time.gmtime())
    return f"t{args.tasks}-u{args.units}-s{args.seed}-{digest}-{day}"


def prepare_database(args) -> str:
    """The URL of a migrated, seeded SQLite file (reused when already built with the same key)."""
    from tracker import create_app
    from tracker.core import db
    from tracker.ops import bench_seed
    from tracker.ops.migrate import migrate

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"profile-{_key(args)}.sqlite3"
    fresh = args.fresh or not path.exists()
    if fresh:
        for old in CACHE.glob(f"{path.name}*"):
            old.unlink()
    url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url})
    migrate()
    if fresh:
        with app.app_context(), db.database.connection_context():
            print(bench_seed.seed(args.tasks, n_units=args.units, seed=args.seed).report())
            db.database.execute_sql("PRAGMA optimize")
    db.database.close()
    return url


def login(app, username: str):
    """A test client logged in through the login form (so Flask-Login sees a real login)."""
    from tracker.ops import bench_seed

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = TOKEN_RE.search(page)
    form = {"username": username, "password": bench_seed.PASSWORD}
    if match:
        form["csrf_token"] = match.group(1)
    answer = client.post("/login", data=form)
    if answer.status_code not in (302, 303):
        sys.exit(f"login as {username} failed: HTTP {answer.status_code}")
    return client


def targets(app, args) -> dict[str, tuple[object, list[str]]]:
    """Each page's client and the URLs it requests (random, from ``--seed``)."""
    from tracker.core import db
    from tracker.models import Assignment, Unit, User
    from tracker.ops import bench_seed

    rng = random.Random(args.seed)
    with app.app_context(), db.database.connection_context():
        officer = User.get(User.username == bench_seed.OFFICER)
        unit_ids = [u.id for u in Unit.select(Unit.id)]
        top = Assignment.select(Assignment.id).order_by(Assignment.id.desc()).first().id
        own = [
            a.id for a in Assignment.select(Assignment.id).where(Assignment.unit == officer.unit)
        ]
    db.database.close()
    officer_client = login(app, bench_seed.OFFICER)
    leader_client = login(app, bench_seed.LEADER)
    n = args.requests
    return {
        "officer_home": (officer_client, ["/"] * n),
        "unit": (leader_client, [f"/units/{rng.choice(unit_ids)}" for _ in range(n)]),
        "assignment": (leader_client, [f"/assignments/{rng.randint(1, top)}" for _ in range(n)]),
        "assignment_officer": (
            officer_client,
            [f"/assignments/{rng.choice(own)}" for _ in range(n)],
        ),
    }


def run(client, urls: list[str], clock=time.process_time) -> list[float]:
    """Milliseconds per request (every answer must be a page: 200, or 404 for a gap in ids).

    By default the process's CPU time, not the wall clock: the machine is shared, and time
    spent waiting for a CPU another process holds is not the page's cost.
    """
    times = []
    for url in urls:
        start = clock()
        answer = client.get(url)
        answer.get_data()
        times.append((clock() - start) * 1000)
        if answer.status_code not in (200, 404):
            sys.exit(f"{url}: HTTP {answer.status_code}")
    return times


def profile(name: str, client, urls: list[str], args) -> None:
    """The page's top functions by cumulative time (or pyinstrument's tree)."""
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        run(client, urls)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    run(client, urls)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    for pattern in args.callers or []:
        stats.print_callers(pattern)
    print(f"--- {name}: top {args.top} functions by {args.sort} time ({len(urls)} requests)")
    print(out.getvalue().split("\n", 4)[-1] if args.trim else out.getvalue())


def gettext_calls(client, url: str) -> int:
    """How many times the translation catalog is asked for while rendering ``url`` once.

    Every Flask-Babel lookup (``_()`` in a template, ``gettext`` in Python) starts with
    ``Domain.get_translations``: counting its calls counts the lookups that went to Flask-Babel.
    """
    from flask_babel import Domain

    calls = 0
    original = Domain.get_translations

    def counting(self):
        nonlocal calls
        calls += 1
        return original(self)

    Domain.get_translations = counting
    try:
        client.get(url).get_data()
    finally:
        Domain.get_translations = original
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=PAGES, action="append", help="these pages only")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument's call tree")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order, e.g. tottime")
    parser.add_argument("--callers", action="append", help="also who calls functions matching")
    parser.add_argument("--trim", action="store_true", help="no pstats header")
    parser.add_argument("--locale", choices=("vi", "en"), default="vi")
    parser.add_argument("--wall", action="store_true", help="wall-clock time, not CPU time")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    args = parser.parse_args()

    os.environ["TRACKER_PAGE_CACHE_SIZE"] = "0"
    url = prepare_database(args)
    from tracker import create_app

    app = create_app({"DATABASE_URL": url, "PAGE_CACHE_SIZE": 0})
    pages = targets(app, args)
    if args.locale == "en":
        for client, _urls in pages.values():
            with client.session_transaction() as session:
                session["locale"] = "en"
    chosen = args.only or list(PAGES)
    for name in chosen:  # warm up: templates compiled, connections opened
        client, urls = pages[name]
        run(client, urls[:5])

    figures: dict[str, dict[str, float]] = {}
    clock = time.perf_counter if args.wall else time.process_time
    kind = "wall-clock" if args.wall else "CPU"
    print(
        f"{args.tasks} tasks, {args.requests} requests per page, {args.rounds} rounds, cache off,"
    )
    print(f"{kind} ms per request; lookups: Flask-Babel catalog lookups while rendering once")
    print(f"{'page':<20}{'median of means':>17}{'rounds (mean ms)':>44}{'p50':>8}{'lookups':>9}")
    for name in chosen:
        client, urls = pages[name]
        means, everything = [], []
        for _round in range(args.rounds):
            times = run(client, urls, clock)
            means.append(statistics.fmean(times))
            everything += times
        lookups = gettext_calls(client, urls[0])
        figures[name] = {
            "median_ms": round(statistics.median(means), 2),
            "rounds_ms": [round(m, 2) for m in means],
            "p50_ms": round(statistics.median(everything), 2),
            "gettext_calls": lookups,
        }
        rounds = ", ".join(f"{m:.2f}" for m in means)
        print(
            f"{name:<20}{statistics.median(means):>14.2f} ms{rounds:>44}"
            f"{statistics.median(everything):>8.2f}{lookups:>9}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    if args.profile or args.pyinstrument:
        for name in chosen:
            client, urls = pages[name]
            profile(name, client, urls, args)


if __name__ == "__main__":
    main()

"""Performance budget: what users meet, uncached, on 100,000 tasks, as ratios of a minimal page.

What it does (issue 13, item 3):

1. Builds the data set once: ``seed-bench --tasks N --units U`` into a SQLite file kept under
   the system's temporary directory (``tracker-bench/``), keyed by the seed parameters, the
   seeder's source and the day (the seeder's data is relative to today); later runs reuse it and
   only apply new migrations. With ``--database-url postgresql://…`` the same happens in a
   PostgreSQL schema (``bench`` by default), kept for the next run unless ``--drop``.
2. Serves the application with gunicorn, 2 sync workers, ``--preload`` as docs/deployment.md
   runs it, on a free port of 127.0.0.1; every answer is rendered anew (there is no page
   cache). The same gunicorn
   serves a minimal Flask application (one view returning a short string) under
   ``/bench-minimal``: the baseline, measured in the same run, on the same workers.
3. Logs in through the login form as the bench officer and the bench leader, then drives each
   page with ``wrk`` (16 connections, one client thread, the session cookie as a header) for
   ``--duration`` seconds, after a short warm-up: the officer's home, a random unit's page and
   a random assignment's page (a wrk Lua script picks each request's id from a list drawn from
   the database: no two requests need ask the same page), the leader's home and the report
   page. Without ``wrk`` (``apt-get install wrk``) a Python client with 16 threads picks the
   same way (its figures are lower: it competes with the server for the CPU).
4. Samples the two workers' resident memory (``/proc/<pid>/status``) every 0.2 s while the
   pages are driven and prints the peak of their sum.
5. Prints, per page: requests per second, p50/p99 latency, the largest HTML of the pages asked
   before the run, the ratio to the minimal page, and PASS/FAIL against the targets printed
   beside them; ``--strict`` makes any FAIL the exit status.

    python scripts/bench_pages.py [--tasks 100000] [--units 150] [--duration 10]
    python scripts/bench_pages.py --database-url postgresql://root@127.0.0.1:5432/test
    python scripts/bench_pages.py --seeded "postgresql://…?options=-csearch_path%3Dprovince"
    python scripts/bench_pages.py --floor    # also /queues/counts and an empty /notifications

``--seeded URL`` benches a database seeded before with ``tracker seed-bench`` (a province's
million tasks, ``make bench-province``) as it is: nothing is seeded or dropped, new migrations
are applied, and the tasks and units are counted from it. It needs the bench users
``bench.officer`` and ``bench.leader`` that ``seed-bench`` creates.

Targets (issue 13): a random unit's page and a random assignment page at least 0.12 of the
minimal page's requests per second, the leader's home at least 0.10; p99 under 50 ms, of one
connection's requests (with 16 connections on 2 sync workers a request waits for about 8
others); the report page informative (it aggregates a year); PostgreSQL at least two-thirds
of SQLite (the SQLite figures of the same machine are kept in the cache directory between the
two runs); two workers at most 150 MiB together; every page's HTML at most 15 KB.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("BENCH_CACHE_DIR", Path(tempfile.gettempdir()) / "tracker-bench"))
MINIMAL_PREFIX = "/bench-minimal"
MAX_HTML = 15 * 1024
PG_SHARE = 2 / 3  # PostgreSQL's requests per second, at least this share of SQLite's
MAX_P99_MS = 50.0
MAX_RSS_MIB = 150.0
SAMPLE_IDS = 2000  # random assignments the client picks from
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": ?"([^"]+)"')


# --- the WSGI application gunicorn serves (imported in each worker, after the fork) ---------


def wsgi_app():
    """The tracker, plus a minimal Flask page under /bench-minimal (gunicorn's app factory)."""
    from flask import Flask
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    try:
        from tracker.wsgi import app as tracker_app
    except ImportError:
        from tracker import create_app

        tracker_app = create_app()
    minimal = Flask("bench_minimal")

    @minimal.route("/")
    def hello():
        return "Xin chào"

    tracker_app.wsgi_app = DispatcherMiddleware(tracker_app.wsgi_app, {MINIMAL_PREFIX: minimal})
    return tracker_app


# --- the data set ------------------------------------------------------------------------------


def _key(args) -> str:
    # The seeder's dates are relative to today: a new day builds a new data set.
    seeder = (ROOT / "tracker" / "ops" / "bench_seed.py").read_bytes()
    digest = hashlib.sha256(seeder).hexdigest()[:10]
    day = time.strftime("%Y%m%d", time.gmtime())
    return f"t{args.tasks}-u{args.units}-s{args.seed}-{digest}-{day}"


def _pg_execute(url: str, sql: str, fetch: bool = False):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if fetch else None
    finally:
        conn.close()


def prepare_database(args) -> tuple[str, list[int], list[int]]:
    """The URL of a migrated, seeded database (reused when already built with the same key)."""
    from tracker import create_app
    from tracker.core import db
    from tracker.ops import bench_seed
    from tracker.ops.migrate import migrate

    key = _key(args)
    if args.database_url.startswith("postgres"):
        schema = args.schema
        sep = "&" if "?" in args.database_url else "?"
        url = f"{args.database_url}{sep}options={quote(f'-csearch_path={schema}')}"
        rows = _pg_execute(
            args.database_url,
            f"SELECT obj_description(oid) FROM pg_namespace WHERE nspname = '{schema}'",
            fetch=True,
        )
        fresh = args.fresh or not rows or rows[0][0] != key
        if fresh:
            _pg_execute(args.database_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            _pg_execute(args.database_url, f'CREATE SCHEMA "{schema}"')
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"bench-{key}.sqlite3"
        fresh = args.fresh or not path.exists()
        if fresh:
            for old in CACHE.glob(f"bench-{key}.sqlite3*"):
                old.unlink()
        url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url})
    applied = migrate()
    if fresh:
        with app.app_context(), db.database.connection_context():
            summary = bench_seed.seed(
                args.tasks, n_units=args.units, seed=args.seed, progress=print
            )
        print(summary.report())
        if url.startswith("postgres"):
            _pg_execute(args.database_url, f"COMMENT ON SCHEMA \"{args.schema}\" IS '{key}'")
    else:
        print(f"Reusing the seeded database ({key}); migrations applied now: {applied or 'none'}")
    if url.startswith("postgres"):
        _vacuum(url)
    with app.app_context(), db.database.connection_context():
        if not url.startswith("postgres"):
            db.database.execute_sql("PRAGMA optimize")
        units, assignments = _ids_to_ask()
    db.database.close()
    return url, units, assignments


def _vacuum(url: str) -> None:
    """VACUUM ANALYZE the tables of the schema ``url`` searches first, as autovacuum does for a
    database in use: a table just filled by COPY has no visibility map yet, so every
    index-only scan (a unit's list, the counts) would still visit the table's rows."""
    (schema,) = _pg_execute(url, "SELECT current_schema()", fetch=True)[0]
    tables = _pg_execute(
        url,
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
        "FROM information_schema.tables "
        f"WHERE table_schema = '{schema}' AND table_type = 'BASE TABLE'",
        fetch=True,
    )
    if tables:
        _pg_execute(url, "VACUUM (ANALYZE) " + ", ".join(name for (name,) in tables))


def seeded_database(url: str) -> tuple[str, list[int], list[int], int, int]:
    """A database seeded before (``--seeded``): migrated, analyzed, and checked to hold the
    bench users; its URL, the ids to ask, and its numbers of tasks and active units."""
    from tracker import create_app
    from tracker.core import db
    from tracker.models import Task, Unit, User
    from tracker.ops import bench_seed
    from tracker.ops.migrate import migrate

    app = create_app({"DATABASE_URL": url})
    applied = migrate()
    print(f"Benching the seeded database as it is; migrations applied now: {applied or 'none'}")
    if url.startswith("postgres"):
        _vacuum(url)
    with app.app_context(), db.database.connection_context():
        found = {
            name
            for (name,) in User.select(User.username)
            .where(User.username.in_([bench_seed.OFFICER, bench_seed.LEADER]))
            .tuples()
        }
        missing = sorted({bench_seed.OFFICER, bench_seed.LEADER} - found)
        if missing:
            sys.exit(f"--seeded: no user {', '.join(missing)} (seed it with tracker seed-bench)")
        tasks = Task.select().count()
        units = Unit.select().where(Unit.active == True).count()  # noqa: E712
        unit_ids, assignments = _ids_to_ask()
    db.database.close()
    return url, unit_ids, assignments, tasks, units


def _ids_to_ask() -> tuple[list[int], list[int]]:
    """The active units and a random sample of assignments: the ids the client picks from."""
    from peewee import fn

    from tracker.models import Assignment, Unit

    units = [u for (u,) in Unit.select(Unit.id).where(Unit.active == True).tuples()]  # noqa: E712
    assignments = [
        a
        for (a,) in Assignment.select(Assignment.id)
        .order_by(fn.Random())
        .limit(SAMPLE_IDS)
        .tuples()
    ]
    return units, assignments


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        TRACKER_DATABASE_URL=url,
        TRACKER_SECRET_KEY=env.get("TRACKER_SECRET_KEY", "bench-secret-key"),
        TRACKER_BENCH="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "scripts"), env.get("PYTHONPATH", "")]),
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        # As docs/deployment.md runs it: the application loaded once, before the fork.
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench_pages:wsgi_app()",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {proc.returncode})")
        try:
            status, _, _ = request(port, "GET", MINIMAL_PREFIX + "/")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def request(port: int, method: str, path: str, headers=None, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def _cookies(headers, jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            k, _, v = pair.partition("=")
            jar[k.strip()] = v.strip()


def login(port: int, username: str) -> str:
    """Log in through the form; return the Cookie header of the session."""
    from urllib.parse import urlencode

    from tracker.ops import bench_seed

    jar: dict[str, str] = {}
    status, headers, body = request(port, "GET", "/login")
    _cookies(headers, jar)
    match = TOKEN_RE.search(body.decode())
    form = {"username": username, "password": bench_seed.PASSWORD}
    if match:
        form["csrf_token"] = match.group(1) or match.group(2)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        urlencode(form).encode(),
    )
    if status != 302:
        sys.exit(f"login as {username} failed: HTTP {status}")
    _cookies(headers, jar)
    # Then the page the login leads to, as a browser would: the session it sends back holds
    # the new session's CSRF token, so the pages driven later find it there rather than each
    # making one and signing the session anew (which a browser, keeping cookies, never sees
    # twice: wrk sends the same cookie with every request).
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = request(port, "GET", "/", {"Cookie": cookie})
    if status != 200:
        sys.exit(f"the home page after the login as {username}: HTTP {status}")
    _cookies(headers, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- load ---------------------------------------------------------------------------------------


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _random_script(paths: list[str]) -> str:
    """A wrk script that asks one of ``paths``, picked at random, per request."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    listed = ",\n".join(json.dumps(p) for p in paths)
    with script:
        script.write(
            f"paths = {{\n{listed}\n}}\n"
            "math.randomseed(os.time())\n"
            "request = function()\n"
            "  return wrk.format('GET', paths[math.random(#paths)])\n"
            "end\n"
        )
    return script.name


def run_wrk(port: int, paths: list[str], cookie: str, seconds: float, connections: int) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    script = _random_script(paths) if len(paths) > 1 else None
    if script:
        cmd += ["-s", script]
    try:
        out = subprocess.run(
            [*cmd, f"http://127.0.0.1:{port}{paths[0]}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        if script:
            os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # Anchored: "78.99%" in the thread statistics must not be read as the 99th percentile.
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def run_python(port: int, paths: list[str], cookie: str, seconds: float, connections: int) -> dict:
    """The fallback: ``connections`` threads, one request per connection (as sync workers),
    each request's path picked at random from ``paths``."""
    import random

    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine, bad = [], 0
        # At least two requests each, so a slow page on a loaded machine still has a p99.
        while time.monotonic() < stop or len(mine) < 2:
            started = time.perf_counter()
            url = random.choice(paths)
            status, _, _ = request(port, "GET", url, {"Cookie": cookie} if cookie else {})
            mine.append((time.perf_counter() - started) * 1000)
            bad += status != 200
        with lock:
            samples.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "rps": len(samples) / elapsed,
        "p50": q[49],
        "p99": q[98],
        "errors": errors[0],
        "socket_errors": "",
    }


def warm_up(port: int, paths: list[str], cookie: str, seconds: float, workers: int) -> None:
    """Sequential requests (at least two per worker, for ``seconds``): each worker fills its
    caches, and no queue of requests from a closed client is left to slow the measurement
    (a sync worker still answers requests whose client has gone)."""
    stop = time.monotonic() + seconds
    done = 0
    while done < 2 * workers or time.monotonic() < stop:
        request(port, "GET", paths[done % len(paths)], {"Cookie": cookie} if cookie else {})
        done += 1


class MemorySampler(threading.Thread):
    """The peak of the summed resident memory of the gunicorn master's children (the workers),
    read from /proc every ``every`` seconds until stopped."""

    def __init__(self, master: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.master, self.every = master, every
        self.peak_kib = 0
        self.done = threading.Event()

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.master}/task/{self.master}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    @staticmethod
    def rss_kib(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self) -> None:
        while not self.done.wait(self.every):
            total = sum(self.rss_kib(pid) for pid in self.workers())
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> float:
        """Stop; the peak in MiB (0 where /proc is not there)."""
        self.done.set()
        self.join()
        return self.peak_kib / 1024


# --- the run ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--schema", default="bench", help="PostgreSQL schema (kept for reuse)")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL schema at the end")
    parser.add_argument("--fresh", action="store_true", help="seed again even if cached")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--seeded",
        default="",
        metavar="URL",
        help="a database already seeded with seed-bench: bench it as it is (no seeding)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also the floor: the navigation's counts alone and an empty page with the navigation",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TRACKER_SECRET_KEY", "bench-secret-key")
    if args.seeded:
        url, unit_ids, assignment_ids, args.tasks, args.units = seeded_database(args.seeded)
    else:
        url, unit_ids, assignment_ids = prepare_database(args)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    drive = run_wrk if client == "wrk" else run_python

    from tracker.ops import bench_seed

    port = free_port()
    server = start_server(url, port, args.workers)
    memory = MemorySampler(server.pid)
    try:
        officer = login(port, bench_seed.OFFICER)
        leader = login(port, bench_seed.LEADER)
        # name, paths (one picked per request), session, ratio target, p99 target
        pages = [
            ("minimal Flask page", [MINIMAL_PREFIX + "/"], "", None, None),
            ("officer's home", ["/"], officer, None, MAX_P99_MS),
            ("random unit's page", [f"/units/{u}" for u in unit_ids], leader, 0.12, MAX_P99_MS),
            (
                "random assignment page",
                [f"/assignments/{a}" for a in assignment_ids],
                leader,
                0.12,
                MAX_P99_MS,
            ),
            ("leader's home", ["/"], leader, 0.10, MAX_P99_MS),
            ("report page", ["/reports/"], leader, None, None),
        ]
        if args.floor:
            # What every signed-in page costs before its own content (no targets): the
            # session, the user and two small statements with a fragment; then the base page
            # and its navigation around an empty list (the bench leader has no notification).
            pages[1:1] = [
                ("floor: nav counts alone", ["/queues/counts"], leader, None, None),
                ("floor: empty page", ["/notifications"], leader, None, None),
            ]
        results = []
        memory.start()
        for name, paths, cookie, target, p99_target in pages:
            size = 0
            for path in paths[:5]:  # the largest of a few: every page must stay small
                status, headers, body = request(
                    port, "GET", path, {"Cookie": cookie} if cookie else {}
                )
                if status != 200:
                    sys.exit(f"{name} {path}: HTTP {status}")
                if any(h.lower() == "set-cookie" for h, _ in headers):
                    # wrk would send the old cookie again: every request would change it.
                    sys.exit(f"{name} {path}: the page changed the session (Set-Cookie)")
                size = max(size, len(body))
            warm_up(port, paths, cookie, args.warmup, args.workers)
            # One connection first (nothing queued yet): the time a request takes when it does
            # not wait behind 15 others.
            alone = run_python(port, paths, cookie, max(2.0, args.duration / 3), 1)
            m = drive(port, paths, cookie, args.duration, args.connections)
            m.update(name=name, bytes=size, target=target, p99_target=p99_target)
            m.update(p50_alone=alone["p50"], p99_alone=alone["p99"])
            results.append(m)
    finally:
        peak_mib = memory.stop() if memory.is_alive() else 0.0
        stop_server(server)

    base = results[0]["rps"]
    sqlite_rps: dict[str, float] = {}
    saved = CACHE / f"sqlite-rps-{args.tasks}-{args.units}.json"
    if engine == "PostgreSQL":
        if saved.exists():
            sqlite_rps = json.loads(saved.read_text())
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps({r["name"]: r["rps"] for r in results}))

    print(
        f"\n[{engine}] {args.tasks:,} tasks, {args.units} units · gunicorn {args.workers} sync "
        f"workers, --preload, uncached · {args.connections} connections · {args.duration:g} s per "
        f"page · client: {client}"
    )
    print(
        f"{'':<24} {'':>8} {'16 connections':^15} {'1 connection':^15}\n"
        f"{'page':<24} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>7} {'HTML':>7} {'ratio':>6}  targets"
    )
    failed = False

    def check(ok: bool, label: str) -> str:
        nonlocal failed
        failed |= not ok
        return f"{'PASS' if ok else 'FAIL'} {label}"

    for r in results:
        ratio = r["rps"] / base if base else 0.0
        verdicts = []
        if r["name"] != results[0]["name"]:
            if r["target"] is not None:
                verdicts.append(check(ratio >= r["target"], f"ratio>={r['target']}"))
            if r["p99_target"] is not None:
                verdicts.append(
                    check(r["p99_alone"] < r["p99_target"], f"p99<{r['p99_target']:g}ms")
                )
            verdicts.append(check(r["bytes"] <= MAX_HTML, "HTML<=15KB"))
            if engine == "PostgreSQL" and r["name"] in sqlite_rps and r["target"] is not None:
                ref = sqlite_rps[r["name"]]
                verdicts.append(check(r["rps"] >= ref * PG_SHARE, f">=2/3 SQLite ({ref:.0f})"))
            verdicts.append(check(r["errors"] == 0, "no errors"))
        print(
            f"{r['name']:<24.24} {r['rps']:>8.1f} {r['p50']:>7.1f} {r['p99']:>7.1f} "
            f"{r['p50_alone']:>7.1f} {r['p99_alone']:>7.1f} "
            f"{r['errors']:>7} {r['bytes']:>7,} {ratio:>6.3f}  {', '.join(verdicts)}"
        )
        if r["socket_errors"]:
            print(f"    socket errors: {r['socket_errors']}")
    if peak_mib:
        verdict = check(peak_mib <= MAX_RSS_MIB, f"<= {MAX_RSS_MIB:g} MiB")
        print(f"peak RSS of the {args.workers} workers together: {peak_mib:.0f} MiB  {verdict}")
    if args.drop and engine == "PostgreSQL" and not args.seeded:
        _pg_execute(args.database_url, f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE')
    print("\ntargets:", "FAIL" if failed else "all met")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

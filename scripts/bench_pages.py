"""Performance budget: pages under load on 100,000 tasks, each as a ratio of a minimal Flask page.

What it does (issue 7, item 6):

1. Builds the data set once: ``seed-bench --tasks N`` into a SQLite file kept under the system's
   temporary directory (``tracker-bench/``), keyed by the seed parameters, the seeder's source and
   the day (the seeder's data is relative to today); later runs reuse it and only apply new
   migrations. With ``--database-url postgresql://…`` the same happens in a PostgreSQL schema
   (``bench`` by default), kept for the next run unless ``--drop``.
2. Serves the application with gunicorn, 2 sync workers, on a free port of 127.0.0.1. The same
   gunicorn serves a minimal Flask application (one view returning a short string) under
   ``/bench-minimal``: the baseline, measured in the same run, on the same workers.
3. Logs in through the login form as the bench officer and the bench leader, then drives each page
   with ``wrk`` (16 connections, one client thread, the session cookie as a header) for
   ``--duration`` seconds, after a short warm-up. ``wrk`` is a small C program: it competes far
   less for the 2 CPUs than a Python client would. Without ``wrk`` (``apt-get install wrk``) a
   Python client with 16 threads is used instead and the table says so (its figures are lower).
4. Prints, per page: requests per second, p50/p99 latency, HTML size, the ratio to the minimal
   page, and PASS/FAIL against the budget; ``--strict`` makes any FAIL the exit status.

    python scripts/bench_pages.py [--tasks 100000] [--duration 10]
    python scripts/bench_pages.py --database-url postgresql://root@127.0.0.1:5432/test
    python scripts/bench_pages.py --compare-sqlite 420,380,300   # PostgreSQL within 1.5x

Budget: officer's home and assignment page >= 0.17 of the minimal page's requests per second,
leader's home >= 0.15, every page's HTML <= 15 KB, PostgreSQL >= SQLite / 1.5 (the SQLite
figures of the same machine are remembered in the cache directory between the two runs).
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
PG_FACTOR = 1.5
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


def prepare_database(args) -> tuple[str, int]:
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
            summary = bench_seed.seed(args.tasks, n_units=args.units, seed=args.seed)
        print(summary.report())
        if url.startswith("postgres"):
            _pg_execute(args.database_url, f"COMMENT ON SCHEMA \"{args.schema}\" IS '{key}'")
    else:
        print(f"Reusing the seeded database ({key}); migrations applied now: {applied or 'none'}")
    with app.app_context(), db.database.connection_context():
        if url.startswith("postgres"):
            db.database.execute_sql("ANALYZE")
        else:
            db.database.execute_sql("PRAGMA optimize")
        target = _assignment_to_show()
    db.database.close()
    return url, target


def _assignment_to_show() -> int:
    """The bench officer's assignment with the longest timeline (a page with real content)."""
    from peewee import fn

    from tracker.models import Assignment, AuditEvent, User
    from tracker.ops import bench_seed

    officer = User.get(User.username == bench_seed.OFFICER)
    row = (
        Assignment.select(Assignment.id, fn.COUNT(AuditEvent.id).alias("n"))
        .join(AuditEvent, on=(AuditEvent.assignment == Assignment.id))
        .where(Assignment.unit == officer.unit_id)
        .group_by(Assignment.id)
        .order_by(fn.COUNT(AuditEvent.id).desc(), Assignment.id)
        .first()
    )
    if row is None:
        row = Assignment.select(Assignment.id).where(Assignment.unit == officer.unit_id).first()
    return row.id


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
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- load ---------------------------------------------------------------------------------------


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _fresh_script(path: str) -> str:
    """A wrk script that asks ``path`` with a new query string each time (no cached page)."""
    sep = "&" if "?" in path else "?"
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    with script:
        script.write(
            "counter = 0\n"
            "request = function()\n"
            "  counter = counter + 1\n"
            f'  return wrk.format("GET", "{path}{sep}fresh=" .. counter)\n'
            "end\n"
        )
    return script.name


def run_wrk(
    port: int, path: str, cookie: str, seconds: float, connections: int, fresh: bool = False
) -> dict:
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
    script = _fresh_script(path) if fresh else None
    if script:
        cmd += ["-s", script]
    try:
        out = subprocess.run(
            [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
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


def run_python(
    port: int, path: str, cookie: str, seconds: float, connections: int, fresh: bool = False
) -> dict:
    """The fallback: ``connections`` threads, one request per connection (as sync workers)."""
    samples: list[float] = []
    counter = iter(range(1, 10**9))
    sep = "&" if "?" in path else "?"
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine, bad = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            url = f"{path}{sep}fresh={next(counter)}" if fresh else path
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


def warm_up(port: int, path: str, cookie: str, seconds: float, workers: int) -> None:
    """Sequential requests (at least two per worker, for ``seconds``): each worker fills its
    caches, and no queue of requests from a closed client is left to slow the measurement
    (a sync worker still answers requests whose client has gone)."""
    stop = time.monotonic() + seconds
    done = 0
    while done < 2 * workers or time.monotonic() < stop:
        request(port, "GET", path, {"Cookie": cookie} if cookie else {})
        done += 1


# --- the run ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=40)
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
    parser.add_argument("--compare-sqlite", default="", help="SQLite rps per page, comma-separated")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--no-rendered",
        dest="rendered",
        action="store_false",
        help="skip the informative rows of pages rendered anew (page cache missed)",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TRACKER_SECRET_KEY", "bench-secret-key")
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    url, assignment_id = prepare_database(args)

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    drive = run_wrk if client == "wrk" else run_python

    from tracker.ops import bench_seed

    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        officer = login(port, bench_seed.OFFICER)
        leader = login(port, bench_seed.LEADER)
        assignment = f"/assignments/{assignment_id}"
        pages = [
            ("minimal Flask page", MINIMAL_PREFIX + "/", "", None, False),
            ("officer home /", "/", officer, 0.17, False),
            (f"assignment {assignment}", assignment, officer, 0.17, False),
            ("leader home /", "/", leader, 0.15, False),
        ]
        if args.rendered:
            # The same pages with a new query string each time: every answer rendered anew,
            # as after a change of data (no target: what the page cache saves).
            pages += [
                ("  rendered: officer home", "/", officer, None, True),
                ("  rendered: assignment", assignment, officer, None, True),
                ("  rendered: leader home", "/", leader, None, True),
            ]
        results = []
        for name, path, cookie, target, fresh in pages:
            status, _, body = request(port, "GET", path, {"Cookie": cookie} if cookie else {})
            if status != 200:
                sys.exit(f"{name}: HTTP {status}")
            warm_up(port, path, cookie, args.warmup, args.workers)
            m = drive(port, path, cookie, args.duration, args.connections, fresh=fresh)
            m.update(name=name, bytes=len(body), target=target)
            results.append(m)
    finally:
        stop_server(server)

    base = results[0]["rps"]
    sqlite_rps: list[float] = []
    saved = CACHE / f"sqlite-rps-{args.tasks}.json"
    if engine == "PostgreSQL":
        if args.compare_sqlite:
            sqlite_rps = [float(x) for x in args.compare_sqlite.split(",")]
        elif saved.exists():
            sqlite_rps = json.loads(saved.read_text())
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps([r["rps"] for r in results[1:]]))

    print(
        f"\n[{engine}] {args.tasks:,} tasks · gunicorn {args.workers} sync workers · "
        f"{args.connections} connections · {args.duration:g} s per page · client: {client}"
    )
    print(
        f"{'page':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>7} {'HTML':>8} "
        f"{'ratio':>6}  verdict"
    )
    failed = False
    for i, r in enumerate(results):
        ratio = r["rps"] / base if base else 0.0
        verdicts = []
        if r["target"] is not None:
            ok = ratio >= r["target"]
            verdicts.append(f"{'PASS' if ok else 'FAIL'} ratio>={r['target']}")
            ok_size = r["bytes"] <= MAX_HTML
            verdicts.append(f"{'PASS' if ok_size else 'FAIL'} <=15KB")
            failed |= not ok or not ok_size
            if engine == "PostgreSQL" and len(sqlite_rps) >= i:
                ref = sqlite_rps[i - 1]
                ok_pg = r["rps"] >= ref / PG_FACTOR
                verdicts.append(f"{'PASS' if ok_pg else 'FAIL'} >=SQLite/1.5 ({ref:.0f})")
                failed |= not ok_pg
            failed |= r["errors"] > 0
        print(
            f"{r['name']:<32.32} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['errors']:>7} {r['bytes']:>8,} {ratio:>6.3f}  {', '.join(verdicts)}"
        )
        if r["socket_errors"]:
            print(f"    socket errors: {r['socket_errors']}")
    if args.drop and engine == "PostgreSQL":
        _pg_execute(args.database_url, f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE')
    print("\nbudget:", "FAIL" if failed else "PASS")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The wheel works on its own: build it, install it into a fresh virtual environment, and from a
# folder outside the checkout migrate a SQLite database, load the demo, serve the app and check
# that /login, its stylesheets and the English translation answer. Exits non-zero on a failure.
# PYTHON (default python3) builds the wheel and makes the virtual environment.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tracker-wheel-check.XXXXXX")"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "wheel-check FAILED: $*" >&2
  if [ -s "$WORK/out.log" ]; then
    echo "--- output (last 30 lines) ---" >&2
    tail -n 30 "$WORK/out.log" >&2
  fi
  exit 1
}

# Run a command with its output kept in out.log; print its last line.
quiet() {
  "$@" >"$WORK/out.log" 2>&1 || return 1
  echo "   $(grep -v -m 1 '^{' "$WORK/out.log" || true)"  # its first line that is not a log line
}

echo "== building the wheel"
(cd "$ROOT" && "$PYTHON" -m pip wheel . --no-deps --quiet -w "$WORK/dist") || fail "pip wheel"
WHEELS=("$WORK"/dist/tracker-*.whl)
WHEEL="${WHEELS[0]}"
[ -f "$WHEEL" ] || fail "no tracker-*.whl in $WORK/dist"
echo "   $(basename "$WHEEL")"

echo "== checking its contents"
"$PYTHON" - "$WHEEL" <<'EOF' || fail "the wheel lacks data files"
import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
required = [
    "tracker/_data/templates/base.html",
    "tracker/_data/templates/auth/login.html",
    "tracker/_data/static/css/app.css",
    "tracker/_data/migrations/0001_initial.py",
    "tracker/_data/translations/en/LC_MESSAGES/messages.mo",
]
missing = [name for name in required if name not in names]
for folder in ("templates", "static", "migrations", "translations"):
    count = sum(1 for n in names if n.startswith(f"tracker/_data/{folder}/"))
    print(f"   tracker/_data/{folder}/: {count} files")
if missing:
    print("missing: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
EOF

echo "== installing it into a fresh virtual environment"
"$PYTHON" -m venv "$WORK/venv" || fail "python -m venv"
VENV_BIN="$WORK/venv/bin"
"$VENV_BIN/pip" install --quiet "$WHEEL" || fail "pip install $(basename "$WHEEL")"

# From outside the checkout, nothing of it on the path: only the installed package counts.
mkdir -p "$WORK/run"
cd "$WORK/run"
unset PYTHONPATH FLASK_APP
export TRACKER_DATABASE_URL="sqlite:///$WORK/run/tracker.sqlite3"

"$VENV_BIN/python" - "$WORK/venv" <<'EOF' || fail "the installed package does not use its own data"
import sys
from pathlib import Path

import tracker
from tracker.core.paths import resource_dir

venv = Path(sys.argv[1]).resolve()
for name in ("templates", "static", "translations", "migrations"):
    folder = resource_dir(name)
    if venv not in folder.resolve().parents or not folder.is_dir():
        sys.exit(f"{name}: {folder} is not a folder inside {venv} ({tracker.__file__})")
    print(f"   {name}: {folder}")
EOF

echo "== tracker init-db"
quiet "$VENV_BIN/tracker" init-db || fail "tracker init-db"
echo "== tracker load-demo"
quiet "$VENV_BIN/tracker" load-demo || fail "tracker load-demo"

PORT="$("$VENV_BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "== tracker run --port $PORT"
"$VENV_BIN/tracker" run --host 127.0.0.1 --port "$PORT" >"$WORK/out.log" 2>&1 &
SERVER_PID=$!

"$VENV_BIN/python" - "http://127.0.0.1:$PORT" "$SERVER_PID" <<'EOF' || fail "the served app"
"""Wait for the server, then check /login, its stylesheets and the English version."""

import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

base, pid = sys.argv[1], int(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def get(path, data=None):
    """(status, content type, body) of one request; HTTP errors are answers too."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(base + path, data=body, timeout=20) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode(errors="replace")


deadline = time.monotonic() + 60
while True:
    try:
        status, ctype, html = get("/login")
        break
    except (urllib.error.URLError, ConnectionError):
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit("the server stopped before answering")
        if time.monotonic() > deadline:
            sys.exit("the server did not answer within 60 s")
        time.sleep(0.5)

failures = []
if status != 200 or ctype != "text/html":
    failures.append(f"/login answered {status} {ctype}")
print(f"   /login: {status} {ctype}")
sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
if not sheets:
    failures.append("/login links no stylesheet")
for href in sheets:
    status, ctype, _ = get(href)
    print(f"   {href}: {status} {ctype}")
    if status != 200 or ctype != "text/css":
        failures.append(f"{href} answered {status} {ctype}")
    if not re.search(r"\.[0-9a-f]{10}\.css$", href):
        failures.append(f"{href} is not a fingerprinted name")

# The language switch: the EN button's form posts locale=en with its CSRF token.
if "<h1>Đăng nhập</h1>" not in html:
    failures.append("/login is not in Vietnamese by default")
token = re.search(r'name="csrf_token" value="([^"]+)"', html)
if token is None:
    failures.append("/login has no CSRF token for the language switch")
else:
    data = {"csrf_token": token.group(1), "next": "/login", "locale": "en"}
    status, ctype, html = get("/language", data)
    english = status == 200 and '<html lang="en">' in html and "<h1>Log in</h1>" in html
    print(f"   /language locale=en: {status}, English /login: {'yes' if english else 'no'}")
    if not english:
        failures.append("after switching to English, /login is not in English")

if failures:
    sys.exit("\n".join(failures))
EOF

echo "wheel-check passed: the installed wheel migrates, loads the demo and serves its pages"

"""The WSGI entry point for gunicorn: ``gunicorn 'tracker.wsgi:app'``.

Building the application opens no database connection: each worker connects on its first
request, after gunicorn has forked it (a SQLite or PostgreSQL connection must never be shared
between processes). Settings come from the TRACKER_* environment variables.
"""

from __future__ import annotations

from tracker import create_app

app = create_app()

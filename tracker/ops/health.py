"""``GET /health``: is this worker able to serve? For load balancers and monitoring.

Public on purpose (no login): it says only whether the database answers and whether its
schema is up to date, never the database's address, versions or any other detail.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from playhouse.migrations import Runner

from tracker.core.db import database, opens_database_itself
from tracker.ops.migrate import MIGRATIONS_DIR

bp = Blueprint("health", __name__)

log = logging.getLogger(__name__)


def pending_migrations() -> list[str]:
    """The migrations in ``migrations/`` that the database has not applied."""
    runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
    applied = runner.applied()
    return [m.name for m in runner.migrations() if m.name not in applied]


def check() -> tuple[dict[str, object], bool]:
    """The health report and whether everything is fine."""
    report: dict[str, object] = {"status": "ok", "database": "ok", "migrations": "ok"}
    try:
        database.connect(reuse_if_open=True)  # closed again at the end of the request
        database.execute_sql("SELECT 1").fetchone()
        pending = pending_migrations()
    except Exception:  # any failure of the database is the answer here, not a 500
        log.exception("health check: the database does not answer")
        report.update(status="error", database="error", migrations="unknown")
        return report, False
    if pending:
        report.update(status="error", migrations="pending", pending=len(pending))
        return report, False
    return report, True


@bp.route("/health")
@opens_database_itself
def health() -> Response:
    """200 with ``{"status": "ok", ...}``, or 503 saying which part is not.

    It opens the database itself: a database that cannot even be opened is a 503 here too.
    """
    report, ok = check()
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response

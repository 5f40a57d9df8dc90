"""Permission matrix of the reports: read by the roles that see the leader's overview, frozen
only by leaders and admins; officers (wards' and the insider alike) see no report of all units,
only their own unit's report per handler where they lead the work inside it."""

from __future__ import annotations

import json
from datetime import date

from conftest import NOW

from tracker.models import FrozenReport

READERS = {"admin", "lanhdao", "tonghop", "theodoi"}
FREEZERS = {"admin", "lanhdao"}

GETS = [
    # Without arguments: this month, all units.
    ("/reports/", READERS),
    ("/reports/assignments", READERS),
    ("/reports/export.xlsx", READERS),
    ("/reports/print", READERS),
    ("/reports/units.svg", READERS),
    ("/reports/trend.svg", READERS),
    ("/reports/method", READERS),
    ("/reports/freeze", FREEZERS),
    ("/reports/frozen", READERS),
    ("/reports/frozen/{frozen}", READERS),
    ("/reports/frozen/{frozen}/export.xlsx", READERS),
    ("/reports/frozen/{frozen}/print", READERS),
    # A unit's report per handler: the department has no head, its focal point leads it.
    ("/reports/units/{unit}/handlers", READERS | {"pb.noivu"}),
    ("/reports/units/{ward}/handlers", READERS | {"p.sodau"}),
    ("/reports/units/{unit}/handlers/print", READERS | {"pb.noivu"}),
]

POSTS = [
    (
        "/reports/freeze",
        {"period": "month", "year": "2026", "month": "5", "scope": "all", "title": "Chốt"},
        FREEZERS,
    ),
]


def extra_ids(app, world, factory, ids) -> dict:
    data = {
        "title": "Báo cáo tháng 4/2026",
        "period_label": "tháng 4/2026",
        "scope_label": "Tất cả đơn vị",
        "start": "2026-04-01",
        "end": "2026-04-30",
        "as_of": "2026-04-30",
        "rows": [],
        "totals": {
            "assigned": 0,
            "done_on_time": 0,
            "done_late": 0,
            "pending": 0,
            "overdue": 0,
            "extensions": 0,
            "late_days": 0,
            "on_time_rate": None,
            "avg_days_late": None,
            "score": None,
        },
        "trend": [{"month": "2026-04", "done_on_time": 0, "done_late": 0, "due": 0}],
    }
    frozen = FrozenReport.create(
        title=data["title"],
        params=json.dumps({"period": "month", "year": 2026, "month": 4, "scope": "all"}),
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        as_of=date(2026, 4, 30),
        summary=json.dumps(data),
        detail="[]",
        created_by=world.leader.id,
        created_at=NOW,
    )
    return {"frozen": frozen.id}

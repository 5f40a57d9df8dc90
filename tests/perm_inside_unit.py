"""Permission matrix of the work inside a unit: "Việc của tôi" for the units' own people, and
the handlers and drafts of the department's work, which has no unit head, so its focal point
officer (pb.noivu) leads it; everyone else is refused and changes nothing."""

from __future__ import annotations

from datetime import date

from conftest import NOW

from tracker.models import AssignmentHandler, ReportDraft, User

OFFICERS = {"p.sodau", "p.hoangvanthu", "pb.noivu"}
INSIDER = "pb.noivu"

GETS = [("/my-work", OFFICERS)]

POSTS = [
    (
        "/assignments/{progressing}/handlers",
        {"handlers": "{insider_user}", "internal_deadline": "2026-05-22"},
        {INSIDER},
    ),
    ("/assignments/{progressing}/handlers/{handler}/remove", {}, {INSIDER}),
    ("/drafts/{draft}/approve", {}, {INSIDER}),
    ("/drafts/{draft}/return", {"reason": "Bổ sung số liệu"}, {INSIDER}),
]


def extra_ids(app, world, factory, ids) -> dict[str, int]:
    """The department's officer handles its work in progress and has a draft waiting."""
    insider = User.get(User.username == INSIDER)
    handler = AssignmentHandler.create(
        assignment=ids["progressing"],
        user=insider,
        internal_deadline=date(2026, 5, 20),
        assigned_by=insider,
        assigned_at=NOW,
    )
    draft = ReportDraft.create(
        assignment=ids["progressing"],
        author=insider,
        kind="progress",
        text="Đã làm một nửa",
        progress=50,
        created_at=NOW,
    )
    return {"insider_user": insider.id, "handler": handler.id, "draft": draft.id}

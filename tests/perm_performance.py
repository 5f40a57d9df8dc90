"""Permission matrix of the performance budget's routes: a list row's forms fetched on demand,
and the overview's meeting search (both GET; the matrix's assignment is the insider's)."""

from __future__ import annotations

GETS = [
    # The unit's own officer and the deciding roles (admin, leader) may act on the assignment.
    ("/assignments/{assignment}/actions", {"admin", "lanhdao", "pb.noivu"}),
    ("/dashboard/meeting-options?mq=h", {"admin", "lanhdao", "tonghop", "theodoi"}),
]

"""Permission matrix of "Nhập từ thông báo kết luận": meeting managers only (admin, leader,
secretary); everyone else is refused and changes nothing."""

from __future__ import annotations

MANAGERS = {"admin", "lanhdao", "tonghop"}

DRAFT = {
    "count": "1",
    "d-0-include": "1",
    "d-0-title": "Rà soát thủ tục hành chính",
    "d-0-content": "Phòng Nội vụ rà soát thủ tục hành chính.",
    "d-0-lead": "Phòng Nội vụ",
    "d-0-coordinating": "UBND các phường",
    "d-0-deadline_kind": "date",
    "d-0-deadline": "2026-06-30",
    "d-0-cadence": "",
    "d-0-field": "thu_tuc",
}

GETS = [
    ("/meetings/{meeting}/notice", MANAGERS),
]

POSTS = [
    (
        "/meetings/{meeting}/notice",
        {"text": "Kết luận:\n1. Phòng Nội vụ rà soát.\n2. UBND các phường tuyên truyền."},
        MANAGERS,
    ),
    ("/meetings/{meeting}/notice/save", DRAFT, MANAGERS),
    ("/meetings/{meeting}/notice/create", DRAFT, MANAGERS),
]

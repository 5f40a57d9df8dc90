"""Every list page sends the same number of SQL statements with 3 rows as with 30 (no N+1).

``Pages`` fills each list with ``n`` rows of its kind; tests/test_page_budget.py reuses it to
check the pages' size with a full page of rows.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import NOW
from query_support import count_page_queries

from tracker.models import Assignment, ExtensionRequest, OutboxMessage, ProgressReport


class Pages:
    """The list pages and who reads them; ``grow(n)`` brings each list to ``n`` rows."""

    # (name, user, path template)
    PAGES = [
        ("officer home", "p.sodau", "/"),
        ("leader home", "lanhdao", "/"),
        ("meetings", "lanhdao", "/meetings"),
        ("meeting", "lanhdao", "/meetings/{meeting}"),
        ("task", "lanhdao", "/tasks/{task}"),
        ("unit", "lanhdao", "/units/{ward}"),
        ("dashboard list", "lanhdao", "/dashboard/assignments"),
        ("submitted queue", "lanhdao", "/queues/submitted"),
        ("extensions queue", "lanhdao", "/queues/extensions"),
        ("outbox", "admin", "/outbox"),
        ("admin units", "admin", "/admin/units"),
        ("admin users", "admin", "/admin/users"),
    ]

    def __init__(self, factory, world) -> None:
        self.f, self.w = factory, world
        self.meeting = factory.meeting("Họp giao ban công tác cải cách hành chính tháng 5")
        self.task = factory.task(self.meeting, "Nhiệm vụ giao cho nhiều đơn vị", date(2026, 6, 1))
        self.n = 0

    def ids(self) -> dict[str, int]:
        return {"meeting": self.meeting.id, "task": self.task.id, "ward": self.w.ward_a.id}

    def grow(self, n: int) -> None:
        """Add rows until every list holds ``n`` (realistic lengths of text, all categories)."""
        f, w = self.f, self.w
        for i in range(self.n, n):
            unit = f.unit(f"UBND phường Thử nghiệm số {i:03d}", code=f"tn{i:03d}")
            f.user(f"p.tn{i:03d}", "officer", unit, full_name=f"Cán bộ đầu mối phường số {i:03d}")
            Assignment.create(
                task=self.task,
                unit=unit,
                status="in_progress",
                progress=30,
                deadline=self.task.deadline,
                original_deadline=self.task.deadline,
                stats_deadline=self.task.deadline,
                created_at=NOW,
                updated_at=NOW,
            )
            deadline = date(2026, 4, 1) + timedelta(days=3 * i)
            task = f.task(
                self.meeting,
                f"Rà soát, đánh giá việc giải quyết thủ tục hành chính tại Bộ phận Một cửa {i}",
                deadline,
            )
            status = ("in_progress", "done", "new")[i % 3]
            a = f.assignment(task, w.ward_a, status=status, progress=10 * (i % 10))
            f.assignment(task, w.ward_b, status="submitted", progress=100)
            if status == "done":
                Assignment.update(completed_on=deadline).where(Assignment.id == a.id).execute()
            ProgressReport.create(
                assignment=a, author=w.officer_a, text="Đã triển khai", progress=10, created_at=NOW
            )
            ExtensionRequest.create(
                assignment=f.assignment(f.task(self.meeting, f"Gia hạn {i}", deadline), w.dept),
                requested_by=w.officer_dept,
                previous_deadline=deadline,
                requested_deadline=deadline + timedelta(days=30),
                reason="Cần thêm thời gian lấy ý kiến các sở, ngành",
                created_at=NOW,
            )
            f.meeting(f"Họp Ban Chỉ đạo chuyển đổi số số {i}", notice_number=f"{i}/TB-UBND")
            OutboxMessage.create(
                key=f"test:{i}",
                kind="urge",
                subject=f"Đôn đốc thực hiện nhiệm vụ số {i}",
                body_text="…",
                next_attempt_at=NOW,
                created_at=NOW,
                updated_at=NOW,
            )
        self.n = max(self.n, n)


@pytest.fixture
def pages(factory, world) -> Pages:
    return Pages(factory, world)


def _counts(client, auth, pages: Pages) -> dict[str, int]:
    counts = {}
    for name, user, path in Pages.PAGES:
        auth.login(user)
        url = path.format(**pages.ids())
        # Once untimed: the first view after a change fills the per-unit counts cache.
        client.get(url)
        counts[name] = count_page_queries(client, url)
        auth.logout()
    return counts


def test_list_pages_query_counts_do_not_grow_with_rows(client, auth, pages):
    pages.grow(3)
    few = _counts(client, auth, pages)
    pages.grow(30)
    many = _counts(client, auth, pages)
    assert many == few

"""A unit's work list starts with what needs the unit's action (issue 14, item 11d).

Overdue work first, then work due soon, work returned to the unit, work in progress (which
needs a report), work waiting for the leader's confirmation, and finished work last; within
each group the nearest deadline first. Today is 15/05/2026.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.models import Assignment


def row_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="assignment-(\d+)"', page)]


class Officer:
    """Ward A's work in every state an officer meets, created finished-first on purpose."""

    def __init__(self, factory, world) -> None:
        f, m, ward = factory, world.meeting, world.ward_a

        def work(title: str, deadline: date | None, **kw) -> Assignment:
            return f.assignment(f.task(m, title, deadline=deadline), ward, **kw)

        self.done = work(
            "Đã xong sớm",
            date(2026, 5, 2),
            status="done",
            progress=100,
            completed_on=date(2026, 5, 1),
        )
        self.done_late = work(
            "Đã xong muộn",
            date(2026, 5, 4),
            status="done",
            progress=100,
            completed_on=date(2026, 5, 6),
        )
        self.cancelled = work("Đã hủy", date(2026, 5, 3), status="cancelled")
        self.submitted = work("Chờ lãnh đạo xác nhận", date(2026, 5, 8), status="submitted")
        self.paused = work("Tạm dừng chờ kinh phí", date(2026, 5, 9), status="paused")
        self.in_progress = world.assignment_a  # new, 30/05/2026
        self.no_deadline = work("Chưa có hạn", None, status="in_progress", progress=20)
        self.later = work("Còn lâu mới đến hạn", date(2026, 5, 25), status="in_progress")
        self.returned = work("Bị trả lại", date(2026, 6, 10), status="returned")
        self.due_soon = work("Sắp đến hạn", date(2026, 5, 17), status="in_progress")
        self.due_sooner = work("Sắp đến hạn hơn", date(2026, 5, 16))
        self.overdue = work("Quá hạn ít", date(2026, 5, 12), status="in_progress")
        self.returned_overdue = work("Trả lại và quá hạn", date(2026, 5, 7), status="returned")

    ACTION_ORDER = (
        "returned_overdue",
        "overdue",
        "due_sooner",
        "due_soon",
        "returned",
        "later",
        "in_progress",
        "no_deadline",
        "submitted",
        "paused",
        "done",
        "cancelled",
        "done_late",
    )

    def ids(self, names) -> list[int]:
        return [getattr(self, name).id for name in names]


@pytest.fixture
def officer_work(factory, world) -> Officer:
    return Officer(factory, world)


def test_officer_home_lists_what_needs_action_first(app, client, auth, officer_work):
    app.config["PAGE_SIZE"] = 50
    auth.login("p.sodau")
    ids: list[int] = []
    for page in (1, 2):
        ids += row_ids(client.get(f"/?page={page}").get_data(as_text=True))
    assert ids == officer_work.ids(Officer.ACTION_ORDER)


def test_unit_page_and_its_pages_keep_the_same_order(app, client, auth, world, officer_work):
    auth.login("lanhdao")
    first = row_ids(client.get(f"/units/{world.ward_a.id}").get_data(as_text=True))
    second = row_ids(client.get(f"/units/{world.ward_a.id}?page=2").get_data(as_text=True))
    assert first + second == officer_work.ids(Officer.ACTION_ORDER)


def test_filters_keep_the_action_order(client, auth, officer_work):
    auth.login("p.sodau")
    page = client.get("/?status=returned").get_data(as_text=True)
    assert row_ids(page) == officer_work.ids(["returned_overdue", "returned"])


def test_a_column_header_still_sorts_by_deadline(client, auth, officer_work):
    auth.login("p.sodau")
    page = client.get("/?sort=deadline").get_data(as_text=True)
    ids = row_ids(page)
    assert ids[:3] == officer_work.ids(["done", "cancelled", "done_late"])

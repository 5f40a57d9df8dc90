"""A unit's list in its default order, read from an index (tracker/overview/ranked.py), gives
exactly the rows and order of the ``ORDER BY CASE …`` it replaced, on every page; the list
counts its rows from the cached counts, which include cancelled work."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from peewee import fn

from tracker.assignments.queries import action_rank
from tracker.core import timeliness
from tracker.models import STATUSES, Assignment, Task
from tracker.overview import ranked
from tracker.web.pagination import NullsLast

TODAY = date(2026, 5, 15)  # conftest's NOW in Asia/Ho_Chi_Minh


def sorted_ids(unit_id: int, per_page: int, offset: int) -> list[int]:
    """The order before: one CASE over every assignment of the unit."""
    query = (
        Assignment.select(Assignment.id)
        .where(Assignment.unit == unit_id)
        .order_by(
            action_rank(*timeliness.context()).asc(),
            NullsLast(Assignment.deadline).asc(),
            Assignment.id.asc(),
        )
        .limit(per_page)
        .offset(offset)
    )
    return [a.id for a in query]


def fill(factory, unit, n: int, seed: int) -> None:
    """``n`` assignments of every status, deadline kind and kind of deadline (none, past,
    today, within the due-soon window, later, shared by several rows, a statistics deadline
    other than the deadline, or none at all)."""
    rng = random.Random(seed)
    meeting = factory.meeting()
    days = [None, -40, -3, -1, 0, 1, 2, 3, 4, 10, 10, 10, 60]
    for i in range(n):
        offset = rng.choice(days)
        deadline = None if offset is None else TODAY + timedelta(days=offset)
        stats = rng.choice(
            [deadline, deadline, None, TODAY + timedelta(days=rng.choice([-5, 1, 30]))]
        )
        kind = rng.choice(["date", "date", "date", "ongoing", "none"])
        task = factory.task(meeting, f"Việc {i}", deadline, deadline_kind=kind)
        factory.assignment(
            task,
            unit,
            status=rng.choice(list(STATUSES)),
            deadline=deadline,
            stats_deadline=stats,
            deadline_kind=kind,
        )


def test_every_page_equals_the_sorted_order(app_ctx, factory):
    unit = factory.unit("UBND xã Thử")
    other = factory.unit("UBND xã Khác")
    fill(factory, unit, 160, seed=7)
    fill(factory, other, 30, seed=8)  # another unit's rows never appear
    with app_ctx.test_request_context():
        everything = sorted_ids(unit.id, 1000, 0)
        assert len(everything) == 160
        for per_page in (8, 12):
            for offset in range(0, 168, per_page):
                assert ranked.page_ids(unit.id, per_page, offset) == sorted_ids(
                    unit.id, per_page, offset
                ), (per_page, offset)
        # And the same list read in pages of 8 is the whole order.
        pages = [ranked.page_ids(unit.id, 8, o) for o in range(0, 160, 8)]
        assert [i for page in pages for i in page] == everything


def test_the_order_follows_the_day(app_ctx, factory):
    """Overdue and due soon move with the date: the ranked order is written per day."""
    unit = factory.unit("UBND phường Thử")
    fill(factory, unit, 60, seed=11)
    clock = app_ctx.extensions["clock"]
    for shift in (0, 3, 20):
        app_ctx.extensions["clock"] = type(clock)(
            app_ctx.config["TIMEZONE"], lambda s=shift: clock.now() + timedelta(days=s)
        )
        with app_ctx.test_request_context():
            assert ranked.page_ids(unit.id, 60, 0) == sorted_ids(unit.id, 60, 0), shift
    app_ctx.extensions["clock"] = clock


def test_the_list_pages_and_counts_cancelled_work(client, auth, world, factory):
    """The officer's list counts every row (its pager) from the cached counts, which count
    cancelled assignments too though no category does, and changes with a new one at once."""
    meeting = world.meeting
    for i in range(9):
        task = factory.task(meeting, f"Việc thêm {i}", TODAY + timedelta(days=20))
        factory.assignment(task, world.ward_a, status="cancelled" if i < 4 else "new")
    auth.login("p.sodau")
    total = Assignment.select(fn.COUNT(Assignment.id)).where(Assignment.unit == world.ward_a)
    assert total.scalar() == 10
    page = client.get("/").get_data(as_text=True)
    assert len(re.findall(r'<tr id="assignment-', page)) == 8
    second = client.get("/?page=2").get_data(as_text=True)
    shown = re.findall(r'<tr id="assignment-(\d+)"', page) + re.findall(
        r'<tr id="assignment-(\d+)"', second
    )
    assert len(set(shown)) == 10
    task = Task.create(
        meeting=meeting,
        number=Task.next_number(meeting),
        title="Việc mới nhất",
        deadline=TODAY + timedelta(days=30),
        deadline_kind="date",
        created_at=world.task.created_at,
        updated_at=world.task.updated_at,
    )
    factory.assignment(task, world.ward_a)
    second = client.get("/?page=2").get_data(as_text=True)
    assert len(re.findall(r'<tr id="assignment-', second)) == 3

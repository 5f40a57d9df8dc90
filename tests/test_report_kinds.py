"""Reports fit the level: the per-unit table grouped by kind of unit, each kind with its
subtotals in the official categories, on the page, the print view and the .xlsx.

The expected figures are counted in plain Python, one assignment at a time, from the rule of
docs/reports.md (not from the report's SQL), over random data.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from conftest import NOW
from openpyxl import load_workbook
from test_reports import Q1, _summary

from tracker.core.org_levels import DISTRICT_KINDS, PROVINCE, PROVINCE_KINDS
from tracker.core.settings import ORG_LEVEL
from tracker.models import Assignment, Setting, Task, Unit, UnitKind

START, AS_OF = date(2026, 1, 1), date(2026, 3, 31)  # Q1 2026, judged on its last day
CATEGORIES = ("done_on_time", "done_late", "pending", "overdue")


def _category(a: Assignment) -> str | None:
    """The report's category of one dated assignment as of AS_OF; None when it is not in
    the period (cancelled, or done before the period with its deadline outside it)."""
    if a.status == "cancelled":
        return None
    in_period = START <= a.stats_deadline <= AS_OF
    if not in_period and a.status == "done" and a.completed_on < START:
        return None
    if a.status == "done" and a.completed_on <= AS_OF:
        return "done_late" if a.completed_on > a.stats_deadline else "done_on_time"
    return "overdue" if a.stats_deadline < AS_OF else "pending"


def _random_units(factory, rng: random.Random) -> list[Unit]:
    """Units of the district's three kinds, of a kind sharing the wards' sort order, and of a
    kind without a row of its own; their own sort orders at random."""
    UnitKind.create(
        code="hamlet", name="Tổ dân phố", label="Tổ dân phố", group_label="Các tổ dân phố",
        sort_order=20,
    )  # fmt: skip
    kinds = ["department", "ward", "agency", "hamlet", "ghost"]
    return [
        factory.unit(f"Đơn vị thử {n:02d}", kind=rng.choice(kinds), sort_order=rng.randint(0, 3))
        for n in range(14)
    ]


def _random_work(factory, world, units: list[Unit], rng: random.Random) -> list[Assignment]:
    made = []
    for n in range(90):
        deadline = date(2025, 11, 1) + timedelta(days=rng.randint(0, 240))
        task = factory.task(world.meeting, f"Nhiệm vụ ngẫu nhiên {n}", deadline=deadline)
        status = rng.choice(["new", "in_progress", "submitted", "done", "done", "cancelled"])
        completed = deadline + timedelta(days=rng.randint(-20, 25)) if status == "done" else None
        made.append(
            factory.assignment(
                task,
                rng.choice(units),
                status=status,
                completed_on=completed,
                extension_count=rng.randint(0, 2),
            )
        )
    _given_before_the_period(made)
    return made


def _given_before_the_period(work: list[Assignment]) -> None:
    """The factory gives work on 15 May 2026; these were given before the first quarter."""
    ids = [a.id for a in work]
    Assignment.update(created_at=datetime(2025, 12, 1, tzinfo=UTC)).where(
        Assignment.id.in_(ids)
    ).execute()


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_kind_subtotals_equal_a_count_one_assignment_at_a_time(app_ctx, factory, world, seed):
    rng = random.Random(seed)
    units = _random_units(factory, rng)
    work = _random_work(factory, world, units, rng)
    kinds = {u.id: u.kind for u in Unit.select()}
    expected: dict[str, Counter] = defaultdict(Counter)
    for a in work:  # (the world's own work was given in May: not in the first quarter)
        category = _category(Assignment.get_by_id(a.id))
        if category is not None:
            expected[kinds[a.unit_id]].update({category: 1, "assigned": 1})
    _params, data = _summary(world)
    sections = data["sections"]
    assert {s["kind"] for s in sections} == set(expected)
    # Each kind once, its units together, in the order of the kinds; its row counts its units.
    start = 0
    for section in sections:
        rows = data["rows"][start : start + section["size"]]
        start += section["size"]
        assert rows and {r["kind"] for r in rows} == {section["kind"]}
        for key in ("assigned", *CATEGORIES):
            assert section["totals"][key] == expected[section["kind"]][key], (section, key)
            assert section["totals"][key] == sum(r[key] for r in rows)
        assert section["totals"]["extensions"] == sum(r["extensions"] for r in rows)
    assert start == len(data["rows"])
    order = {k.code: k.sort_order for k in UnitKind.select()}
    ranks = [order.get(s["kind"], 1_000_000) for s in sections]
    assert ranks == sorted(ranks)
    labels = {s["kind"]: s["label"] for s in sections}
    assert labels.get("ward", "UBND các phường") == "UBND các phường"
    assert labels.get("hamlet", "Các tổ dân phố") == "Các tổ dân phố"
    assert labels.get("ghost", "ghost") == "ghost"  # no row of its own: named by its code
    for key in ("assigned", *CATEGORIES):
        assert data["totals"][key] == sum(c[key] for c in expected.values())


def _province(factory, world) -> None:
    """A province installation: the level chosen, its preset kinds created, the district's
    kinds gone, and units of both kinds with work in the first quarter of 2026."""
    Setting.put_value(ORG_LEVEL, PROVINCE, world.admin)
    for preset in PROVINCE_KINDS:
        UnitKind.add_preset(preset)
    world.ward_a.kind = world.ward_b.kind = "commune"
    world.ward_a.name, world.ward_b.name = "UBND xã An Hưng", "UBND đặc khu Cát Hải"
    world.ward_a.short_name, world.ward_b.short_name = "Xã An Hưng", "Đặc khu Cát Hải"
    world.dept.kind, world.dept.name, world.dept.short_name = "sector", "Sở Nội vụ", "Sở Nội vụ"
    for unit in (world.ward_a, world.ward_b, world.dept):
        unit.save()
    UnitKind.delete().where(UnitKind.code.in_([k.code for k in DISTRICT_KINDS])).execute()
    world.wards.name = "Các địa phương ven biển"
    world.wards.save()
    finance = factory.unit("Sở Tài chính", kind="sector")
    # Per unit: done on time, done late, open and overdue (deadlines in Q1 2026).
    work = []
    for n, (unit, deadline, status, done) in enumerate(
        [
            (finance, date(2026, 2, 10), "done", date(2026, 2, 9)),
            (finance, date(2026, 2, 10), "done", date(2026, 2, 20)),
            (world.dept, date(2026, 3, 1), "in_progress", None),
            (world.ward_a, date(2026, 3, 20), "done", date(2026, 3, 20)),
            (world.ward_b, date(2026, 1, 20), "new", None),
        ]
    ):
        task = Task.create(
            meeting=world.meeting,
            number=Task.next_number(world.meeting),
            title=f"Nhiệm vụ của tỉnh {n}",
            deadline_kind="date",
            deadline=deadline,
            created_at=NOW,
            updated_at=NOW,
        )
        work.append(factory.assignment(task, unit, status=status, completed_on=done))
    _given_before_the_period(work)


LEFT_OVER = re.compile(r"phòng, ban|UBND (các )?phường|quận", re.I)


def test_province_report_in_its_own_words(client, auth, factory, world, app):
    """A province's report: the sở, ban, ngành section, then the UBND xã, phường, đặc khu
    one, each row its kind's subtotals, on the page, in print and in the .xlsx; none of the
    district's words."""
    with app.app_context():
        _province(factory, world)
    auth.login("lanhdao")
    page = client.get(f"/reports/?{Q1}").get_data(as_text=True)
    # (the world's own work was given in May: not in the first quarter)
    sector = "<tr><th>I<th>Các sở, ban, ngành<th>3<th>1<th>1<th>0<th>1<th>33,3%"
    commune = "<tr><th>II<th>UBND các xã, phường, đặc khu<th>2<th>1<th>0<th>0<th>1<th>50,0%"
    assert sector in page and commune in page
    assert page.index(sector) < page.index(f'value="{world.dept.id}">Sở Nội vụ')
    assert page.index("Sở Tài chính") < page.index(commune) < page.index("Xã An Hưng")
    # Units are numbered from 1 within their kind.
    assert re.search(r"<tr><td>1<th><button name=\"unit\" value=\"\d+\">Xã An Hưng", page)
    found = LEFT_OVER.search(page)
    assert not found, page[found.start() - 200 : found.end() + 50]
    printed = client.get(f"/reports/print?{Q1}").get_data(as_text=True)
    assert "<tr><th>I<th>Các sở, ban, ngành<th>3<th>1<th>1<th>0<th>1" in printed
    assert "<tr><th>II<th>UBND các xã, phường, đặc khu<th>2" in printed
    assert "<tr><td>1<th>UBND xã An Hưng" in printed
    found = LEFT_OVER.search(printed.replace("VĂN PHÒNG", ""))
    assert not found, printed[found.start() - 200 : found.end() + 50]
    book = load_workbook(BytesIO(client.get(f"/reports/export.xlsx?{Q1}").get_data()))
    rows = [[c.value for c in row][:7] for row in book["Tổng hợp"].iter_rows(min_row=5)]
    assert rows[0] == ["I", "Các sở, ban, ngành", 3, 1, 1, 0, 1]
    assert [r[:2] for r in rows[1:3]] == [[1, "Sở Nội vụ"], [2, "Sở Tài chính"]]
    assert rows[3] == ["II", "UBND các xã, phường, đặc khu", 2, 1, 0, 0, 1]
    assert rows[-1][1:7] == ["Tổng cộng", 5, 2, 1, 0, 2]


def test_one_kind_has_no_section_rows(client, auth, factory, world):
    """A report of one kind of unit (here scoped to the wards): its units and the totals, no
    section row repeating the totals. (This month's report: the world's work of May.)"""
    auth.login("lanhdao")
    page = client.get("/reports/?scope=kind:ward").get_data(as_text=True)
    assert "Sở Dầu</button>" in page and "<tr><th>I<th>" not in page
    whole = client.get("/reports/").get_data(as_text=True)
    assert "<tr><th>I<th>Các phòng, ban chuyên môn<th>1" in whole
    assert "<tr><th>II<th>UBND các phường<th>2" in whole


def test_a_report_frozen_before_sections_prints_as_it_was(client, auth, world, app):
    """A frozen report keeps its figures: one stored before reports had sections (no kind
    on its rows, no sections) shows its units as one list, on its page, in print and .xlsx."""
    import json

    from tracker.models import FrozenReport

    counts = {"assigned": 2, "done_on_time": 1, "done_late": 0, "pending": 1, "overdue": 0}
    derived = {"extensions": 0, "late_days": 0, "on_time_rate": 0.5, "avg_days_late": None}
    rows = [
        {"unit_id": world.dept.id, "unit": "Phòng Nội vụ", "short_name": "Nội vụ", **counts,
         **derived, "score": 100.0, "rank": 1},
        {"unit_id": world.ward_a.id, "unit": "UBND phường Sở Dầu", "short_name": "Sở Dầu",
         **counts, **derived, "score": 100.0, "rank": 1},
    ]  # fmt: skip
    data = {
        "title": "Báo cáo tháng 4/2026",
        "period_label": "tháng 4/2026",
        "scope_label": "Tất cả đơn vị",
        "start": "2026-04-01",
        "end": "2026-04-30",
        "as_of": "2026-04-30",
        "rows": rows,
        "totals": {**{k: 2 * v for k, v in counts.items()}, **derived, "score": 100.0},
        "trend": [],
    }
    with app.app_context():
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
    auth.login("lanhdao")
    for path in (f"/reports/frozen/{frozen.id}", f"/reports/frozen/{frozen.id}/print"):
        page = client.get(path).get_data(as_text=True)
        assert "<tr><td>1<th>Phòng Nội vụ" in page and "<tr><td>2<th>UBND phường Sở Dầu" in page
        assert "<tr><th>I<th>" not in page, path
    book = load_workbook(BytesIO(client.get(f"/reports/frozen/{frozen.id}/export.xlsx").get_data()))
    names = [[c.value for c in row][:2] for row in book["Tổng hợp"].iter_rows(min_row=5)]
    assert names == [[1, "Phòng Nội vụ"], [2, "UBND phường Sở Dầu"], [None, "Tổng cộng"]]

"""The cached timeliness counts (tracker/cache.py) change at once with every kind of write.

The leader's overview and the officer's counters read counts cached per unit and keyed by the
unit's version, which database triggers raise; each test changes data by another path and
reads the page again right away.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import NOW
from query_support import statements_of

from tracker.core import db
from tracker.models import MODELS, Assignment, CounterVersion, Task

ORDER = ("on_time", "due_soon", "overdue", "done_on_time", "done_late", "ongoing", "no_deadline")
TOTALS_RE = re.compile(r"<tfoot>(.*?)</tfoot>", re.S)


def totals(client) -> dict[str, int]:
    """The overview's totals row, by category."""
    foot = TOTALS_RE.search(client.get("/").get_data(as_text=True)).group(1)
    numbers = [int(n) for n in re.findall(r">(\d+)</a>", foot)]
    return dict(zip([*ORDER, "total"], numbers, strict=True))


def officer_counters(client) -> dict[str, int]:
    page = client.get("/").get_data(as_text=True)
    found = re.findall(r'data-category="(\w+)"><strong>(\d+)</strong>', page)
    return {cat: int(n) for cat, n in found}


@pytest.fixture
def leader(client, auth, world):
    auth.login("lanhdao")
    before = totals(client)  # fills the cache
    assert before["on_time"] == 2 and before["overdue"] == 1 and before["total"] == 3
    return client


def test_workflow_change_shows_at_once(leader, world, client, auth):
    # The leader confirms the overdue department's work through the real route.
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_dept.id).execute()
    assert totals(leader)["overdue"] == 1  # awaiting confirmation is still open
    response = client.post(
        f"/assignments/{world.assignment_dept.id}/status", data={"status": "done"}
    )
    assert response.status_code in (200, 302)
    after = totals(leader)
    assert after["overdue"] == 0 and after["done_late"] == 1


def test_bulk_update_and_raw_sql_show_at_once(leader, world):
    Assignment.update(status="cancelled").where(Assignment.task == world.task).execute()
    assert totals(leader)["total"] == 1
    db.database.execute_sql(
        "UPDATE assignment SET status = 'new', stats_deadline = NULL WHERE task_id = "
        + db.database.obj.param,
        (world.task.id,),
    )
    after = totals(leader)
    assert after["no_deadline"] == 2 and after["total"] == 3


def test_insert_and_cascading_delete_show_at_once(leader, world, factory):
    task = factory.task(world.meeting, "Việc mới", date(2026, 5, 16))
    factory.assignment(task, world.ward_b)
    assert totals(leader)["due_soon"] == 1
    Task.delete().where(Task.id == world.task.id).execute()  # cascades to its assignments
    after = totals(leader)
    assert after["on_time"] == 0 and after["total"] == 2


def test_reassigning_to_another_unit_changes_both(leader, client, world):
    Assignment.update(unit=world.ward_b).where(Assignment.id == world.assignment_dept.id).execute()
    page = client.get("/").get_data(as_text=True)
    dept_row = page.split(f'href="/units/{world.dept.id}">', 1)[1].split("<tr>", 1)[0]
    assert "<td>0<td>0<td>0<td>0<td>0<td>0<td>0<td>0<td>" in dept_row
    assert totals(leader)["overdue"] == 1


def test_the_date_moving_on_changes_categories_without_any_write(leader, clock):
    # world.task is due on 30/05: on time on 15/05, due soon on 28/05, overdue on 31/05.
    clock.set(NOW.replace(day=28))
    assert totals(leader)["due_soon"] == 2
    clock.set(NOW.replace(day=31))
    assert totals(leader)["overdue"] == 3


def test_officer_counters_follow_a_report_of_completion(client, auth, world, factory):
    auth.login("p.sodau")
    assert officer_counters(client)["on_time"] == 1
    Assignment.update(status="done", completed_on=date(2026, 5, 14)).where(
        Assignment.id == world.assignment_a.id
    ).execute()
    counters = officer_counters(client)
    assert counters["on_time"] == 0 and counters["done_on_time"] == 1


def test_triggers_exist_on_a_database_built_from_the_models(tmp_path):
    """test_migrations compares tables and indexes; this checks the triggers the same way."""
    db.bind(f"sqlite:///{tmp_path / 'models.sqlite3'}")
    try:
        with db.database.connection_context():
            db.database.create_tables(MODELS)
            names = {
                row[0]
                for row in db.database.execute_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            }
            assert {"counter_assignment_insert", "counter_assignment_update"} <= names
            assert CounterVersion.select().count() == 0
    finally:
        db.database.close()


def test_a_leaders_page_reads_the_versions_once(leader, client):
    """The navigation's queue and the summary both need every unit's version: one read per
    GET, and the counts still follow a write made between two requests."""
    statements = statements_of(lambda: client.get("/"))
    assert len([s for s in statements if 'FROM "counter_version"' in s]) == 1
    Assignment.update(status="submitted").where(Assignment.status == "new").execute()
    page = client.get("/").get_data(as_text=True)
    assert 'data-queue="submitted">3<' in page

"""Working days (weekends, Vietnamese public holidays from the library, the admin calendar) and
deadlines given on the task form as "N working days from the notice date".

The holiday dates asserted here are what the ``holidays`` library gives for Vietnam: Tết 2027
runs from Thursday 04/02 to Wednesday 10/02; in 2026 Giỗ Tổ Hùng Vương (Sunday 26/04) is
observed on Monday 27/04, 30/4 and 1/5 are Thursday and Friday, and for Quốc khánh Monday 31/08
is a day off swapped for Saturday 22/08, then 01/09 and 02/09.
"""

from __future__ import annotations

import html
from datetime import date

import pytest
from conftest import NOW
from query_support import count_queries

from tracker.models import Assignment, AuditEvent, CalendarDay, Task
from tracker.tasks.workdays import (
    WorkCalendar,
    add_working_days,
    holidays_of,
    is_public_working_day,
    is_working_day,
)

# --- the library's holidays -----------------------------------------------------------------


def test_the_library_knows_tet_2027_and_the_2026_holidays():
    tet = {d for d, _ in holidays_of(2027) if date(2027, 2, 1) <= d <= date(2027, 2, 28)}
    assert tet == {date(2027, 2, d) for d in range(4, 11)}
    days_2026 = dict(holidays_of(2026))
    for day in (date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)):
        assert day in days_2026
    assert "Tết" in days_2026[date(2026, 2, 17)]
    # Names in English too (the admin calendar in the English interface).
    assert dict(holidays_of(2026, "en_US"))[date(2026, 9, 2)] == "National Day"


def test_public_working_days():
    assert is_public_working_day(date(2026, 5, 15))  # a Friday
    assert not is_public_working_day(date(2026, 5, 16))  # Saturday
    assert not is_public_working_day(date(2026, 5, 17))  # Sunday
    assert not is_public_working_day(date(2027, 2, 8))  # Tết, a Monday
    # The Saturday the government swapped for the Monday before Quốc khánh 2026.
    assert is_public_working_day(date(2026, 8, 22))
    assert not is_public_working_day(date(2026, 8, 31))


# --- adding working days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # Friday + 1 is Monday.
        (date(2026, 5, 15), 1, date(2026, 5, 18)),
        (date(2026, 5, 15), 0, date(2026, 5, 15)),
        (date(2026, 5, 16), 1, date(2026, 5, 18)),  # from a Saturday
        # Across Tết 2027: Mon 01/02 + 10 skips Thu 04/02 … Wed 10/02.
        (date(2027, 2, 1), 10, date(2027, 2, 22)),
        (date(2027, 2, 3), 1, date(2027, 2, 11)),
        # Across Giỗ Tổ (observed Mon 27/04) and 30/4–1/5 2026.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        (date(2026, 4, 24), 10, date(2026, 5, 13)),
        # Across Quốc khánh 2026: the swapped Saturday 22/08 is worked; 31/08–02/09 are off.
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # 2027: 30/4 Friday, 1/5 Saturday observed on Monday 03/05; 2/9 and 3/9.
        (date(2027, 4, 29), 1, date(2027, 5, 4)),
        (date(2027, 9, 1), 1, date(2027, 9, 6)),
    ],
)
def test_add_working_days(app_ctx, start, n, expected):
    assert add_working_days(start, n) == expected


def test_a_make_up_saturday_counts(app_ctx):
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)
    CalendarDay.create(day=date(2026, 6, 6), kind="work", note="Làm bù", created_at=NOW)
    assert is_working_day(date(2026, 6, 6))
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 6)
    assert add_working_days(date(2026, 6, 5), 2) == date(2026, 6, 8)


def test_an_admin_day_off_is_skipped(app_ctx):
    CalendarDay.create(day=date(2026, 6, 8), kind="off", note="Nghỉ", created_at=NOW)
    assert not is_working_day(date(2026, 6, 8))
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 9)
    # A make-up day that falls on a public holiday wins over the holiday.
    CalendarDay.create(day=date(2026, 9, 2), kind="work", created_at=NOW)
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 2)


def test_days_before_the_start_do_not_matter(app_ctx):
    CalendarDay.create(day=date(2026, 5, 18), kind="off", created_at=NOW)
    assert add_working_days(date(2026, 5, 18), 1) == date(2026, 5, 19)


def test_one_query_per_computation(app_ctx):
    for d in (6, 13, 20):
        CalendarDay.create(day=date(2026, 6, d), kind="work", created_at=NOW)
    assert count_queries(lambda: add_working_days(date(2026, 6, 1), 200)) == 1
    assert count_queries(lambda: is_working_day(date(2026, 6, 6))) == 1


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar().add(date(2026, 5, 15), -1)


# --- the task form ---------------------------------------------------------------------------


def _task_data(**change) -> dict:
    data = {
        "number": "3",
        "title": "Rà soát thủ tục hành chính",
        "field": "thu_tuc",
        "deadline_kind": "date",
        "deadline": "",
        "working_days": "10",
        "lead": "",
    }
    data.update(change)
    return data


def _beside(page: str, field_id: str, message: str) -> bool:
    return f'<small id="{field_id}-error" class="field-error">{message}</small>' in html.unescape(
        page
    )


def _snapshot() -> tuple[int, int, int]:
    events = AuditEvent.select().where(AuditEvent.action.not_in(("login", "logout", "denied")))
    return Task.select().count(), Assignment.select().count(), events.count()


@pytest.fixture
def noticed(world):
    """The world's meeting with its conclusion notice dated Friday 24/04/2026."""
    world.meeting.notice_number = "45/TB-UBND"
    world.meeting.notice_date = date(2026, 4, 24)
    world.meeting.save()
    return world


def test_create_with_working_days_computes_and_stores_the_deadline(client, auth, noticed):
    world = noticed
    auth.login("lanhdao")
    data = _task_data(lead=str(world.ward_a.id))
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert (task.deadline, task.working_days) == (date(2026, 5, 13), 10)
    a = Assignment.get(Assignment.task == task)
    assert a.deadline == a.original_deadline == date(2026, 5, 13)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "13/05/2026" in page and "10 ngày làm việc từ ngày thông báo 24/04/2026" in page


def test_without_a_notice_date_the_meeting_date_counts(client, auth, world):
    auth.login("tonghop")
    # The meeting was held on Friday 01/05/2026 (a holiday): + 1 → Monday 04/05.
    data = _task_data(working_days="1")
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert task.deadline == date(2026, 5, 4)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "1 ngày làm việc từ ngày thông báo 01/05/2026" in page


def test_admin_days_count_when_the_deadline_is_computed(client, auth, noticed):
    CalendarDay.create(day=date(2026, 5, 9), kind="work", created_at=NOW)
    auth.login("lanhdao")
    client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=_task_data())
    assert Task.get(Task.title == "Rà soát thủ tục hành chính").deadline == date(2026, 5, 12)


def test_both_a_date_and_working_days_is_refused(client, auth, noticed):
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(deadline="2026-06-30")
    response = client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data)
    assert response.status_code == 400
    message = "Vui lòng chỉ nhập một trong hai: hạn hoàn thành hoặc số ngày làm việc."
    assert _beside(response.get_data(as_text=True), "working_days", message)
    assert _snapshot() == before
    # htmx: the form block again, with the error, as a 200 so htmx swaps it.
    response = client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data, htmx=True)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert _beside(response.get_data(as_text=True), "working_days", message)
    assert _snapshot() == before


@pytest.mark.parametrize("bad", ["0", "366", "abc", "-3", "2.5"])
def test_bad_working_days_are_refused_beside_the_field(client, auth, noticed, bad):
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(
        f"/meetings/{noticed.meeting.id}/tasks/new", data=_task_data(working_days=bad)
    )
    assert response.status_code == 400
    message = "Số ngày làm việc phải là số nguyên từ 1 đến 365."
    assert _beside(response.get_data(as_text=True), "working_days", message)
    assert _snapshot() == before


def test_neither_a_date_nor_working_days_is_refused(client, auth, noticed):
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(
        f"/meetings/{noticed.meeting.id}/tasks/new", data=_task_data(working_days="")
    )
    assert response.status_code == 400
    message = "Vui lòng nhập hạn hoàn thành khi chọn “Có thời hạn”."
    assert _beside(response.get_data(as_text=True), "deadline", message)
    assert _snapshot() == before


def test_working_days_are_ignored_for_other_kinds(client, auth, noticed):
    auth.login("lanhdao")
    data = _task_data(deadline_kind="none", working_days="5")
    assert client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert (task.deadline, task.working_days) == (None, None)


def test_edit_shows_and_recomputes_working_days(client, auth, noticed):
    world = noticed
    auth.login("lanhdao")
    url = f"/tasks/{world.task.id}/edit"
    data = _task_data(number="1", title=world.task.title, working_days="3")
    assert client.post(url, data=data).status_code == 302
    task = Task.get_by_id(world.task.id)
    # Fri 24/04 + 3: Tue 28/04, Wed 29/04, Mon 04/05.
    assert (task.deadline, task.working_days) == (date(2026, 5, 4), 3)
    assert Assignment.get_by_id(world.assignment_a.id).deadline == date(2026, 5, 4)
    # The form shows the number of days, not also the date computed from it.
    page = client.get(url).get_data(as_text=True)
    assert 'name="working_days" type="number" value="3"' in page
    assert 'id="deadline" name="deadline" type="date" value=""' in page
    # Back to a plain date: the number of days is dropped.
    data = _task_data(number="1", title=world.task.title, deadline="2026-06-30", working_days="")
    assert client.post(url, data=data).status_code == 302
    task = Task.get_by_id(world.task.id)
    assert (task.deadline, task.working_days) == (date(2026, 6, 30), None)


def test_a_task_without_a_meeting_cannot_count_working_days(client, auth, world):
    Task.update(meeting=None).where(Task.id == world.task.id).execute()
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(number="1", title=world.task.title, working_days="3")
    response = client.post(f"/tasks/{world.task.id}/edit", data=data)
    assert response.status_code == 400
    message = "Nhiệm vụ không gắn với cuộc họp nên không tính được ngày làm việc."
    assert _beside(response.get_data(as_text=True), "working_days", message)
    assert _snapshot() == before


def test_officers_and_viewers_cannot_create(client, auth, noticed):
    before = _snapshot()
    for username in ("p.sodau", "theodoi"):
        auth.login(username)
        url = f"/meetings/{noticed.meeting.id}/tasks/new"
        assert client.post(url, data=_task_data()).status_code == 403
        assert client.post(url, data=_task_data(), htmx=True).status_code == 403
        auth.logout()
    assert _snapshot() == before

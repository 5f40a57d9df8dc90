"""Ongoing tasks' reporting cadence: periods in Hà Nội time, "report due", missed periods, the
unit's list and the assignment page, the weekly digest, and the task form's cadence field.

Today is Friday 15/05/2026, 10:00 in Hà Nội: the ISO week runs from 11/05 to 17/05.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from query_support import count_page_queries, count_queries

from tracker.models import Assignment, ProgressReport, Task
from tracker.reminders import digest
from tracker.tasks import cadence

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 5, 15)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)


def ongoing(factory, world, unit, cadence_code: str = "weekly", made: datetime | None = None):
    """An ongoing task with ``cadence_code`` given to ``unit`` at ``made`` (default NOW)."""
    task = factory.task(
        world.meeting,
        f"Việc thường xuyên {cadence_code} {unit.code}",
        deadline_kind="ongoing",
        report_cadence=cadence_code,
    )
    a = factory.assignment(task, unit, status="in_progress")
    if made is not None:
        Assignment.update(created_at=made).where(Assignment.id == a.id).execute()
        a.created_at = made
    return a


def report(a: Assignment, at: datetime, author=None) -> ProgressReport:
    return ProgressReport.create(
        assignment=a, author=author, text="Đã triển khai", progress=50, created_at=at
    )


def reports_of(a: Assignment) -> list[ProgressReport]:
    return list(ProgressReport.select().where(ProgressReport.assignment == a.id))


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, day, bounds",
    [
        ("weekly", date(2026, 5, 15), (date(2026, 5, 11), date(2026, 5, 17))),
        ("weekly", date(2026, 5, 11), (date(2026, 5, 11), date(2026, 5, 17))),
        ("weekly", date(2026, 12, 31), (date(2026, 12, 28), date(2027, 1, 3))),
        ("monthly", date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
        ("monthly", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarterly", date(2026, 5, 15), (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarterly", date(2026, 11, 2), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarterly", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_period_bounds(code, day, bounds):
    assert cadence.period_bounds(code, day) == bounds


def test_unknown_cadence_is_an_error():
    with pytest.raises(ValueError):
        cadence.period_bounds("daily", TODAY)


# --- report due and missed periods -----------------------------------------------------------


def test_weekly_boundary_sunday_night_and_monday_midnight(app_ctx, factory, world):
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 5, 4, 0, 0))
    # Sunday 10/05 23:59 and Monday 11/05 00:00 in Hà Nội are both Sunday in UTC.
    sunday_night, monday = local(2026, 5, 10, 23, 59), local(2026, 5, 11, 0, 0)
    assert sunday_night.astimezone(UTC).date() == monday.astimezone(UTC).date()
    report(a, sunday_night)
    assert cadence.missed_periods(a, reports_of(a), TODAY) == 0
    assert cadence.report_due(a, reports_of(a), TODAY)
    ProgressReport.delete().execute()
    report(a, monday)
    assert cadence.missed_periods(a, reports_of(a), TODAY) == 1
    assert not cadence.report_due(a, reports_of(a), TODAY)


def test_weekly_due_turns_at_local_midnight(app_ctx, clock, factory, world):
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 5, 4, 8, 0))
    report(a, local(2026, 5, 4, 9, 0))
    report(a, local(2026, 5, 17, 9, 0))
    clock.set(local(2026, 5, 17, 23, 59).astimezone(UTC))
    assert cadence.report_status(a) == cadence.ReportStatus("weekly", due=False, missed=0)
    clock.set(local(2026, 5, 18, 0, 0).astimezone(UTC))
    assert cadence.report_status(a) == cadence.ReportStatus("weekly", due=True, missed=0)
    # A week later, the week of 18/05 went without a report.
    clock.set(local(2026, 5, 25, 0, 0).astimezone(UTC))
    assert cadence.report_status(a) == cadence.ReportStatus("weekly", due=True, missed=1)


def test_the_period_it_was_made_in_is_not_counted(app_ctx, factory, world):
    # Made on Wednesday 06/05: that week is not owed; the week of 11/05 is the current one.
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 5, 6, 15, 0))
    assert cadence.missed_periods(a, [], TODAY) == 0
    assert cadence.report_due(a, [], TODAY)
    assert cadence.missed_periods(a, [], date(2026, 5, 25)) == 2


def test_monthly_counts(app_ctx, factory, world):
    a = ongoing(factory, world, world.ward_a, "monthly", made=local(2026, 1, 15, 9, 0))
    report(a, local(2026, 3, 10, 9, 0))
    # February and April went without a report; January (made mid-month) is not counted.
    assert cadence.missed_periods(a, reports_of(a), TODAY) == 2
    assert cadence.report_due(a, reports_of(a), TODAY)
    # A report at 30/04 23:59 in Hà Nội is April's; one at 01/05 00:00 is May's.
    report(a, local(2026, 4, 30, 23, 59))
    assert cadence.missed_periods(a, reports_of(a), TODAY) == 1
    assert cadence.report_due(a, reports_of(a), TODAY)
    report(a, local(2026, 5, 1, 0, 0))
    assert not cadence.report_due(a, reports_of(a), TODAY)


def test_quarterly_counts(app_ctx, factory, world):
    a = ongoing(factory, world, world.ward_a, "quarterly", made=local(2025, 10, 1, 0, 0))
    report(a, local(2026, 2, 1, 9, 0))
    # Made on the first day of Q4 2025: Q4 counts (missed), Q1 2026 has its report.
    assert cadence.missed_periods(a, reports_of(a), TODAY) == 1
    assert cadence.report_due(a, reports_of(a), TODAY)
    report(a, local(2026, 4, 1, 0, 0))
    assert not cadence.report_due(a, reports_of(a), TODAY)


@pytest.mark.parametrize("status", ["done", "cancelled", "paused", "submitted"])
def test_closed_or_waiting_work_owes_no_report(app_ctx, factory, world, status):
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 1, 5, 9, 0))
    a.status = status
    assert cadence.report_status(a) is None
    assert not cadence.report_due(a, [], TODAY) and cadence.missed_periods(a, [], TODAY) == 0


def test_dated_or_cadence_less_work_owes_no_report(app_ctx, factory, world):
    assert cadence.report_status(world.assignment_a) is None
    task = factory.task(world.meeting, "Thường xuyên, chưa chọn kỳ", deadline_kind="ongoing")
    a = factory.assignment(task, world.ward_a)
    assert cadence.report_status(a) is None
    assert cadence.statuses([world.assignment_a, a]) == {}


def test_batch_takes_one_query_whatever_the_number(app_ctx, factory, world):
    few = [ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 4, 1, 9, 0))]
    for a in few:
        report(a, local(2026, 5, 12, 9, 0))
    many = few + [
        ongoing(factory, world, unit, code, made=local(2026, 2, 2, 9, 0))
        for unit in (world.ward_b, world.dept)
        for code in ("weekly", "monthly", "quarterly")
    ]
    listing = Assignment.select(Assignment, Task).join(Task)
    rows_few = list(listing.where(Assignment.id.in_([a.id for a in few])))
    rows_many = list(listing.where(Assignment.id.in_([a.id for a in many])))
    assert count_queries(lambda: cadence.statuses(rows_few)) == 1
    assert count_queries(lambda: cadence.statuses(rows_many)) == 1
    result = cadence.statuses(rows_many)
    assert result[few[0].id] == cadence.ReportStatus("weekly", due=False, missed=5)
    # Made Monday 02/02, none reported: 14 weeks ended since; February (begun on 01/02) and
    # the first quarter are not owed, March and April are.
    missed = sorted((s.cadence, s.missed) for s in result.values() if s.due)
    assert missed == [("monthly", 2)] * 2 + [("quarterly", 0)] * 2 + [("weekly", 14)] * 2


# --- pages ---------------------------------------------------------------------------------


def test_unit_list_shows_report_due_and_missed_periods(client, auth, factory, world):
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 4, 27, 9, 0))
    report(a, local(2026, 4, 28, 9, 0))
    auth.login("p.sodau")
    for response in (client.get("/"), client.get(f"/units/{world.ward_a.id}")):
        page = html.unescape(response.get_data(as_text=True))
        row = page.split(f'id="assignment-{a.id}"')[1].split("</tr>")[0]
        assert "Đến kỳ báo cáo" in row and "Trễ 1 kỳ báo cáo" in row and "Báo cáo hằng tuần" in row
        other = page.split(f'id="assignment-{world.assignment_a.id}"')[1].split("</tr>")[0]
        assert "Đến kỳ báo cáo" not in other and "kỳ báo cáo" not in other


def test_assignment_page_shows_report_due(client, auth, factory, world):
    a = ongoing(factory, world, world.ward_a, "monthly", made=local(2026, 3, 1, 9, 0))
    auth.login("lanhdao")
    page = html.unescape(client.get(f"/assignments/{a.id}").get_data(as_text=True))
    # Made on 01/03: March and April went without a report.
    assert "Đến kỳ báo cáo" in page and "Trễ 2 kỳ báo cáo" in page
    assert "Báo cáo hằng tháng" in page


def test_a_report_clears_the_due_badge_in_the_returned_row(client, auth, factory, world):
    a = ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 5, 4, 9, 0))
    auth.login("p.sodau")
    response = client.post(
        f"/assignments/{a.id}/reports",
        data={"text": "Đã tổ chức tuyên truyền", "progress": "40", "next": "/"},
        htmx=True,
    )
    assert response.status_code == 200
    row = html.unescape(response.get_data(as_text=True))
    assert f'id="assignment-{a.id}"' in row
    assert "Đến kỳ báo cáo" not in row and "Trễ 1 kỳ báo cáo" in row


def test_unit_list_queries_do_not_grow_with_ongoing_rows(client, auth, factory, world):
    auth.login("p.sodau")
    url = f"/units/{world.ward_a.id}"
    ongoing(factory, world, world.ward_a, "weekly", made=local(2026, 4, 1, 9, 0))
    few = count_page_queries(client, url)
    for code in ("weekly", "monthly", "quarterly", "monthly"):
        a = ongoing(factory, world, world.ward_a, code, made=local(2026, 2, 2, 9, 0))
        a.task.title += f" {a.id}"
        a.task.save()
        report(a, local(2026, 3, 3, 9, 0))
    assert count_page_queries(client, url) == few


# --- the weekly digest -----------------------------------------------------------------------


MONDAY = local(2026, 5, 18, 7, 30)


def _digest_of(unit_id: int):
    found = digest.digests(MONDAY, unit_id)
    return found[0] if found else None


def test_digest_lists_ongoing_work_whose_report_is_due(app_ctx, factory, world):
    due = ongoing(factory, world, world.dept, "monthly", made=local(2026, 4, 1, 9, 0))
    reported = ongoing(factory, world, world.dept, "weekly", made=local(2026, 5, 1, 9, 0))
    report(reported, local(2026, 5, 18, 7, 0))
    d = _digest_of(world.dept.id)
    assert [item.id for item in d.sections["report_due"]] == [due.id]
    assert d.counts["report_due"] == 1
    mail = digest.for_unit(world.dept.id, MONDAY)[1]
    assert "NHIỆM VỤ THƯỜNG XUYÊN ĐẾN KỲ BÁO CÁO (1)" in mail.body_text
    assert "1 đến kỳ báo cáo" in mail.subject
    assert "Nhiệm vụ thường xuyên đến kỳ báo cáo" in mail.body_html


def test_digest_of_a_unit_with_only_a_due_report_is_sent(app_ctx, factory, world):
    # Nothing else due for the ward: the due report alone makes a mail.
    Assignment.update(status="done").where(Assignment.unit == world.ward_b.id).execute()
    assert _digest_of(world.ward_b.id) is None
    ongoing(factory, world, world.ward_b, "quarterly", made=local(2026, 5, 11, 9, 0))
    assert _digest_of(world.ward_b.id).counts["report_due"] == 1


def test_digest_adds_one_query_at_most(app_ctx, factory, world):
    few = count_queries(lambda: digest.build(MONDAY))
    for unit in (world.ward_a, world.ward_b, world.dept):
        for code in ("weekly", "monthly", "quarterly"):
            ongoing(factory, world, unit, code, made=local(2026, 1, 5, 9, 0))
    many = count_queries(lambda: digest.build(MONDAY))
    assert many <= few + 1
    assert all(d.counts["report_due"] == 3 for d in digest.digests(MONDAY))


# --- the task form ---------------------------------------------------------------------------


def _task_data(**change) -> dict:
    data = {
        "number": "3",
        "title": "Cập nhật cơ sở dữ liệu",
        "field": "khac",
        "deadline_kind": "ongoing",
        "deadline": "",
        "report_cadence": "monthly",
        "lead": "",
    }
    data.update(change)
    return data


def test_an_ongoing_task_takes_its_cadence(client, auth, world):
    auth.login("tonghop")
    url = f"/meetings/{world.meeting.id}/tasks/new"
    assert client.post(url, data=_task_data()).status_code == 302
    task = Task.get(Task.title == "Cập nhật cơ sở dữ liệu")
    assert (task.deadline_kind, task.report_cadence, task.deadline) == ("ongoing", "monthly", None)
    page = html.unescape(client.get(f"/tasks/{task.id}").get_data(as_text=True))
    assert "Báo cáo hằng tháng" in page
    # Another kind drops the cadence.
    data = _task_data(number="3", deadline_kind="date", deadline="2026-06-30")
    assert client.post(f"/tasks/{task.id}/edit", data=data).status_code == 302
    assert Task.get_by_id(task.id).report_cadence == ""


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Vui lòng chọn kỳ báo cáo cho nhiệm vụ thường xuyên."),
        ("daily", "Kỳ báo cáo không hợp lệ."),
    ],
)
def test_an_ongoing_task_needs_a_valid_cadence(client, auth, world, value, message):
    auth.login("lanhdao")
    count = Task.select().count()
    url = f"/meetings/{world.meeting.id}/tasks/new"
    response = client.post(url, data=_task_data(report_cadence=value))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert f'<small id="report_cadence-error" class="field-error">{message}</small>' in page
    assert Task.select().count() == count

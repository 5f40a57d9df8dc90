"""No deadline before its meeting or its notice: every place that sets a deadline refuses one.

A deadline before the day the task was given makes the task overdue the moment it is created,
and the unit is counted late for it. The world's meeting was held on 01/05/2026; the tests date
its notice 05/05/2026, and "today" is 15/05/2026.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from tracker.api.tokens import create_token
from tracker.models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    Meeting,
    OutboxMessage,
    Task,
)
from tracker.tasks.deadlines import deadline_error, meeting_deadline_error

BEFORE_MEETING = "Hạn hoàn thành không được trước ngày họp (01/05/2026)."
BEFORE_NOTICE = "Hạn hoàn thành không được trước ngày thông báo kết luận (05/05/2026)."


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _beside(page: str, field_id: str) -> str:
    """The error shown beside a field of a WTForms form (macros.html's ``field``)."""
    match = re.search(rf'<small id="{field_id}-error" class="field-error">([^<]*)</small>', page)
    assert match, f"no error beside {field_id}"
    return match.group(1)


# Audited, but no change of tasks or assignments: signing in and out, a refusal, saving a review.
NOT_CHANGES = ("login", "logout", "denied", "notice_draft")


def _snapshot() -> tuple:
    """Everything a refused operation must leave as it was."""
    events = AuditEvent.select().where(AuditEvent.action.not_in(NOT_CHANGES))
    return (
        [t.__data__ for t in Task.select().order_by(Task.id)],
        [a.__data__ for a in Assignment.select().order_by(Assignment.id)],
        [r.__data__ for r in ExtensionRequest.select().order_by(ExtensionRequest.id)],
        events.count(),
        OutboxMessage.select().count(),
    )


@pytest.fixture
def noticed(world):
    """The world's meeting (held 01/05/2026) with its notice dated Tuesday 05/05/2026."""
    Meeting.update(notice_number="45/TB-UBND", notice_date=date(2026, 5, 5)).where(
        Meeting.id == world.meeting.id
    ).execute()
    world.meeting = Meeting.get_by_id(world.meeting.id)
    return world


def _task_data(**change) -> dict:
    data = {
        "number": "3",
        "title": "Rà soát thủ tục hành chính",
        "field": "thu_tuc",
        "deadline_kind": "date",
        "deadline": "2026-06-30",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "notice_date", "deadline", "expected"),
    [
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 4, 30), BEFORE_MEETING),
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 4), BEFORE_NOTICE),
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 5), None),  # the notice's own day
        (date(2026, 5, 1), None, date(2026, 5, 1), None),  # the meeting's own day
        (date(2026, 5, 1), None, date(2026, 4, 30), BEFORE_MEETING),
        # A notice typed before its meeting: the meeting still bounds the deadline.
        (date(2026, 5, 1), date(2026, 4, 24), date(2026, 4, 28), BEFORE_MEETING),
        # No meeting (a task given by a document): the document's date alone.
        (None, date(2026, 5, 5), date(2026, 5, 4), BEFORE_NOTICE),
        (None, None, date(2000, 1, 1), None),
        (date(2026, 5, 1), date(2026, 5, 5), None, None),  # no deadline, nothing to check
    ],
)
def test_the_rule(app, held_on, notice_date, deadline, expected):
    with app.test_request_context():
        assert deadline_error(held_on, notice_date, deadline) == expected


def test_a_task_of_no_meeting_is_not_bounded(app):
    with app.test_request_context():
        assert meeting_deadline_error(None, date(2000, 1, 1)) is None


# --- the task form: create and edit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "message"),
    [("2026-04-30", BEFORE_MEETING), ("04/05/2026", BEFORE_NOTICE)],
    ids=["before-meeting", "before-notice"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_create_refuses_a_deadline_before_the_meeting_or_notice(
    client, auth, noticed, deadline, message, htmx
):
    auth.login("tonghop")
    before = _snapshot()
    data = _task_data(deadline=deadline, lead=str(noticed.ward_a.id))
    response = client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    assert _beside(_text(response), "deadline") == message
    assert _snapshot() == before


def test_create_accepts_the_notice_day_itself(client, auth, noticed):
    auth.login("tonghop")
    data = _task_data(deadline="2026-05-05", lead=str(noticed.ward_a.id))
    assert client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert task.deadline == Assignment.get(Assignment.task == task).deadline == date(2026, 5, 5)


def test_working_days_from_a_notice_dated_before_its_meeting_are_checked(client, auth, world):
    # A notice typed as 24/04 for a meeting of 01/05: 1 working day is Monday 27/04.
    Meeting.update(notice_date=date(2026, 4, 24)).where(Meeting.id == world.meeting.id).execute()
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(deadline="", working_days="1")
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 400
    assert _beside(_text(response), "working_days") == BEFORE_MEETING
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("deadline", "message"),
    [("2026-04-30", BEFORE_MEETING), ("2026-05-04", BEFORE_NOTICE)],
    ids=["before-meeting", "before-notice"],
)
def test_edit_refuses_a_deadline_before_the_meeting_or_notice(
    client, auth, noticed, deadline, message
):
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(number="1", title=noticed.task.title, deadline=deadline)
    response = client.post(f"/tasks/{noticed.task.id}/edit", data=data)
    assert response.status_code == 400
    assert _beside(_text(response), "deadline") == message
    assert _snapshot() == before
    assert Task.get_by_id(noticed.task.id).deadline == date(2026, 5, 30)


def test_edit_of_a_task_of_no_meeting_has_no_lower_bound(client, auth, world):
    Task.update(meeting=None).where(Task.id == world.task.id).execute()
    auth.login("lanhdao")
    data = _task_data(number="1", title=world.task.title, deadline="2026-04-01")
    assert client.post(f"/tasks/{world.task.id}/edit", data=data).status_code == 302
    assert Task.get_by_id(world.task.id).deadline == date(2026, 4, 1)


# --- the API ---------------------------------------------------------------------------------


def _bearer(app, user) -> dict[str, str]:
    with app.app_context():
        _token, secret = create_token(user, "test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"deadline": "2026-04-30"}, "deadline", BEFORE_MEETING),
        ({"deadline": "2026-05-04"}, "deadline", BEFORE_NOTICE),
    ],
    ids=["before-meeting", "before-notice"],
)
def test_api_refuses_a_deadline_before_the_meeting_or_notice(
    app, client, noticed, body, field, message
):
    headers = _bearer(app, noticed.secretary)
    before = _snapshot()
    response = client.post(
        f"/api/v1/meetings/{noticed.meeting.id}/tasks",
        headers=headers,
        json={"title": "Việc", "deadline_kind": "date", "lead": noticed.ward_a.id, **body},
        csrf=False,
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {field: message}
    assert _snapshot() == before


def test_api_refuses_working_days_that_fall_before_the_meeting(app, client, world):
    Meeting.update(notice_date=date(2026, 4, 24)).where(Meeting.id == world.meeting.id).execute()
    headers = _bearer(app, world.leader)
    before = _snapshot()
    response = client.post(
        f"/api/v1/meetings/{world.meeting.id}/tasks",
        headers=headers,
        json={"title": "Việc", "deadline_kind": "date", "working_days": 1},
        csrf=False,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"working_days": BEFORE_MEETING}
    assert _snapshot() == before

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
from notice_support import review_form
from test_i18n import english_catalog  # noqa: F401  (the fixture compiling the English catalog)

from tracker.api.tokens import create_token
from tracker.models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    Meeting,
    NoticeDraft,
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


# --- the review of a notice's drafts ---------------------------------------------------------

NOTICE = """Kết luận:
1. Giao Phòng Nội vụ rà soát thủ tục hành chính, hoàn thành trước ngày 30/6/2026.
2. Giao UBND phường Sở Dầu báo cáo kết quả tuyên truyền, hoàn thành trước ngày 30/6/2026.
"""


def _draft_errors(page: str) -> list[str]:
    return re.findall(r'<small class="field-error">([^<]*)</small>', page)


@pytest.mark.parametrize(
    ("deadline", "message"),
    [("2026-04-30", BEFORE_MEETING), ("04/05/2026", BEFORE_NOTICE)],
    ids=["before-meeting", "before-notice"],
)
def test_review_refuses_a_draft_deadline_before_the_meeting_or_notice(
    client, auth, noticed, deadline, message
):
    meeting = noticed.meeting
    auth.login("tonghop")
    assert client.post(f"/meetings/{meeting.id}/notice", data={"text": NOTICE}).status_code == 302
    review = NoticeDraft.get(NoticeDraft.meeting == meeting)
    assert [d["deadline"] for d in review.drafts] == ["2026-06-30", "2026-06-30"]
    before = _snapshot()
    form = review_form(review, **{"d-1-deadline": deadline})
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert response.status_code == 400
    assert _draft_errors(_text(response)) == [message]
    assert _snapshot() == before  # the first, valid draft is not created either
    # The correction is kept, and the review page shows the error beside it.
    assert _draft_errors(_text(client.get(f"/meetings/{meeting.id}/notice"))) == [message]
    form = review_form(
        NoticeDraft.get(NoticeDraft.meeting == meeting), **{"d-1-deadline": "2026-05-05"}
    )
    assert client.post(f"/meetings/{meeting.id}/notice/create", data=form).status_code == 302
    created = Task.select().where(Task.meeting == meeting).order_by(Task.number.desc()).first()
    assert created.deadline == date(2026, 5, 5)


@pytest.mark.usefixtures("english_catalog")
def test_the_messages_follow_the_users_language(client, auth, noticed):
    auth.login("tonghop")
    client.post("/language", data={"locale": "en", "next": "/"})
    english = "The deadline cannot be before the meeting date (01/05/2026)."
    data = _task_data(deadline="2026-04-30", lead=str(noticed.ward_a.id))
    response = client.post(f"/meetings/{noticed.meeting.id}/tasks/new", data=data)
    assert _beside(_text(response), "deadline") == english
    # The review translates its messages when it shows them: this one comes translated.
    meeting = noticed.meeting
    client.post(f"/meetings/{meeting.id}/notice", data={"text": NOTICE})
    form = review_form(
        NoticeDraft.get(NoticeDraft.meeting == meeting), **{"d-1-deadline": "2026-04-30"}
    )
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert _draft_errors(_text(response)) == [english]


# --- extension requests ----------------------------------------------------------------------
# Today is 15/05/2026; a meeting dated 20/06/2026 (its date corrected after the tasks were
# entered) makes a request for 15/06 later than today and the current deadline, yet before it.

LATER_MEETING = "Hạn hoàn thành không được trước ngày họp (20/06/2026)."
REQUEST = {"requested_deadline": "2026-06-15", "reason": "Chờ kinh phí được phân bổ"}


def _move_meeting(world, day: date) -> None:
    Meeting.update(held_on=day).where(Meeting.id == world.meeting.id).execute()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_extension_request_before_the_meeting_is_refused(client, auth, world, htmx):
    _move_meeting(world, date(2026, 6, 20))
    auth.login("p.sodau")
    before = _snapshot()
    a = world.assignment_a
    response = client.post(f"/assignments/{a.id}/extensions", data=REQUEST, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    assert _beside(_text(response), "extension-deadline") == LATER_MEETING
    assert _snapshot() == before


def test_extension_after_the_meeting_is_still_accepted(client, auth, world):
    _move_meeting(world, date(2026, 6, 10))
    auth.login("p.sodau")
    data = {**REQUEST, "requested_deadline": "2026-06-10"}
    response = client.post(f"/assignments/{world.assignment_a.id}/extensions", data=data)
    assert response.status_code == 302
    assert ExtensionRequest.get().requested_deadline == date(2026, 6, 10)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_approving_a_date_before_the_meeting_is_refused(client, auth, world, htmx):
    auth.login("p.sodau")
    a = world.assignment_a
    assert client.post(f"/assignments/{a.id}/extensions", data=REQUEST).status_code == 302
    req = ExtensionRequest.get()
    _move_meeting(world, date(2026, 6, 20))  # corrected while the request waited
    auth.logout()
    auth.login("lanhdao")
    before = _snapshot()
    data = {"origin": "assignment", "reason": ""}
    response = client.post(f"/extensions/{req.id}/approve", data=data, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    assert LATER_MEETING in _text(response)
    assert _snapshot() == before
    assert ExtensionRequest.get_by_id(req.id).status == "pending"
    # The leader can still reject it.
    data = {"origin": "assignment", "reason": "Hạn đề nghị trước ngày họp."}
    response = client.post(f"/extensions/{req.id}/reject", data=data)
    assert response.status_code == 302
    assert ExtensionRequest.get_by_id(req.id).status == "rejected"

"""Meetings: the list (search, sort, pages, counts), a meeting's page, create and edit."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from query_support import count_page_queries

from tracker.models import AuditEvent, Meeting

GOOD = {
    "title": "Họp Ban Chỉ đạo Cải cách hành chính quận",
    "held_on": "2022-04-26",
    "place": "Hội trường UBND quận",
    "chair_name": "Đỗ Việt Hưng",
    "chair_title": "Phó Chủ tịch Thường trực UBND quận",
    "attendees": "Thành viên Ban Chỉ đạo; Chủ tịch UBND các phường",
    "notice_number": "45/TB-UBND",
    "notice_date": "28/04/2022",
    "conclusion": "Tiếp tục tăng cường công tác chỉ đạo, điều hành cải cách hành chính.",
}


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def ward_a_only(factory, world):
    """A meeting whose only task is given to ward A alone."""
    meeting = factory.meeting("Họp chuyên đề phường Sở Dầu", notice_number="12/TB-UBND")
    task = factory.task(meeting, "Chỉnh trang đô thị", deadline=date(2026, 6, 1))
    factory.assignment(task, world.ward_a)
    return meeting


# The list


def test_list_shows_meetings_with_counts(client, auth, world):
    auth.login("lanhdao")
    world.assignment_a.status = "done"
    world.assignment_a.save()
    page = _text(client.get("/meetings"))
    assert "Họp Ban Chỉ đạo CCHC" in page
    assert f'href="/meetings/{world.meeting.id}"' in page
    row = page[page.index("Họp Ban Chỉ đạo CCHC") :]
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)
    assert cells[:2] == ["2", "1/3"]


def test_list_for_officer_shows_only_their_meetings_and_tasks(client, auth, world, ward_a_only):
    auth.login("p.hoangvanthu")
    page = _text(client.get("/meetings"))
    assert "Họp Ban Chỉ đạo CCHC" in page
    assert "Họp chuyên đề phường Sở Dầu" not in page
    auth.logout()
    auth.login("pb.noivu")
    page = _text(client.get("/meetings"))
    assert "Họp chuyên đề phường Sở Dầu" not in page
    row = page[page.index("Họp Ban Chỉ đạo CCHC") :]
    # The department sees one task of that meeting, and its one assignment.
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)[:2] == ["1", "0/1"]
    auth.logout()
    auth.login("p.sodau")
    assert "Họp chuyên đề phường Sở Dầu" in _text(client.get("/meetings"))


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("admin", True),
        ("lanhdao", True),
        ("tonghop", True),
        ("theodoi", False),
        ("p.sodau", False),
    ],
)
def test_add_button_only_for_those_who_may_create(client, auth, world, username, shown):
    auth.login(username)
    page = _text(client.get("/meetings"))
    assert ("Thêm cuộc họp" in page) is shown
    assert ('href="/meetings/new"' in page) is shown


def test_search_by_title_notice_and_conclusion(client, auth, factory, world):
    factory.meeting("Họp giao ban tháng 5", notice_number="77/TB-UBND")
    factory.meeting("Họp về đất đai", conclusion="Rà soát THỦ TỤC cấp giấy chứng nhận")
    auth.login("lanhdao")
    page = _text(client.get("/meetings?q=giao ban"))
    assert "Họp giao ban tháng 5" in page and "Họp về đất đai" not in page
    assert "Họp giao ban tháng 5" in _text(client.get("/meetings?q=77/TB"))
    found = _text(client.get("/meetings?q=thủ tục"))
    assert "Họp về đất đai" in found and "Họp giao ban" not in found


def test_htmx_search_returns_only_the_rows_block(client, auth, factory, world):
    factory.meeting("Họp giao ban tháng 5")
    auth.login("lanhdao")
    response = client.hx_get("/meetings?q=giao+ban")
    body = _text(response)
    assert response.status_code == 200
    assert "<html" not in body and 'type="search"' not in body
    assert body.lstrip().startswith('<div id="meeting-rows">')
    assert "Họp giao ban tháng 5" in body and "Họp Ban Chỉ đạo CCHC" not in body
    assert "HX-Request" in response.headers.get("Vary", "")


def test_search_input_is_an_active_search(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get("/meetings"))
    search = re.search(r'<input type="search"[^>]*>', page, re.S).group(0)
    assert 'hx-get="/meetings"' in search
    assert 'hx-trigger="search, keyup changed delay:300ms"' in search
    assert 'hx-target="#meeting-rows"' in search and 'hx-push-url="true"' in search
    assert '<form method="get" action="/meetings"' in page


def test_empty_state_for_a_search_without_results(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get("/meetings?q=khongcogi"))
    assert '<p class="empty">Không có cuộc họp nào khớp với từ khóa' in page
    assert "<table" not in page


def test_empty_list_for_officer_without_tasks(client, auth, factory, world):
    unit = factory.unit("UBND phường Minh Khai", code="minhkhai")
    factory.user("p.minhkhai", "officer", unit)
    auth.login("p.minhkhai")
    page = _text(client.get("/meetings"))
    assert '<p class="empty">Chưa có cuộc họp nào.</p>' in page
    assert "Họp Ban Chỉ đạo CCHC" not in page


def test_sorting(client, auth, factory, world):
    factory.meeting("A cuộc họp đầu", held_on=date(2026, 1, 5), notice_number="9/TB")
    factory.meeting("Z cuộc họp cuối", held_on=date(2026, 3, 5), notice_number="1/TB")
    auth.login("lanhdao")

    def order(url: str) -> list[str]:
        return re.findall(r'href="/meetings/\d+">([^<]+)</a>', _text(client.get(url)))

    assert order("/meetings") == ["Họp Ban Chỉ đạo CCHC", "Z cuộc họp cuối", "A cuộc họp đầu"]
    assert order("/meetings?sort=date") == [
        "A cuộc họp đầu",
        "Z cuộc họp cuối",
        "Họp Ban Chỉ đạo CCHC",
    ]
    assert order("/meetings?sort=title")[0] == "A cuộc họp đầu"
    assert order("/meetings?sort=-title")[0] == "Z cuộc họp cuối"
    assert order("/meetings?sort=notice")[:2] == ["Họp Ban Chỉ đạo CCHC", "Z cuộc họp cuối"]
    assert order("/meetings?sort=nonsense") == order("/meetings")


def test_pagination(app, client, auth, factory, world):
    app.config["PAGE_SIZE"] = 2
    for day in range(2, 6):
        factory.meeting(f"Họp ngày {day}", held_on=date(2026, 4, day))
    auth.login("lanhdao")
    first = _text(client.get("/meetings"))
    assert "Trang 1 / 3" in first and "Họp Ban Chỉ đạo CCHC" in first
    assert "Họp ngày 4" not in first
    last = client.hx_get("/meetings?page=3")
    body = _text(last)
    assert "<html" not in body and "Trang 3 / 3" in body and "Họp ngày 2" in body
    assert 'hx-get="/meetings?page=2"' in body
    assert "Trang 3 / 3" in _text(client.get("/meetings?page=99"))
    assert "Trang 1 / 3" in _text(client.get("/meetings?page=abc"))


def test_list_query_count_does_not_grow(client, auth, factory, world):
    auth.login("lanhdao")
    client.get("/meetings")
    before = count_page_queries(client, "/meetings")
    for i in range(8):
        meeting = factory.meeting(f"Họp thêm {i}")
        task = factory.task(meeting, f"Việc {i}", deadline=date(2026, 6, 1))
        factory.assignment(task, world.ward_a, status="done" if i % 2 else "new")
        factory.assignment(task, world.dept)
    # The units given work are counted again once (the navigation's queue, from their
    # tallies); then the page costs what it cost with fewer rows.
    client.get("/meetings")
    assert count_page_queries(client, "/meetings") == before


def test_list_requires_login(client, world):
    response = client.get("/meetings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Creating


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop"])
def test_create_meeting(client, auth, world, username):
    auth.login(username)
    assert client.get("/meetings/new").status_code == 200
    response = client.post("/meetings/new", data=GOOD)
    assert response.status_code == 302
    meeting = Meeting.get(Meeting.title == GOOD["title"])
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
    assert meeting.held_on == date(2022, 4, 26)
    assert meeting.notice_date == date(2022, 4, 28)
    assert meeting.notice_number == "45/TB-UBND"
    assert meeting.chair_name == "Đỗ Việt Hưng"
    assert meeting.created_by.username == username
    event = AuditEvent.get(AuditEvent.action == "create", AuditEvent.object_type == "meeting")
    assert event.object_id == meeting.id
    assert json.loads(event.after)["notice_number"] == "45/TB-UBND"


def test_create_with_only_the_required_fields(client, auth, world):
    auth.login("tonghop")
    response = client.post(
        "/meetings/new", data={"title": "  Họp nhanh  ", "held_on": "2026-05-20"}
    )
    assert response.status_code == 302
    meeting = Meeting.get(Meeting.title == "Họp nhanh")
    assert meeting.notice_date is None and meeting.place == ""


BAD = [
    ({"held_on": "2026-02-30"}, "held_on", "Ngày không hợp lệ"),
    ({"held_on": "30/02/2026"}, "held_on", "Ngày không hợp lệ"),
    ({"held_on": ""}, "held_on", "Trường này là bắt buộc."),
    ({"title": "   "}, "title", "Trường này là bắt buộc."),
    ({"title": "H" * 301}, "title", "Tối đa 300 ký tự."),
    ({"notice_date": "2022-13-01"}, "notice_date", "Ngày không hợp lệ"),
    ({"notice_number": "4" * 61}, "notice_number", "Tối đa 60 ký tự."),
    ({"conclusion": "k" * 20001}, "conclusion", "Tối đa 20000 ký tự."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_create_refuses_bad_input(client, auth, world, change, field, message):
    auth.login("lanhdao")
    before = Meeting.select().count()
    response = client.post("/meetings/new", data={**GOOD, **change})
    body = _text(response)
    assert response.status_code == 400
    error = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', body)
    assert error and message in error.group(1)
    assert Meeting.select().count() == before
    assert not AuditEvent.select().where(AuditEvent.object_type == "meeting").exists()


def test_htmx_post_with_errors_returns_the_form_block(client, auth, world):
    auth.login("lanhdao")
    response = client.post("/meetings/new", data={**GOOD, "title": ""}, htmx=True)
    body = _text(response)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith("<form")
    assert "Trường này là bắt buộc." in body


def test_create_requires_csrf(client, auth, world):
    auth.login("lanhdao")
    before = Meeting.select().count()
    assert client.post("/meetings/new", data=GOOD, csrf=False).status_code == 400
    assert Meeting.select().count() == before


@pytest.mark.parametrize("username", ["theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_officer_and_viewer_cannot_create(client, auth, world, username, htmx):
    auth.login(username)
    before = Meeting.select().count()
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=GOOD, htmx=htmx).status_code == 403
    assert Meeting.select().count() == before


# Editing


def test_edit_meeting_records_before_and_after(client, auth, world):
    auth.login("tonghop")
    page = _text(client.get(f"/meetings/{world.meeting.id}/edit"))
    assert 'value="Họp Ban Chỉ đạo CCHC"' in page and 'value="2026-05-01"' in page
    data = {**GOOD, "title": "Họp Ban Chỉ đạo CCHC quận", "held_on": "2026-05-01"}
    response = client.post(f"/meetings/{world.meeting.id}/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{world.meeting.id}"
    meeting = Meeting.get_by_id(world.meeting.id)
    assert meeting.title == "Họp Ban Chỉ đạo CCHC quận"
    assert meeting.notice_number == "45/TB-UBND"
    event = AuditEvent.get(AuditEvent.action == "update", AuditEvent.object_type == "meeting")
    before, after = json.loads(event.before), json.loads(event.after)
    assert before["title"] == "Họp Ban Chỉ đạo CCHC"
    assert after["title"] == "Họp Ban Chỉ đạo CCHC quận"
    assert "held_on" not in after  # unchanged fields are not recorded


def test_edit_without_changes_records_nothing(client, auth, world):
    auth.login("lanhdao")
    data = {"title": "Họp Ban Chỉ đạo CCHC", "held_on": "01/05/2026"}
    assert client.post(f"/meetings/{world.meeting.id}/edit", data=data).status_code == 302
    assert not AuditEvent.select().where(AuditEvent.action == "update").exists()


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_edit_refuses_bad_input(client, auth, world, change, field, message):
    auth.login("lanhdao")
    response = client.post(f"/meetings/{world.meeting.id}/edit", data={**GOOD, **change})
    assert response.status_code == 400
    assert f'id="{field}-error"' in _text(response) and message in _text(response)
    meeting = Meeting.get_by_id(world.meeting.id)
    assert meeting.title == "Họp Ban Chỉ đạo CCHC" and meeting.notice_number == ""


@pytest.mark.parametrize("username", ["theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_officer_and_viewer_cannot_edit(client, auth, world, username, htmx):
    auth.login(username)
    url = f"/meetings/{world.meeting.id}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data=GOOD, htmx=htmx).status_code == 403
    assert Meeting.get_by_id(world.meeting.id).title == "Họp Ban Chỉ đạo CCHC"


# A meeting's page


def test_meeting_page_shows_tasks_and_assignments(client, auth, world):
    Meeting.update(conclusion="Giao các phường tuyên truyền.", notice_number="45/TB-UBND").where(
        Meeting.id == world.meeting.id
    ).execute()
    auth.login("lanhdao")
    page = _text(client.get(f"/meetings/{world.meeting.id}"))
    assert "Giao các phường tuyên truyền." in page and "45/TB-UBND" in page
    assert "Tăng cường tuyên truyền CCHC" in page and "Nâng cấp hạ tầng số" in page
    assert f'href="/tasks/{world.task.id}"' in page
    # Each task in brief: its lead unit (or how many lead together), and its units counted by
    # status and timeliness, with a link to the task's page that lists them all.
    assert "2 đơn vị cùng chủ trì" in page
    assert f'href="/assignments/{world.assignment_dept.id}">Phòng Nội vụ</a>' in page
    assert f'<a href="/tasks/{world.task.id}#task-assignments">2 đơn vị</a>' in page
    assert '<span class="badge status-new">Chưa thực hiện: 2</span>' in page
    assert "30/05/2026" in page
    assert '<span class="badge t-on_time">Trong hạn: 2</span>' in page
    assert '<span class="badge t-overdue">Quá hạn: 1</span>' in page
    assert f'href="/meetings/{world.meeting.id}/edit"' in page
    assert f'href="/meetings/{world.meeting.id}/tasks/new"' in page


def test_meeting_page_pages_its_tasks(client, app, auth, factory, world):
    for i in range(app.config["PAGE_SIZE"]):
        task = factory.task(world.meeting, f"Việc thêm {i:02d}", deadline=date(2026, 6, 1))
        factory.assignment(task, world.ward_a, status="done", completed_on=date(2026, 5, 2))
    auth.login("lanhdao")
    url = f"/meetings/{world.meeting.id}"
    first = _text(client.get(url))
    assert "Trang 1 / 2" in first and f'href="{url}?page=2"' in first
    assert "Tăng cường tuyên truyền CCHC" in first and "Việc thêm 17" in first
    assert "Việc thêm 18" not in first
    second = client.hx_get(f"{url}?page=2")
    body = _text(second)
    # htmx gets only the tasks block; the rest of the meeting's tasks are on page 2.
    assert body.lstrip().startswith('<section id="meeting-tasks">') and "<html" not in body
    assert "Việc thêm 18" in body and "Việc thêm 19" in body and "Trang 2 / 2" in body
    assert '<span class="badge t-done_on_time">Hoàn thành đúng hạn: 1</span>' in body
    assert "Tăng cường tuyên truyền CCHC" not in body


def test_meeting_page_for_viewer_has_no_change_buttons(client, auth, world):
    auth.login("theodoi")
    page = _text(client.get(f"/meetings/{world.meeting.id}"))
    assert "Tăng cường tuyên truyền CCHC" in page
    assert "/edit" not in page and "/tasks/new" not in page


def test_officer_sees_only_their_tasks_of_a_meeting(client, auth, world):
    auth.login("pb.noivu")
    page = _text(client.get(f"/meetings/{world.meeting.id}"))
    assert "Nâng cấp hạ tầng số" in page
    assert "Tăng cường tuyên truyền CCHC" not in page
    assert "/edit" not in page


def test_officer_of_another_ward_cannot_read_the_meeting(client, auth, world, ward_a_only):
    auth.login("p.hoangvanthu")
    assert client.get(f"/meetings/{ward_a_only.id}").status_code == 403
    assert client.hx_get(f"/meetings/{ward_a_only.id}").status_code == 403
    auth.logout()
    auth.login("p.sodau")
    assert "Chỉnh trang đô thị" in _text(client.get(f"/meetings/{ward_a_only.id}"))


def test_meeting_page_query_count_does_not_grow(client, auth, factory, world):
    auth.login("lanhdao")
    url = f"/meetings/{world.meeting.id}"
    client.get(url)
    before = count_page_queries(client, url)
    for i in range(6):
        task = factory.task(world.meeting, f"Việc thêm {i}", deadline=date(2026, 6, 1))
        factory.assignment(task, world.ward_a)
        factory.assignment(task, world.ward_b, role="coordinating")
    client.get(url)  # the units given work are counted again once (the navigation's queue)
    assert count_page_queries(client, url) == before


@pytest.mark.parametrize("suffix", ["", "/edit", "/tasks/new"])
def test_unknown_meeting_is_404(client, auth, world, suffix):
    auth.login("lanhdao")
    assert client.get(f"/meetings/99999{suffix}").status_code == 404

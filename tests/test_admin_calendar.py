"""The admin calendar (/admin/calendar): days off and make-up working days, with the public
holidays of the year shown read-only; admins only, every change audited."""

from __future__ import annotations

import html
import json
from datetime import date

import pytest
from conftest import NOW
from test_i18n import _english_page, _switch, english_catalog  # noqa: F401 (a fixture)

from tracker.models import AuditEvent, CalendarDay
from tracker.tasks.workdays import add_working_days

NON_ADMINS = ["lanhdao", "tonghop", "p.sodau", "theodoi"]


def snapshot() -> tuple:
    rows = [tuple(r.values()) for r in CalendarDay.select().order_by(CalendarDay.id).dicts()]
    events = AuditEvent.select().where(AuditEvent.object_type == "calendarday").count()
    return rows, events


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def beside(page: str, field_id: str, message: str) -> bool:
    return f'<small id="{field_id}-error" class="field-error">{message}</small>' in page


def add(client, htmx: bool = False, **data):
    return client.post("/admin/calendar", data=data, htmx=htmx)


@pytest.fixture
def admin(client, auth, world):
    auth.login("admin")
    return world


def test_list_shows_the_years_days_upcoming_first_and_the_holidays(client, admin):
    for day, kind in [
        (date(2026, 1, 3), "work"),
        (date(2026, 3, 2), "off"),
        (date(2026, 12, 26), "work"),
        (date(2026, 6, 6), "work"),
        (date(2027, 1, 2), "work"),
    ]:
        CalendarDay.create(day=day, kind=kind, note=f"Ghi chú {day}", created_at=NOW)
    page = text(client.get("/admin/calendar"))
    shown = [n for n in ("2026-06-06", "2026-12-26", "2026-03-02", "2026-01-03") if n in page]
    assert shown == ["2026-06-06", "2026-12-26", "2026-03-02", "2026-01-03"]
    positions = [page.index(f"Ghi chú {d}") for d in shown]
    assert positions == sorted(positions)
    assert "2027-01-02" not in page
    assert "Ngày làm việc bù" in page and "Ngày nghỉ" in page
    # The library's holidays, read-only, with their Vietnamese names.
    assert "Ngày lễ, Tết theo quy định năm 2026" in page
    assert "Tết Nguyên Đán" in page and "17/02/2026" in page and "Quốc khánh" in page
    page = text(client.get("/admin/calendar?year=2027"))
    assert "Ghi chú 2027-01-02" in page and "Ghi chú 2026-06-06" not in page
    assert "10/02/2027" in page  # the fifth day of Tết 2027


@pytest.mark.parametrize("year", ["abc", "1200", "99999999999999999999", ""])
def test_a_bad_year_shows_this_year(client, admin, year):
    response = client.get(f"/admin/calendar?year={year}")
    assert response.status_code == 200
    assert "Ngày lễ, Tết theo quy định năm 2026" in text(response)


def test_empty_state(client, admin):
    page = text(client.get("/admin/calendar"))
    assert '<p class="empty">Năm 2026 chưa có ngày nghỉ hay ngày làm việc bù nào' in page


def test_htmx_year_filter_returns_the_body_only(client, admin):
    response = client.hx_get("/admin/calendar?year=2027")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="calendar-body">')


def test_add_a_make_up_working_day(client, admin):
    response = add(client, day="2026-06-06", kind="work", note="Làm bù cho ngày 29/5")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/calendar?year=2026")
    row = CalendarDay.get(CalendarDay.day == date(2026, 6, 6))
    assert (row.kind, row.note, row.created_by_id) == (
        "work",
        "Làm bù cho ngày 29/5",
        admin.admin.id,
    )
    event = AuditEvent.get(AuditEvent.object_type == "calendarday")
    assert (event.action, event.actor_id, event.object_id) == ("create", admin.admin.id, row.id)
    assert json.loads(event.after) == {"day": "2026-06-06", "kind": "work", "note": row.note}
    page = text(client.get("/admin/calendar"))
    assert "Đã thêm ngày 06/06/2026 vào lịch." in page and "Làm bù cho ngày 29/5" in page
    # It now counts: Friday 05/06 + 1 working day is that Saturday.
    with client.application.app_context():
        assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 6)


def test_add_a_day_off_in_the_dd_mm_yyyy_form(client, admin):
    assert add(client, day="08/06/2026", kind="off", note="").status_code == 302
    assert CalendarDay.get(CalendarDay.day == date(2026, 6, 8)).kind == "off"


def test_adding_an_odd_day_warns_but_saves(client, admin):
    add(client, day="2026-06-10", kind="work")
    page = text(client.get("/admin/calendar"))
    assert "Lưu ý: ngày này vốn đã là ngày làm việc." in page
    add(client, day="2026-09-02", kind="off")
    page = text(client.get("/admin/calendar"))
    assert "Lưu ý: ngày này vốn đã là ngày nghỉ (cuối tuần hoặc ngày lễ)." in page
    assert CalendarDay.select().count() == 2


def test_htmx_add_returns_the_body_with_a_fresh_form(client, admin):
    response = add(client, htmx=True, day="2026-06-06", kind="work", note="Làm bù")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert "✓ Đã thêm ngày 06/06/2026 vào lịch." in body
    assert 'id="day" name="day" required type="date" value=""' in body
    assert CalendarDay.select().count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"day": "31/02/2026", "kind": "off"}, "day", "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"day": "hôm nay", "kind": "off"}, "day", "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"day": "", "kind": "off"}, "day", "Trường này là bắt buộc."),
        ({"day": "2026-06-06", "kind": "holiday"}, "kind", "Loại ngày không hợp lệ."),
        ({"day": "2026-06-06", "kind": "off", "note": "x" * 201}, "note", "Tối đa 200 ký tự."),
    ],
)
def test_bad_input_is_refused_beside_the_field(client, admin, data, field, message):
    before = snapshot()
    response = add(client, **data)
    assert response.status_code == 400
    assert beside(text(response), field, message)
    assert snapshot() == before
    response = add(client, htmx=True, **data)
    assert response.status_code == 200 and beside(text(response), field, message)
    assert snapshot() == before


def test_a_day_cannot_be_added_twice(client, admin):
    CalendarDay.create(day=date(2026, 6, 6), kind="work", created_at=NOW)
    before = snapshot()
    for kind in ("work", "off"):
        response = add(client, day="06/06/2026", kind=kind)
        assert response.status_code == 400
        message = "Ngày này đã có trong lịch; xóa dòng cũ trước nếu muốn đổi."
        assert beside(text(response), "day", message)
    assert snapshot() == before


def test_delete_asks_then_deletes(client, admin):
    row = CalendarDay.create(day=date(2026, 6, 8), kind="off", note="Nghỉ", created_at=NOW)
    url = f"/admin/calendar/{row.id}/delete"
    page = text(client.get(url))
    assert "Xóa ngày 08/06/2026 (Ngày nghỉ) khỏi lịch?" in page
    before = snapshot()
    # A POST without the confirmation button changes nothing.
    assert client.post(url, data={}).status_code == 400
    assert snapshot() == before
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.select().exists()
    event = AuditEvent.get(AuditEvent.object_type == "calendarday", AuditEvent.action == "delete")
    assert json.loads(event.before) == {"day": "2026-06-08", "kind": "off", "note": "Nghỉ"}
    assert "Đã xóa ngày 08/06/2026 khỏi lịch." in text(client.get("/admin/calendar"))


def test_unknown_ids_are_404(client, admin):
    for request in (
        lambda: client.get("/admin/calendar/9999/delete"),
        lambda: client.post("/admin/calendar/9999/delete", data={"confirm": "yes"}),
        lambda: client.post("/admin/calendar/9999/delete", data={"confirm": "yes"}, htmx=True),
    ):
        assert request().status_code == 404


@pytest.mark.parametrize("username", NON_ADMINS)
def test_non_admins_get_403(client, auth, world, username):
    row = CalendarDay.create(day=date(2026, 6, 8), kind="off", created_at=NOW)
    auth.login(username)
    before = snapshot()
    for url in ("/admin/calendar", f"/admin/calendar/{row.id}/delete"):
        assert client.get(url).status_code == 403
        assert client.hx_get(url).status_code == 403
    data = {"day": "2026-06-06", "kind": "work"}
    assert client.post("/admin/calendar", data=data).status_code == 403
    assert client.post("/admin/calendar", data=data, htmx=True).status_code == 403
    delete = f"/admin/calendar/{row.id}/delete"
    assert client.post(delete, data={"confirm": "yes"}).status_code == 403
    assert client.post(delete, data={"confirm": "yes"}, htmx=True).status_code == 403
    assert snapshot() == before


def test_post_without_csrf_is_refused(client, admin):
    before = snapshot()
    response = client.post(
        "/admin/calendar", data={"day": "2026-06-06", "kind": "work"}, csrf=False
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_nav_and_index_link_to_the_calendar(client, admin):
    page = text(client.get("/admin/"))
    assert 'href="/admin/calendar"' in page and "Lịch làm việc" in page
    page = text(client.get("/admin/calendar"))
    assert '<a href="/admin/calendar" aria-current="page">Lịch làm việc</a>' in page


@pytest.mark.usefixtures("english_catalog")
def test_the_calendar_in_english(app, client, admin):
    CalendarDay.create(day=date(2026, 6, 6), kind="work", created_at=NOW)
    _switch(client, "en")
    page = _english_page(app, client, "/admin/calendar", "Working calendar", "Make-up working day")
    assert "Lunar New Year" in page and "Saturday" in page
    response = client.post("/admin/calendar", data={"day": "06/06/2026", "kind": "work"})
    assert "This day is already in the calendar" in text(response)

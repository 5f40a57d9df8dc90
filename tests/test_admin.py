"""Administration: units, unit groups and users — admins only, every change audited."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from conftest import NOW

from tracker.models import (
    AuditEvent,
    CalendarDay,
    Unit,
    UnitGroup,
    UnitGroupMember,
    UnitKind,
    User,
)

NON_ADMINS = ["lanhdao", "tonghop", "p.sodau", "theodoi"]
LAST_ADMIN = "hệ thống phải còn ít nhất một quản trị viên đang hoạt động"


def snapshot() -> tuple:
    """Everything the admin pages may change (login events aside)."""

    def rows(model):
        return [tuple(r.values()) for r in model.select().order_by(model.id).dicts()]

    return (
        rows(UnitKind),
        rows(Unit),
        rows(UnitGroup),
        rows(UnitGroupMember),
        rows(User),
        AuditEvent.select().where(AuditEvent.action.not_in(("login", "denied"))).count(),
    )


def events(action: str, object_type: str) -> list[AuditEvent]:
    return list(
        AuditEvent.select()
        .where(AuditEvent.action == action, AuditEvent.object_type == object_type)
        .order_by(AuditEvent.id)
    )


def beside(html: str, field_id: str, message: str) -> bool:
    """Whether ``message`` is shown as the error of the field ``field_id``."""
    return f'<small id="{field_id}-error" class="field-error">{message}</small>' in html


def unit_data(**kw) -> dict:
    data = {
        "name": "Phòng Tài chính - Kế hoạch",
        "short_name": "TC-KH",
        "code": "tckh",
        "kind": "department",
        "email": "tckh@haiphong.gov.vn",
        "sort_order": "3",
    }
    data.update(kw)
    return data


def user_data(**kw) -> dict:
    data = {
        "username": "p.minhkhai",
        "full_name": "Nguyễn Văn Minh",
        "email": "minh@haiphong.gov.vn",
        "role": "officer",
        "unit": "",
        "password": "matkhau123",
    }
    data.update(kw)
    return data


def admin_requests(world) -> list[tuple[str, str, dict]]:
    """Every admin URL with a POST body that would change something if it were allowed."""
    unit, group, officer = world.ward_a.id, world.wards.id, world.officer_a.id
    kind = UnitKind.get(UnitKind.code == "agency").id
    return [
        ("GET", "/admin/", {}),
        ("GET", "/admin/units", {}),
        ("POST", "/admin/units/new", unit_data()),
        ("POST", f"/admin/units/{unit}/edit", unit_data()),
        ("POST", f"/admin/units/{unit}/deactivate", {"confirm": "yes"}),
        ("POST", f"/admin/units/{unit}/reactivate", {"confirm": "yes"}),
        # Unit kinds: the full matrix is in test_unit_kinds.py.
        ("GET", "/admin/kinds", {}),
        (
            "POST",
            "/admin/kinds/new",
            {"code": "thon", "name": "Thôn", "label": "Thôn", "group_label": "Các thôn"},
        ),
        (
            "POST",
            f"/admin/kinds/{kind}/edit",
            {"code": "agency", "name": "Khác", "label": "Khác", "group_label": "Khác"},
        ),
        ("POST", f"/admin/kinds/{kind}/delete", {"confirm": "yes"}),
        ("GET", "/admin/groups", {}),
        ("POST", "/admin/groups/new", {"name": "Nhóm mới", "units": [str(unit)]}),
        ("POST", f"/admin/groups/{group}/edit", {"name": "Đổi tên", "units": [str(unit)]}),
        ("POST", f"/admin/groups/{group}/delete", {"confirm": "yes"}),
        ("GET", "/admin/users", {}),
        ("POST", "/admin/users/new", user_data(role="leader")),
        ("POST", f"/admin/users/{officer}/edit", user_data(role="admin")),
        ("POST", f"/admin/users/{officer}/deactivate", {"confirm": "yes"}),
        ("POST", f"/admin/users/{officer}/reactivate", {"confirm": "yes"}),
        ("GET", "/admin/calendar", {}),
        ("POST", "/admin/calendar", {"day": "2026-06-06", "kind": "work", "note": "Làm bù"}),
        ("POST", f"/admin/calendar/{_calendar_day(world)}/delete", {"confirm": "yes"}),
        ("GET", "/admin/settings", {}),
        ("POST", "/admin/settings", {"units_share_progress": "y", "org_level": "province"}),
        # Import: the full matrix (with real files and previews) is in test_import.py.
        ("POST", "/admin/import", {"kind": "units"}),
        ("POST", "/admin/import/confirm", {"payload": "x", "only_valid": "1"}),
        ("GET", "/admin/import/template/units.xlsx", {}),
        ("POST", "/admin/letterhead", {"issuing_body": "VĂN PHÒNG", "place": "Hải Phòng"}),
    ]


def _calendar_day(world) -> int:
    """A day in the admin calendar, for the delete URL (made once per test)."""
    row, _ = CalendarDay.get_or_create(
        day=date(2026, 9, 4), defaults={"kind": "off", "created_at": NOW}
    )
    return row.id


# --- permissions -------------------------------------------------------------------------


def test_every_admin_route_is_covered(app, world):
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(url, method)[0] for method, url, _ in admin_requests(world)}
    admin = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert admin == covered


@pytest.mark.parametrize("username", NON_ADMINS)
def test_non_admins_get_403_everywhere(client, auth, world, username):
    auth.login(username)
    before = snapshot()
    for method, url, data in admin_requests(world):
        assert client.get(url).status_code == 403, url
        assert client.hx_get(url).status_code == 403, url
        if method == "POST":
            assert client.post(url, data=data).status_code == 403, url
            assert client.post(url, data=data, htmx=True).status_code == 403, url
    assert snapshot() == before


def test_anonymous_is_sent_to_login(client, world):
    for _, url, _ in admin_requests(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_unknown_ids_are_404(client, auth, world):
    auth.login("admin")
    before = snapshot()
    for noun, actions in [
        ("units", ["edit", "deactivate", "reactivate"]),
        ("groups", ["edit", "delete"]),
        ("kinds", ["edit", "delete"]),
        ("users", ["edit", "deactivate", "reactivate"]),
    ]:
        for action in actions:
            url = f"/admin/{noun}/9999/{action}"
            assert client.get(url).status_code == 404, url
            assert client.post(url, data={"confirm": "yes"}).status_code == 404, url
            assert client.post(url, data={"confirm": "yes"}, htmx=True).status_code == 404, url
    assert snapshot() == before


def test_post_without_csrf_is_refused(client, auth, world):
    auth.login("admin")
    before = snapshot()
    response = client.post("/admin/units/new", data=unit_data(), csrf=False)
    assert response.status_code == 400
    assert snapshot() == before


# --- index ---------------------------------------------------------------------------------


def test_index_links_to_lists_with_counts(client, auth, world, factory):
    factory.unit("Ban quản lý dự án", kind="agency", code="bqlda", active=False)
    auth.login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    for endpoint in ("/admin/units", "/admin/groups", "/admin/users"):
        assert f'href="{endpoint}"' in html
    assert "<strong>4</strong> đơn vị · 3 đang hoạt động" in html
    assert "<strong>1</strong> nhóm" in html
    assert "<strong>7</strong> tài khoản · 7 đang hoạt động" in html


def test_admin_menu_only_for_admins(client, auth, world):
    auth.login("admin")
    assert 'href="/admin/"' in client.get("/admin/units").get_data(as_text=True)


# --- units ---------------------------------------------------------------------------------


def test_unit_list_shows_inactive_with_badge_and_searches(client, auth, world, factory):
    factory.unit("Ban quản lý dự án", kind="agency", code="bqlda", active=False)
    auth.login("admin")
    html = client.get("/admin/units").get_data(as_text=True)
    assert "Ban quản lý dự án" in html and "badge-inactive" in html
    # Default order: departments, then wards, then agencies.
    assert html.index("Phòng Nội vụ") < html.index("Sở Dầu") < html.index("Ban quản lý dự án")
    found = client.get("/admin/units?q=sở+DẦU").get_data(as_text=True)
    assert "UBND phường Sở Dầu" in found and "Hoàng Văn Thụ" not in found
    by_code = client.get("/admin/units?q=noivu").get_data(as_text=True)
    assert "Phòng Nội vụ" in by_code and "Sở Dầu" not in by_code
    wards = client.get("/admin/units?kind=ward").get_data(as_text=True)
    assert "Sở Dầu" in wards and "Phòng Nội vụ" not in wards
    inactive = client.get("/admin/units?state=inactive").get_data(as_text=True)
    assert "Ban quản lý dự án" in inactive and "Sở Dầu" not in inactive
    empty = client.get("/admin/units?q=không-có").get_data(as_text=True)
    assert '<p class="empty">' in empty


def test_unit_list_sorts_and_paginates(client, auth, world, factory):
    for n in range(25):
        factory.unit(f"Tổ dân phố {n:02d}", kind="agency", code=f"tdp{n:02d}")
    auth.login("admin")
    html = client.get("/admin/units?sort=-name").get_data(as_text=True)
    assert html.index("UBND phường Sở Dầu") < html.index("UBND phường Hoàng Văn Thụ")
    assert "Trang 1 / 2" in html and "Phòng Nội vụ" not in html
    second = client.get("/admin/units?sort=name&page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in second and "Phòng Nội vụ" not in second
    assert "Tổ dân phố 24" in second and "UBND phường Sở Dầu" in second


def test_unit_list_htmx_returns_only_the_results(client, auth, world):
    auth.login("admin")
    response = client.hx_get("/admin/units?q=nội")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="unit-results">')
    assert "<html" not in html and "Phòng Nội vụ" in html
    assert "HX-Request" in response.headers["Vary"]


def test_create_unit(client, auth, world):
    auth.login("admin")
    assert "Thêm đơn vị" in client.get("/admin/units/new").get_data(as_text=True)
    response = client.post("/admin/units/new", data=unit_data(code=" TCKH "))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/units"
    unit = Unit.get(Unit.code == "tckh")
    assert (unit.name, unit.short_name, unit.kind, unit.sort_order, unit.active) == (
        "Phòng Tài chính - Kế hoạch",
        "TC-KH",
        "department",
        3,
        True,
    )
    (event,) = events("create", "unit")
    assert event.actor_id == world.admin.id and event.object_id == unit.id
    assert json.loads(event.after)["code"] == "tckh"
    assert "Đã thêm đơn vị" in client.get("/admin/units").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "UBND PHƯỜNG SỞ DẦU"}, "name", "Tên đơn vị đã tồn tại."),
        ({"code": "sodau"}, "code", "Mã đơn vị đã tồn tại."),
        (
            {"code": "sở-dầu"},
            "code",
            "Mã chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch ngang.",
        ),
        (
            {"code": "so dau"},
            "code",
            "Mã chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch ngang.",
        ),
        ({"email": "không-phải-email"}, "email", "Địa chỉ email không hợp lệ."),
        ({"email": "a@b"}, "email", "Địa chỉ email không hợp lệ."),
        ({"name": "x" * 201}, "name", "Tối đa 200 ký tự."),
        ({"short_name": "x" * 61}, "short_name", "Tối đa 60 ký tự."),
        ({"code": "a" * 41}, "code", "Tối đa 40 ký tự."),
        ({"name": "   "}, "name", "Trường này là bắt buộc."),
        ({"kind": ""}, "kind", "Trường này là bắt buộc."),
        ({"kind": "ministry"}, "kind", "Lựa chọn không hợp lệ."),
        ({"sort_order": "abc"}, "sort_order", "Thứ tự phải là số nguyên."),
        ({"sort_order": "-1"}, "sort_order", "Thứ tự phải là số từ 0 đến 9999."),
        ({"sort_order": "99999999999"}, "sort_order", "Thứ tự phải là số từ 0 đến 9999."),
    ],
)
def test_create_unit_bad_input(client, auth, world, data, field, message):
    auth.login("admin")
    before = snapshot()
    response = client.post("/admin/units/new", data=unit_data(**data))
    assert response.status_code == 400
    assert beside(response.get_data(as_text=True), field, message)
    assert snapshot() == before


def test_create_unit_bad_input_htmx_gets_the_form_block(client, auth, world):
    auth.login("admin")
    before = snapshot()
    response = client.post("/admin/units/new", data=unit_data(code="sodau"), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<article id="unit-form"')
    assert beside(html, "code", "Mã đơn vị đã tồn tại.")
    assert snapshot() == before


def test_edit_unit(client, auth, world):
    auth.login("admin")
    url = f"/admin/units/{world.ward_a.id}/edit"
    assert 'value="sodau"' in client.get(url).get_data(as_text=True)
    data = unit_data(name="UBND phường Sở Dầu", short_name="Sở Dầu", code="sodau", kind="ward")
    data["email"] = "sodau@haiphong.gov.vn"
    assert client.post(url, data=data).status_code == 302
    unit = Unit.get_by_id(world.ward_a.id)
    assert unit.email == "sodau@haiphong.gov.vn" and unit.sort_order == 3
    (event,) = events("update", "unit")
    assert json.loads(event.before) == {
        "email": "",
        "short_name": "UBND phường Sở Dầu",
        "sort_order": 0,
    }
    assert json.loads(event.after) == {
        "email": "sodau@haiphong.gov.vn",
        "short_name": "Sở Dầu",
        "sort_order": 3,
    }


def test_edit_unit_without_changes_writes_no_event(client, auth, world):
    auth.login("admin")
    unit = world.dept
    data = unit_data(name=unit.name, short_name=unit.short_name, code=unit.code)
    data.update(kind=unit.kind, email="", sort_order="0")
    assert client.post(f"/admin/units/{unit.id}/edit", data=data).status_code == 302
    assert events("update", "unit") == []


def test_edit_unit_duplicate_refused(client, auth, world):
    auth.login("admin")
    before = snapshot()
    response = client.post(
        f"/admin/units/{world.ward_a.id}/edit",
        data=unit_data(name="Phòng Nội vụ", code="hoangvanthu", kind="ward"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert beside(html, "name", "Tên đơn vị đã tồn tại.")
    assert beside(html, "code", "Mã đơn vị đã tồn tại.")
    assert snapshot() == before


def test_deactivate_and_reactivate_unit(client, auth, world):
    auth.login("admin")
    url = f"/admin/units/{world.ward_a.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert "Ngừng hoạt động đơn vị «UBND phường Sở Dầu»?" in page
    assert "1 tài khoản đang hoạt động" in page
    before = snapshot()
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400
    assert "Vui lòng bấm nút xác nhận" in unconfirmed.get_data(as_text=True)
    assert snapshot() == before
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert not Unit.get_by_id(world.ward_a.id).active
    (event,) = events("deactivate", "unit")
    assert json.loads(event.after) == {"active": False}
    assert [u.id for u in world.wards.units()] == [world.ward_b.id]
    # The already-inactive unit is not changed twice.
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert len(events("deactivate", "unit")) == 1

    again = f"/admin/units/{world.ward_a.id}/reactivate"
    assert "Kích hoạt lại đơn vị" in client.get(again).get_data(as_text=True)
    assert client.post(again, data={"confirm": "yes"}).status_code == 302
    assert Unit.get_by_id(world.ward_a.id).active
    assert len(events("reactivate", "unit")) == 1


# --- unit groups ---------------------------------------------------------------------------


def test_group_list_counts_active_members(client, auth, world, factory):
    factory.unit("Ban quản lý dự án", kind="agency", code="bqlda")
    auth.login("admin")
    html = client.get("/admin/groups").get_data(as_text=True)
    assert "UBND các phường" in html and "<td>2</td>" in html
    Unit.update(active=False).where(Unit.id == world.ward_b.id).execute()
    assert "<td>1</td>" in client.get("/admin/groups").get_data(as_text=True)
    assert '<p class="empty">' in client.get("/admin/groups?q=zzz").get_data(as_text=True)
    fragment = client.hx_get("/admin/groups?sort=-members").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="group-results">')


def test_group_form_lists_active_units_by_kind(client, auth, world, factory):
    factory.unit("Ban quản lý dự án", kind="agency", code="bqlda", active=False)
    auth.login("admin")
    html = client.get(f"/admin/groups/{world.wards.id}/edit").get_data(as_text=True)
    assert "<legend>UBND phường</legend>" in html
    assert "<legend>Phòng, ban chuyên môn</legend>" in html
    assert f'value="{world.ward_a.id}" checked' in html
    assert f'value="{world.dept.id}" >' in html
    assert "Ban quản lý dự án" not in html


def test_create_group(client, auth, world):
    auth.login("admin")
    data = {
        "name": "Các phòng chuyên môn",
        "description": "Khối phòng, ban",
        "units": [str(world.dept.id), str(world.ward_a.id)],
    }
    assert client.post("/admin/groups/new", data=data).status_code == 302
    group = UnitGroup.get(UnitGroup.name == "Các phòng chuyên môn")
    assert {u.id for u in group.units()} == {world.dept.id, world.ward_a.id}
    (event,) = events("create", "unitgroup")
    assert json.loads(event.after)["units"] == ["noivu", "sodau"]


def test_edit_group_members_keeps_inactive_members(client, auth, world, factory):
    closed = factory.unit("UBND phường Cũ", code="phuongcu")
    world.wards.set_units([world.ward_a.id, world.ward_b.id, closed.id])
    Unit.update(active=False).where(Unit.id == closed.id).execute()
    auth.login("admin")
    data = {"name": "Các phường", "description": "", "units": [str(world.ward_b.id)]}
    assert client.post(f"/admin/groups/{world.wards.id}/edit", data=data).status_code == 302
    group = UnitGroup.get_by_id(world.wards.id)
    assert group.name == "Các phường"
    members = UnitGroupMember.select().where(UnitGroupMember.group == group.id)
    assert {m.unit_id for m in members} == {world.ward_b.id, closed.id}
    (event,) = events("update", "unitgroup")
    assert json.loads(event.before) == {
        "name": "UBND các phường",
        "units": ["hoangvanthu", "phuongcu", "sodau"],
    }
    assert json.loads(event.after) == {"name": "Các phường", "units": ["hoangvanthu", "phuongcu"]}


def test_edit_group_with_no_members(client, auth, world):
    auth.login("admin")
    data = {"name": "UBND các phường", "description": ""}
    assert client.post(f"/admin/groups/{world.wards.id}/edit", data=data).status_code == 302
    assert list(world.wards.units()) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "ubnd CÁC phường"}, "name", "Tên nhóm đã tồn tại."),
        ({"name": ""}, "name", "Trường này là bắt buộc."),
        ({"name": "x" * 201}, "name", "Tối đa 200 ký tự."),
        ({"description": "x" * 501}, "description", "Tối đa 500 ký tự."),
    ],
)
def test_create_group_bad_input(client, auth, world, data, field, message):
    auth.login("admin")
    before = snapshot()
    body = {"name": "Nhóm mới", "description": "", "units": [str(world.ward_a.id)]}
    body.update(data)
    response = client.post("/admin/groups/new", data=body)
    assert response.status_code == 400
    assert beside(response.get_data(as_text=True), field, message)
    assert snapshot() == before


@pytest.mark.parametrize("bad", ["9999", "abc", "²", "0", "99999999999", "inactive"])
def test_group_refuses_unknown_or_inactive_units(client, auth, world, factory, bad):
    closed = factory.unit("UBND phường Cũ", code="phuongcu", active=False)
    bad = str(closed.id) if bad == "inactive" else bad
    auth.login("admin")
    before = snapshot()
    data = {"name": "UBND các phường", "units": [str(world.ward_a.id), bad]}
    response = client.post(f"/admin/groups/{world.wards.id}/edit", data=data)
    assert response.status_code == 400
    errors = re.findall(r'<small class="field-error"[^>]*>([^<]*)</small>', response.text)
    assert errors == ["Có đơn vị được chọn không hợp lệ."]
    assert snapshot() == before


def test_edit_group_duplicate_name_refused(client, auth, world):
    UnitGroup.create(name="Khối phòng, ban")
    auth.login("admin")
    before = snapshot()
    response = client.post(
        f"/admin/groups/{world.wards.id}/edit", data={"name": "Khối phòng, ban"}, htmx=True
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<article id="group-form"')
    assert beside(html, "name", "Tên nhóm đã tồn tại.")
    assert snapshot() == before


def test_delete_group(client, auth, world):
    auth.login("admin")
    url = f"/admin/groups/{world.wards.id}/delete"
    assert "Xóa nhóm «UBND các phường»?" in client.get(url).get_data(as_text=True)
    before = snapshot()
    assert client.post(url).status_code == 400
    assert snapshot() == before
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert UnitGroup.select().count() == 0 and UnitGroupMember.select().count() == 0
    assert Unit.select().count() == 3
    (event,) = events("delete", "unitgroup")
    assert json.loads(event.before)["units"] == ["hoangvanthu", "sodau"]


# --- users ---------------------------------------------------------------------------------


def test_user_list_search_filters_sort(client, auth, world):
    User.update(active=False).where(User.id == world.viewer.id).execute()
    auth.login("admin")
    html = client.get("/admin/users").get_data(as_text=True)
    assert ">theodoi</code>" in html and "Đã khóa" in html
    assert "UBND phường Sở Dầu" in html
    found = client.get("/admin/users?q=HOANG").get_data(as_text=True)
    assert ">p.hoangvanthu<" in found and ">p.sodau<" not in found
    officers = client.get("/admin/users?role=officer").get_data(as_text=True)
    assert ">pb.noivu<" in officers and ">lanhdao<" not in officers
    of_unit = client.get(f"/admin/users?unit={world.ward_a.id}").get_data(as_text=True)
    assert ">p.sodau<" in of_unit and ">p.hoangvanthu<" not in of_unit
    locked = client.get("/admin/users?state=inactive").get_data(as_text=True)
    assert ">theodoi<" in locked and ">admin<" not in locked
    by_name = client.get("/admin/users?sort=-username").get_data(as_text=True)
    assert by_name.index(">theodoi<") < by_name.index(">admin<")
    by_unit = client.get("/admin/users?sort=unit&role=officer").get_data(as_text=True)
    assert by_unit.index(">pb.noivu<") < by_unit.index(">p.sodau<")
    assert '<p class="empty">' in client.get("/admin/users?q=khongco").get_data(as_text=True)
    fragment = client.hx_get("/admin/users?role=leader").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="user-results">') and "<html" not in fragment


def test_user_list_paginates(client, auth, world, factory):
    for n in range(20):
        factory.user(f"cb{n:02d}", "viewer")
    auth.login("admin")
    html = client.get("/admin/users?sort=username").get_data(as_text=True)
    assert "Trang 1 / 2" in html
    second = client.get("/admin/users?sort=username&page=2").get_data(as_text=True)
    assert ">theodoi<" in second and ">admin<" not in second


def test_create_officer_who_can_then_log_in(app, client, auth, world):
    auth.login("admin")
    assert "Mật khẩu ban đầu" in client.get("/admin/users/new").get_data(as_text=True)
    data = user_data(username=" P.MinhKhai ", unit=str(world.ward_a.id))
    assert client.post("/admin/users/new", data=data).status_code == 302
    account = User.get(User.username == "p.minhkhai")
    assert (account.role, account.unit_id, account.active) == ("officer", world.ward_a.id, True)
    assert account.check_password("matkhau123")
    (event,) = events("create", "user")
    assert "matkhau123" not in event.after and "hash" not in event.after
    assert json.loads(event.after)["unit_id"] == world.ward_a.id
    other = app.test_client()
    other.post("/login", data={"username": "p.minhkhai", "password": "matkhau123"})
    assert other.get("/").status_code == 200


def test_unit_is_ignored_for_other_roles(client, auth, world):
    auth.login("admin")
    data = user_data(username="lanhdao2", role="leader", unit=str(world.ward_a.id))
    assert client.post("/admin/users/new", data=data).status_code == 302
    assert User.get(User.username == "lanhdao2").unit_id is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "p.sodau"}, "username", "Tên đăng nhập đã tồn tại."),
        ({"username": "P.SoDau"}, "username", "Tên đăng nhập đã tồn tại."),
        (
            {"username": "nguyễn văn a"},
            "username",
            "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, "
            "dấu chấm, gạch dưới và gạch ngang.",
        ),
        ({"username": "a" * 61}, "username", "Tối đa 60 ký tự."),
        ({"unit": ""}, "unit", "Cán bộ đầu mối phải thuộc một đơn vị."),
        ({"unit": "9999"}, "unit", "Lựa chọn không hợp lệ."),
        ({"password": "ngan"}, "password", "Mật khẩu phải có từ 8 ký tự."),
        ({"password": ""}, "password", "Trường này là bắt buộc."),
        ({"email": "minh@"}, "email", "Địa chỉ email không hợp lệ."),
        ({"email": "x" * 196 + "@a.vn"}, "email", "Tối đa 200 ký tự."),
        ({"full_name": "x" * 201}, "full_name", "Tối đa 200 ký tự."),
        ({"full_name": ""}, "full_name", "Trường này là bắt buộc."),
        ({"role": "superuser"}, "role", "Lựa chọn không hợp lệ."),
        ({"role": ""}, "role", "Trường này là bắt buộc."),
    ],
)
def test_create_user_bad_input(client, auth, world, data, field, message):
    auth.login("admin")
    before = snapshot()
    body = user_data(unit=str(world.ward_b.id))
    body.update(data)
    response = client.post("/admin/users/new", data=body)
    assert response.status_code == 400
    assert beside(response.get_data(as_text=True), field, message)
    assert snapshot() == before


def test_create_user_refuses_an_inactive_unit(client, auth, world):
    Unit.update(active=False).where(Unit.id == world.ward_b.id).execute()
    auth.login("admin")
    before = snapshot()
    response = client.post("/admin/users/new", data=user_data(unit=str(world.ward_b.id)))
    assert beside(response.get_data(as_text=True), "unit", "Lựa chọn không hợp lệ.")
    assert snapshot() == before


def test_edit_user(client, auth, world):
    auth.login("admin")
    url = f"/admin/users/{world.officer_a.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "<code>p.sodau</code>" in page and 'name="username"' not in page
    data = user_data(full_name="Trần Thị Hoa", unit=str(world.ward_b.id), password="")
    data.pop("username")
    assert client.post(url, data=data).status_code == 302
    account = User.get_by_id(world.officer_a.id)
    assert (account.full_name, account.unit_id) == ("Trần Thị Hoa", world.ward_b.id)
    assert account.check_password("demo")
    (event,) = events("update", "user")
    assert json.loads(event.before)["unit_id"] == world.ward_a.id
    assert json.loads(event.after)["unit_id"] == world.ward_b.id
    assert "password" not in json.loads(event.after)


def test_edit_user_sets_new_password(client, auth, world):
    auth.login("admin")
    url = f"/admin/users/{world.leader.id}/edit"
    data = {"full_name": "Lanhdao", "role": "leader", "password": "matkhaumoi1"}
    assert client.post(url, data=data).status_code == 302
    assert User.get_by_id(world.leader.id).check_password("matkhaumoi1")
    (event,) = events("update", "user")
    assert json.loads(event.after) == {"password": "đã đặt lại"}


def test_admin_resetting_own_password_stays_signed_in_here_only(client, auth, world, app):
    from conftest import AuthActions, CsrfClient

    app.test_client_class = CsrfClient
    elsewhere = app.test_client()
    AuthActions(elsewhere).login("admin")
    auth.login("admin")
    url = f"/admin/users/{world.admin.id}/edit"
    data = {"full_name": "Admin", "role": "admin", "password": "matkhaumoi1"}
    assert client.post(url, data=data).status_code == 302
    assert User.get_by_id(world.admin.id).check_password("matkhaumoi1")
    assert client.get("/admin/users").status_code == 200  # this session goes on
    assert elsewhere.get("/admin/users").status_code == 302  # the other one has ended


def test_edit_user_moving_to_another_role_drops_the_unit(client, auth, world):
    auth.login("admin")
    data = {"full_name": "P.Sodau", "role": "viewer", "unit": str(world.ward_a.id)}
    assert client.post(f"/admin/users/{world.officer_a.id}/edit", data=data).status_code == 302
    account = User.get_by_id(world.officer_a.id)
    assert (account.role, account.unit_id) == ("viewer", None)


def test_edit_user_keeps_an_inactive_unit_choosable(client, auth, world):
    Unit.update(active=False).where(Unit.id == world.ward_a.id).execute()
    auth.login("admin")
    url = f"/admin/users/{world.officer_a.id}/edit"
    assert "UBND phường Sở Dầu (ngừng hoạt động)" in client.get(url).get_data(as_text=True)
    data = {"full_name": "Cán bộ Sở Dầu", "role": "officer", "unit": str(world.ward_a.id)}
    assert client.post(url, data=data).status_code == 302
    assert User.get_by_id(world.officer_a.id).full_name == "Cán bộ Sở Dầu"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "1234567"}, "password", "Mật khẩu phải có từ 8 ký tự."),
        ({"unit": ""}, "unit", "Cán bộ đầu mối phải thuộc một đơn vị."),
        ({"email": "sai email@x.vn"}, "email", "Địa chỉ email không hợp lệ."),
        ({"full_name": "x" * 201}, "full_name", "Tối đa 200 ký tự."),
    ],
)
def test_edit_user_bad_input(client, auth, world, data, field, message):
    auth.login("admin")
    before = snapshot()
    body = {"full_name": "Cán bộ", "role": "officer", "unit": str(world.ward_a.id)}
    body.update(data)
    response = client.post(f"/admin/users/{world.officer_a.id}/edit", data=body)
    assert response.status_code == 400
    assert beside(response.get_data(as_text=True), field, message)
    assert snapshot() == before


def test_last_admin_cannot_lose_the_role(client, auth, world):
    auth.login("admin")
    before = snapshot()
    data = {"full_name": "Admin", "role": "leader"}
    response = client.post(f"/admin/users/{world.admin.id}/edit", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<small id="role-error" class="field-error">Không thể thực hiện: {LAST_ADMIN}' in html
    assert snapshot() == before


def test_admin_cannot_drop_own_role_but_can_demote_another_admin(client, auth, world, factory):
    other = factory.user("admin2", "admin")
    auth.login("admin")
    before = snapshot()
    response = client.post(
        f"/admin/users/{world.admin.id}/edit", data={"full_name": "Admin", "role": "viewer"}
    )
    assert beside(
        response.get_data(as_text=True), "role", "Bạn không thể tự bỏ quyền quản trị của mình."
    )
    assert snapshot() == before
    response = client.post(
        f"/admin/users/{other.id}/edit", data={"full_name": "A2", "role": "viewer"}
    )
    assert response.status_code == 302
    assert User.get_by_id(other.id).role == "viewer"


def test_admin_cannot_deactivate_themself(client, auth, world, factory):
    auth.login("admin")
    url = f"/admin/users/{world.admin.id}/deactivate"
    before = snapshot()
    page = client.get(url).get_data(as_text=True)
    assert LAST_ADMIN in page and 'value="yes"' not in page
    refused = client.post(url, data={"confirm": "yes"})
    assert refused.status_code == 400 and LAST_ADMIN in refused.get_data(as_text=True)
    factory.user("admin2", "admin")
    before = snapshot()
    refused = client.post(url, data={"confirm": "yes"}, htmx=True)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and html.lstrip().startswith('<article id="confirm"')
    assert "Bạn không thể tự khóa tài khoản của chính mình." in html
    assert snapshot() == before
    assert User.get_by_id(world.admin.id).active


def test_deactivated_user_is_refused_on_next_request(app, client, auth, world):
    officer = app.test_client()
    officer.post("/login", data={"username": "p.sodau", "password": "demo"})
    assert officer.get("/").status_code == 200
    auth.login("admin")
    url = f"/admin/users/{world.officer_a.id}/deactivate"
    assert "Khóa tài khoản P.Sodau (p.sodau)?" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert not User.get_by_id(world.officer_a.id).active
    (event,) = events("deactivate", "user")
    assert (event.actor_id, event.object_id) == (world.admin.id, world.officer_a.id)
    refused = officer.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert "Đã khóa" in client.get("/admin/users").get_data(as_text=True)

    again = f"/admin/users/{world.officer_a.id}/reactivate"
    assert client.post(again, data={"confirm": "yes"}).status_code == 302
    assert User.get_by_id(world.officer_a.id).active
    assert len(events("reactivate", "user")) == 1
    officer.post("/login", data={"username": "p.sodau", "password": "demo"})
    assert officer.get("/").status_code == 200

"""The organisation is data: the level in the settings, unit kinds an admin edits, the pages'
words from them, the kinds' own groups kept in step, and the notice parser reading the kinds'
phrases from the database."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.core.org_levels import PROVINCE_KINDS
from tracker.models import AuditEvent, Setting, Unit, UnitGroup, UnitKind
from tracker.models.units import UnitGroupMember

NON_ADMINS = ["lanhdao", "tonghop", "p.sodau", "theodoi"]


def _text(response) -> str:
    return response.get_data(as_text=True)


def kind_data(**kw) -> dict:
    data = {
        "code": "hamlet",
        "name": "Thôn, tổ dân phố",
        "label": "Tổ dân phố",
        "group_label": "Các tổ dân phố",
        "phrases": "các tổ dân phố\n  \ncác thôn, tổ dân phố",
        "sort_order": "40",
    }
    data.update(kw)
    return data


def _province(client, auth) -> None:
    """Switch the office to a province with its preset kinds (through the settings page)."""
    auth.login("admin")
    response = client.post(
        "/admin/settings", data={"save": "1", "org_level": "province", "add_kinds": "y"}
    )
    assert response.status_code == 302
    auth.logout()


# --- kinds from the migration --------------------------------------------------------------


def test_the_district_kinds_exist_and_order_the_units(app_ctx, world):
    assert UnitKind.labels() == {
        "department": "Phòng, ban chuyên môn",
        "ward": "UBND phường",
        "agency": "Cơ quan, đơn vị",
    }
    assert [u.code for u in Unit.ordered()] == ["noivu", "hoangvanthu", "sodau"]
    UnitKind.update(sort_order=99).where(UnitKind.code == "department").execute()
    assert [u.code for u in Unit.ordered()] == ["hoangvanthu", "sodau", "noivu"]
    assert Setting.org_level() == "district"


def test_a_unit_page_shows_its_kind_label(client, auth, world):
    auth.login("lanhdao")
    assert "UBND phường · " in _text(client.get(f"/units/{world.ward_a.id}"))
    UnitKind.update(label="UBND xã, phường, đặc khu").where(UnitKind.code == "ward").execute()
    assert "UBND xã, phường, đặc khu · " in _text(client.get(f"/units/{world.ward_a.id}"))


# --- the level ---------------------------------------------------------------------------


def test_choosing_province_adds_its_kinds_and_keeps_the_others(client, auth, world):
    _province(client, auth)
    assert Setting.org_level() == "province"
    codes = UnitKind.codes()
    assert {"sector", "commune", "department", "ward", "agency"} == set(codes)
    sector = UnitKind.get(UnitKind.code == "sector")
    assert sector.phrase_list == PROVINCE_KINDS[0].phrases
    assert AuditEvent.select().where(AuditEvent.object_type == "unitkind").count() == 2
    # Again: nothing more is added.
    auth.login("admin")
    client.post("/admin/settings", data={"save": "1", "org_level": "province", "add_kinds": "y"})
    assert UnitKind.select().count() == 5


def test_an_unknown_level_is_refused_beside_its_field(client, auth, world):
    auth.login("admin")
    response = client.post("/admin/settings", data={"save": "1", "org_level": "bang"})
    assert response.status_code == 400 or response.status_code == 422
    assert "Lựa chọn không hợp lệ." in _text(response)
    assert Setting.org_level() == "district"


def test_a_province_installation_shows_no_district_words(client, auth, factory, world):
    _province(client, auth)
    so = factory.unit("Sở Nội vụ", kind="sector", code="snv")
    xa = factory.unit("UBND xã Tân Lập", kind="commune", code="tanlap")
    # The old units go to the province kinds, through the admin form (which keeps the groups).
    auth.login("admin")
    for unit, kind in (
        (world.ward_a, "commune"),
        (world.ward_b, "commune"),
        (world.dept, "sector"),
    ):
        data = {
            "name": unit.name.replace("phường", "xã"),
            "short_name": unit.short_name.replace("phường", "xã"),
            "code": unit.code,
            "kind": kind,
            "sort_order": "0",
        }
        assert client.post(f"/admin/units/{unit.id}/edit", data=data).status_code == 302
    assert {u.name for u in Unit.select()} >= {"UBND xã Hoàng Văn Thụ", "UBND xã Sở Dầu"}
    for code in ("department", "ward", "agency"):
        kind = UnitKind.get(UnitKind.code == code)
        assert (
            client.post(f"/admin/kinds/{kind.id}/delete", data={"confirm": "yes"}).status_code
            == 302
        )
    auth.logout()
    auth.login("lanhdao")
    pages = [
        client.get("/"),
        client.get(f"/units/{xa.id}"),
        client.get(f"/units/{so.id}"),
        client.get("/dashboard/assignments"),
        client.get("/reports/"),
        client.get(f"/meetings/{world.meeting.id}/tasks/new"),
    ]
    for page in pages:
        assert page.status_code == 200
        html = _text(page)
        found = re.search(r"quận|UBND phường|Phòng, ban chuyên môn", html, re.I)
        assert not found, (page.request.path, html[found.start() - 200 : found.end() + 50])
    assert "UBND xã, phường, đặc khu · " in _text(pages[1])
    assert "Sở, ban, ngành · " in _text(pages[2])
    assert '<option value="commune"' in _text(pages[0])
    # The kinds' groups hold their units.
    groups = {
        g.name: {u.code for u in g.units()}
        for g in UnitGroup.select().where(UnitGroup.kind.is_null(False))
    }
    assert groups == {
        "Các sở, ban, ngành": {"snv", "noivu"},
        "UBND các xã, phường, đặc khu": {"sodau", "hoangvanthu", "tanlap"},
    }


# --- the kinds' own groups --------------------------------------------------------------


def test_a_kinds_group_follows_its_units(client, auth, world):
    auth.login("admin")
    data = {"name": "Bưu điện quận", "short_name": "Bưu điện", "code": "buudien", "kind": "agency"}
    assert client.post("/admin/units/new", data=data).status_code == 302
    agencies = UnitGroup.get(UnitGroup.name == "Các cơ quan, đơn vị")
    assert agencies.kind.code == "agency"
    assert [u.code for u in agencies.units()] == ["buudien"]
    # The wards' group of the world has the kind's group name: it is taken over.
    wards = UnitGroup.get(UnitGroup.name == "UBND các phường")
    assert wards.kind.code == "ward"
    # A ward becomes an agency: both groups follow.
    data = {"name": "UBND phường Sở Dầu", "short_name": "Sở Dầu", "code": "sodau", "kind": "agency"}
    assert client.post(f"/admin/units/{world.ward_a.id}/edit", data=data).status_code == 302
    assert {u.code for u in agencies.units()} == {"buudien", "sodau"}
    assert [u.code for u in wards.units()] == ["hoangvanthu"]
    # Its group cannot be deleted while the kind exists, nor its members hand-picked.
    response = client.post(f"/admin/groups/{agencies.id}/delete", data={"confirm": "yes"})
    assert "nhóm của loại đơn vị «Cơ quan, đơn vị»" in _text(response)
    assert UnitGroup.get_or_none(UnitGroup.id == agencies.id) is not None
    data = {"name": "Các cơ quan, đơn vị", "description": "", "units": [world.dept.id]}
    assert client.post(f"/admin/groups/{agencies.id}/edit", data=data).status_code == 302
    assert {u.code for u in agencies.units()} == {"buudien", "sodau"}


def test_renaming_a_kinds_group_label_renames_its_group(client, auth, world):
    auth.login("admin")
    ward = UnitKind.get(UnitKind.code == "ward")
    ward.sync_group()
    data = kind_data(code="ward", name="UBND phường", label="UBND phường", group_label="Các phường")
    assert client.post(f"/admin/kinds/{ward.id}/edit", data=data).status_code == 302
    group = UnitGroup.get(UnitGroup.kind == ward.id)
    assert group.name == "Các phường" and group.id == world.wards.id


# --- the kinds' admin pages --------------------------------------------------------------


def test_create_and_edit_a_kind(client, auth, world):
    auth.login("admin")
    assert "Loại đơn vị" in _text(client.get("/admin/kinds"))
    response = client.post("/admin/kinds/new", data=kind_data())
    assert response.status_code == 302
    kind = UnitKind.get(UnitKind.code == "hamlet")
    assert kind.phrases == "các tổ dân phố\ncác thôn, tổ dân phố"  # blank lines dropped
    assert kind.label == "Tổ dân phố" and kind.sort_order == 40
    page = _text(client.get("/admin/kinds"))
    assert "Thôn, tổ dân phố" in page and "các tổ dân phố; các thôn, tổ dân phố" in page
    response = client.post(f"/admin/kinds/{kind.id}/edit", data=kind_data(label="Thôn, tổ dân phố"))
    assert response.status_code == 302
    assert UnitKind.get_by_id(kind.id).label == "Thôn, tổ dân phố"
    assert [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "unitkind")] == [
        "create",
        "update",
    ]
    # A unit may now be of that kind.
    form = _text(client.get("/admin/units/new"))
    assert '<option value="hamlet">Tổ dân phố</option>' in form.replace(
        "Thôn, tổ dân phố", "Tổ dân phố"
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("code", "Thon Xom", "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới."),
        ("code", "ward", "Mã loại đã tồn tại."),
        ("name", "UBND phường", "Tên loại đã tồn tại."),
        ("label", "", "Trường này là bắt buộc."),
    ],
)
def test_bad_kind_input_is_refused_beside_its_field(client, auth, world, field, value, message):
    auth.login("admin")
    response = client.post("/admin/kinds/new", data=kind_data(**{field: value}))
    assert response.status_code in (400, 422)
    html = _text(response)
    assert re.search(rf'<small id="{field}-error" class="field-error">{re.escape(message)}', html)
    assert "Thôn, tổ dân phố" in html or field == "name"  # what was typed stays
    assert not UnitKind.select().where(UnitKind.code == "hamlet").exists()


def test_a_kind_in_use_cannot_be_deleted_nor_lose_its_code(client, auth, world):
    auth.login("admin")
    ward = UnitKind.get(UnitKind.code == "ward")
    response = client.post(f"/admin/kinds/{ward.id}/delete", data={"confirm": "yes"})
    assert response.status_code in (400, 422)
    assert "Không xóa được: 2 đơn vị đang thuộc loại này." in _text(response)
    assert UnitKind.get_or_none(UnitKind.id == ward.id) is not None
    data = kind_data(
        code="xa", name="UBND phường", label="UBND phường", group_label="UBND các phường"
    )
    response = client.post(f"/admin/kinds/{ward.id}/edit", data=data)
    assert "không đổi được mã" in _text(response)
    assert UnitKind.get_by_id(ward.id).code == "ward"


def test_an_unused_kind_is_deleted_after_confirmation(client, auth, world):
    auth.login("admin")
    agency = UnitKind.get(UnitKind.code == "agency")
    page = client.get(f"/admin/kinds/{agency.id}/delete")
    assert "Xóa loại đơn vị «Cơ quan, đơn vị»?" in _text(page)
    assert UnitKind.get_or_none(UnitKind.id == agency.id) is not None
    response = client.post(f"/admin/kinds/{agency.id}/delete", data={"confirm": "yes"})
    assert response.status_code == 302
    assert UnitKind.get_or_none(UnitKind.id == agency.id) is None
    assert (
        AuditEvent.select()
        .where(AuditEvent.object_type == "unitkind", AuditEvent.action == "delete")
        .count()
        == 1
    )


@pytest.mark.parametrize("username", NON_ADMINS)
def test_non_admins_are_refused(client, auth, world, username):
    auth.login(username)
    ward = UnitKind.get(UnitKind.code == "ward")
    assert client.get("/admin/kinds").status_code == 403
    assert client.get("/admin/kinds/new").status_code == 403
    assert client.post("/admin/kinds/new", data=kind_data()).status_code == 403
    assert client.post(f"/admin/kinds/{ward.id}/edit", data=kind_data()).status_code == 403
    assert client.post(f"/admin/kinds/{ward.id}/delete", data={"confirm": "yes"}).status_code == 403
    assert (
        client.post("/admin/settings", data={"save": "1", "org_level": "province"}).status_code
        == 403
    )
    assert UnitKind.select().count() == 3 and Setting.org_level() == "district"


def test_kind_forms_need_the_csrf_token(client, auth, world):
    auth.login("admin")
    ward = UnitKind.get(UnitKind.code == "ward")
    assert client.post("/admin/kinds/new", data=kind_data(), csrf=False).status_code == 400
    response = client.post(f"/admin/kinds/{ward.id}/delete", data={"confirm": "yes"}, csrf=False)
    assert response.status_code == 400
    agency = UnitKind.get(UnitKind.code == "agency")
    response = client.post(f"/admin/kinds/{agency.id}/delete", data={"confirm": "yes"}, csrf=False)
    assert response.status_code == 400
    assert UnitKind.select().count() == 3


# --- the notice parser reads the kinds --------------------------------------------------


PROVINCE_NOTICE = """THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh
1. Các sở, ban, ngành và UBND các xã, phường, đặc khu rà soát thủ tục hành chính, hoàn thành \
trước ngày 30/6/2026.
2. Sở Nội vụ chủ trì, phối hợp Sở Tài chính tham mưu phương án sắp xếp.
"""


def test_a_province_notice_gives_both_kinds_groups(client, auth, factory, world):
    _province(client, auth)
    auth.login("admin")
    for name, code, kind in (
        ("Sở Nội vụ", "snv", "sector"),
        ("Sở Tài chính", "stc", "sector"),
        ("UBND xã Tân Lập", "tanlap", "commune"),
        ("UBND đặc khu Hòn Ngọc", "honngoc", "commune"),
    ):
        data = {"name": name, "short_name": name, "code": code, "kind": kind}
        assert client.post("/admin/units/new", data=data).status_code == 302
    auth.logout()
    auth.login("tonghop")
    world.meeting.notice_date = date(2026, 5, 15)
    world.meeting.save()
    response = client.post(f"/meetings/{world.meeting.id}/notice", data={"text": PROVINCE_NOTICE})
    assert response.status_code == 302
    from tracker.models import NoticeDraft

    drafts = NoticeDraft.get(NoticeDraft.meeting == world.meeting).drafts
    assert drafts[0]["lead"] == "Các sở, ban, ngành; UBND các xã, phường, đặc khu"
    assert drafts[1]["lead"] == "Sở Nội vụ" and drafts[1]["coordinating"] == "Sở Tài chính"
    page = _text(client.get(f"/meetings/{world.meeting.id}/notice"))
    sector_group = UnitGroup.get(UnitGroup.name == "Các sở, ban, ngành")
    assert '<option value="g:Các sở, ban, ngành" selected>' in page or str(sector_group.id) in page
    # The members of the two groups are the four units.
    members = UnitGroupMember.select().join(UnitGroup).where(UnitGroup.kind.is_null(False))
    codes = {m.unit.code for m in members if m.group.kind.code in ("sector", "commune")}
    assert codes == {"snv", "stc", "tanlap", "honngoc"}


def test_a_phrase_added_to_a_kind_is_read_in_the_next_notice(client, auth, world):
    auth.login("admin")
    ward = UnitKind.get(UnitKind.code == "ward")
    data = kind_data(
        code="ward",
        name="UBND phường",
        label="UBND phường",
        group_label="UBND các phường",
        phrases=ward.phrases + "\ncác khu phố",
        sort_order="20",
    )
    assert client.post(f"/admin/kinds/{ward.id}/edit", data=data).status_code == 302
    auth.logout()
    auth.login("tonghop")
    text = "Kết luận:\n1. Các khu phố ra quân tổng vệ sinh.\n2. Phòng Nội vụ tổng hợp."
    client.post(f"/meetings/{world.meeting.id}/notice", data={"text": text})
    from tracker.models import NoticeDraft

    drafts = NoticeDraft.get(NoticeDraft.meeting == world.meeting).drafts
    assert drafts[0]["lead"] == "UBND các phường"


def test_imported_units_take_a_province_kind_by_its_label_and_join_its_group(client, auth, world):
    from test_import import UNIT_HEADER, confirm, csv_bytes, upload

    _province(client, auth)
    auth.login("admin")
    data = csv_bytes(
        [
            UNIT_HEADER,
            ["Sở Y tế", "Sở Y tế", "syt", "Sở, ban, ngành", "", "1"],
            ["UBND xã Tân Lập", "Xã Tân Lập", "tanlap", "UBND xã, phường, đặc khu", "", "2"],
            ["UBND đặc khu Hòn Ngọc", "Đặc khu Hòn Ngọc", "honngoc", "commune", "", "3"],
        ]
    )
    html = upload(client, "units", data, "don-vi.csv").get_data(as_text=True)
    assert "3 dòng: 3 hợp lệ, 0 có lỗi." in html
    confirm(client, html)
    assert {
        u.code: u.kind for u in Unit.select().where(Unit.code.in_(["syt", "tanlap", "honngoc"]))
    } == {
        "syt": "sector",
        "tanlap": "commune",
        "honngoc": "commune",
    }
    communes = UnitGroup.get(UnitGroup.name == "UBND các xã, phường, đặc khu")
    assert {u.code for u in communes.units()} == {"tanlap", "honngoc"}

"""Nhập từ Excel/CSV: every bad input reported by row, column and message; all-or-nothing import."""

from __future__ import annotations

import base64
import html as htmllib
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from peewee import IntegrityError

from tracker.admin import imports, imports_apply
from tracker.cli import cli
from tracker.models import AuditEvent, Unit, UnitGroup, UnitGroupMember, User

UNIT_HEADER = ["Tên đơn vị", "Tên viết tắt", "Mã đơn vị", "Loại đơn vị", "Email", "Thứ tự"]
USER_HEADER = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Email", "Mật khẩu"]
GROUP_HEADER = ["Tên nhóm", "Mô tả", "Các đơn vị thành viên"]
REQUIRED = "Thiếu giá trị bắt buộc."
EXISTS = "Đã có trong hệ thống (chọn «Cập nhật dữ liệu đã có» để cập nhật)."


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", bom: bool = True) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(client, kind: str, data: bytes, name: str = "data.xlsx", update: bool = False):
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if update:
        form["update"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def payload(html: str) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', html)
    assert match, "no payload in the preview"
    return htmllib.unescape(match.group(1))


def confirm(client, html: str, only_valid: bool = False):
    data = {"payload": payload(html), "only_valid": "1" if only_valid else "0"}
    return client.post("/admin/import/confirm", data=data)


def problems(html: str) -> set[tuple[int, str, str]]:
    """(row number, column key, message) of every problem the preview lists."""
    found = set()
    for number, body in re.findall(r'<tr id="row-(\d+)"[^>]*>(.*?)</tr>', html, re.S):
        for key, text in re.findall(r'data-column="(\w+)">(.*?)</li>', body, re.S):
            message = htmllib.unescape(text).split(": ", 1)[1]
            found.add((int(number), key, message))
    return found


def snapshot() -> tuple:
    """What an import may change (user rows without login bookkeeping)."""

    def rows(model, *fields):
        query = model.select(*fields).order_by(model.id)
        return [tuple(r.values()) for r in query.dicts()]

    users = rows(User, User.id, User.username, User.full_name, User.email, User.role, User.unit)
    return (
        rows(Unit),
        rows(UnitGroup),
        rows(UnitGroupMember),
        users,
        [r.password_hash for r in User.select().order_by(User.id)],
        AuditEvent.select().where(AuditEvent.action.in_(["create", "update", "delete"])).count(),
    )


@pytest.fixture
def admin(client, auth, world):
    auth.login("admin")
    return client


# --- units ---------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter, bom", [(";", True), (",", False)])
def test_clean_csv_imports_every_unit(admin, delimiter, bom):
    data = csv_bytes(
        [
            UNIT_HEADER,
            ["UBND phường Minh Khai", "P. Minh Khai", "minhkhai", "UBND phường", "mk@hp.vn", "5"],
            ["Phòng Tư pháp", "Tư pháp", "TuPhap", "Phòng, ban chuyên môn", "", ""],
            ["Ban quản lý dự án", "BQLDA", "bqlda", "agency", "", "2"],
        ],
        delimiter,
        bom,
    )
    preview = upload(admin, "units", data, "don-vi.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "3 dòng: 3 hợp lệ, 0 có lỗi." in html
    assert Unit.select().count() == 3  # nothing yet
    result = confirm(admin, html)
    assert result.status_code == 200
    assert "Thêm mới 3, cập nhật 0" in result.get_data(as_text=True)
    mk = Unit.get(Unit.code == "minhkhai")
    assert (mk.name, mk.short_name, mk.kind, mk.email, mk.sort_order) == (
        "UBND phường Minh Khai",
        "P. Minh Khai",
        "ward",
        "mk@hp.vn",
        5,
    )
    assert Unit.get(Unit.code == "tuphap").kind == "department"
    assert Unit.get(Unit.code == "bqlda").kind == "agency"
    created = AuditEvent.select().where(
        AuditEvent.action == "create", AuditEvent.object_type == "unit"
    )
    assert created.count() == 3


def test_every_unit_problem_has_its_row_column_and_message(admin):
    data = xlsx(
        [
            ["STT", *UNIT_HEADER],
            [1, "Phòng Tư pháp", "Tư pháp", "tuphap", "Phòng", "tp@hp.vn", 1],  # valid
            [2, "", "Thiếu tên", "thieuten", "ward", "", ""],
            [3, "Mã sai", "Mã sai", "Mã Sai!", "ward", "", ""],
            [4, "Loại sai", "Loại sai", "loaisai", "Tổ dân phố", "", ""],
            [5, "Email sai", "Email sai", "emailsai", "ward", "khong-phai-email", ""],
            [6, "Thứ tự sai", "TT", "thutusai", "ward", "", "đầu tiên"],
            [7, "Trùng mã", "Trùng mã", "TUPHAP", "ward", "", ""],
            [8, "Đã có", "Đã có", "noivu", "department", "", ""],
            [9, "Phòng Nội vụ", "NV", "noivu2", "department", "", ""],
            [None, None, None, None, None, None, None],  # an empty row is skipped
            [10, "Phòng Văn hóa", "VH", "vhtt", "department", "", 99999],
        ]
    )
    before = snapshot()
    html = upload(admin, "units", data).get_data(as_text=True)
    assert problems(html) == {
        (3, "name", REQUIRED),
        (4, "code", "Mã chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch ngang."),
        (5, "kind", "Loại đơn vị không hợp lệ: «Tổ dân phố»."),
        (6, "email", "Địa chỉ email không hợp lệ."),
        (7, "sort_order", "Thứ tự phải là số từ 0 đến 9999."),
        (8, "code", "Trùng với dòng 2 trong tệp."),
        (9, "code", EXISTS),
        (10, "name", "Tên này đã được đơn vị mã «noivu» sử dụng."),
        (12, "sort_order", "Thứ tự phải là số từ 0 đến 9999."),
    }
    assert "10 dòng: 1 hợp lệ, 9 có lỗi." in html
    # Nothing is created while problems remain, unless the admin asks for the valid rows.
    refused = confirm(admin, html)
    assert refused.status_code == 400
    assert "Chưa nhập gì: tệp còn lỗi." in refused.get_data(as_text=True)
    assert snapshot() == before
    done = confirm(admin, html, only_valid=True)
    assert done.status_code == 200
    assert "bỏ qua 9 dòng có lỗi" in done.get_data(as_text=True)
    assert Unit.select().count() == 4
    assert Unit.get(Unit.code == "tuphap").sort_order == 1


def test_update_existing_is_an_explicit_choice(admin, world):
    data = xlsx(
        [
            UNIT_HEADER,
            ["Phòng Nội vụ", "Nội vụ", "noivu", "Phòng, ban chuyên môn", "nv@hp.vn", 3],
            ["UBND phường Sở Dầu", "UBND phường Sở Dầu", "sodau", "ward", "", 0],
        ]
    )
    html = upload(admin, "units", data, update=True).get_data(as_text=True)
    assert problems(html) == set()
    assert "Cập nhật: 1" in html and "Không thay đổi: 1" in html
    assert confirm(admin, html).status_code == 200
    dept = Unit.get_by_id(world.dept.id)
    assert (dept.short_name, dept.email, dept.sort_order) == ("Nội vụ", "nv@hp.vn", 3)
    update = AuditEvent.get(AuditEvent.action == "update", AuditEvent.object_type == "unit")
    assert update.object_id == dept.id and "nv@hp.vn" in update.after


def test_headers_without_diacritics_numbers_as_codes_and_group_update(admin, world):
    data = xlsx(
        [
            ["DANH SÁCH ĐƠN VỊ"],  # a title line above the table is not the header
            [],
            ["STT", "ten don vi", "ten ngan", "MA", "loai", "thu tu"],
            [1, "Tổ công tác 113", "TCT 113", 113, "Cơ quan, đơn vị", 4.0],
        ]
    )
    html = upload(admin, "units", data).get_data(as_text=True)
    assert problems(html) == set() and "1 dòng: 1 hợp lệ" in html
    assert 'id="row-4"' in html
    assert confirm(admin, html).status_code == 200
    unit = Unit.get(Unit.code == "113")
    assert (unit.kind, unit.sort_order) == ("agency", 4)

    rows = [GROUP_HEADER, ["UBND các phường", "Chỉ một phường", "hoangvanthu; 113"]]
    html = upload(admin, "groups", csv_bytes(rows), "g.csv", update=True).get_data(as_text=True)
    assert problems(html) == set() and "Cập nhật: 1" in html
    assert confirm(admin, html).status_code == 200
    group = UnitGroup.get_by_id(world.wards.id)
    assert group.description == "Chỉ một phường"
    assert {u.code for u in group.units()} == {"hoangvanthu", "113"}


def test_htmx_gets_only_the_form(admin):
    response = admin.hx_get("/admin/import")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<article id="import-form"')


# --- groups --------------------------------------------------------------------------------


def test_group_problems_and_clean_import(admin, world):
    bad = csv_bytes(
        [
            GROUP_HEADER,
            ["Nhóm lạ", "", "sodau; khongco, cungkhong"],
            ["UBND các phường", "", "sodau"],
            ["", "Không tên", "noivu"],
            ["Nhóm A", "", "noivu"],
            ["nhóm a", "", "sodau"],
        ],
        ";",
    )
    html = upload(admin, "groups", bad, "nhom.csv").get_data(as_text=True)
    assert problems(html) == {
        (2, "members", "Không có đơn vị mã: khongco, cungkhong."),
        (3, "name", EXISTS),
        (4, "name", REQUIRED),
        (6, "name", "Trùng với dòng 5 trong tệp."),
    }
    clean = csv_bytes([GROUP_HEADER, ["Khối nội chính", "Các phòng", "noivu, SODAU;hoangvanthu"]])
    html = upload(admin, "groups", clean, "nhom.csv").get_data(as_text=True)
    assert confirm(admin, html).status_code == 200
    group = UnitGroup.get(UnitGroup.name == "Khối nội chính")
    assert {u.code for u in group.units()} == {"noivu", "sodau", "hoangvanthu"}
    event = AuditEvent.get(AuditEvent.action == "create", AuditEvent.object_type == "unitgroup")
    assert "hoangvanthu" in event.after


# --- users ---------------------------------------------------------------------------------


def test_every_user_problem_has_its_row_column_and_message(admin, factory):
    factory.unit("Phường cũ", code="phuongcu", active=False)
    data = xlsx(
        [
            USER_HEADER,
            ["p.minhkhai", "Nguyễn Văn Minh", "Cán bộ đầu mối", "sodau", "m@hp.vn", ""],  # valid
            ["", "", "", "", "", ""],
            ["khong.don.vi", "Cán bộ", "officer", "", "", ""],
            ["sai.don.vi", "Cán bộ", "Cán bộ đầu mối", "khongco", "", ""],
            ["sai.vai.tro", "Ai đó", "Giám đốc", "", "", ""],
            ["Tên Sai", "Ai đó", "viewer", "", "a@b", "ngan"],
            ["p.minhkhai", "Trùng", "viewer", "", "", ""],
            ["lanhdao", "Đã có", "Lãnh đạo", "", "", ""],
            ["admin", "Tự hạ quyền", "viewer", "", "", ""],
            ["p.cu", "Cán bộ cũ", "Cán bộ đầu mối", "PHUONGCU", "", ""],
        ]
    )
    html = upload(admin, "users", data).get_data(as_text=True)
    assert problems(html) == {
        (4, "unit", "Cán bộ đầu mối phải thuộc một đơn vị."),
        (5, "unit", "Không có đơn vị có mã hoặc tên «khongco»."),
        (6, "role", "Vai trò không hợp lệ: «Giám đốc»."),
        (
            7,
            "username",
            "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, "
            "dấu chấm, gạch dưới và gạch ngang.",
        ),
        (7, "email", "Địa chỉ email không hợp lệ."),
        (7, "password", "Mật khẩu phải có từ 8 ký tự."),
        (8, "username", "Trùng với dòng 2 trong tệp."),
        (9, "username", EXISTS),
        (10, "username", EXISTS),
        (11, "unit", "Đơn vị «phuongcu» đang ngừng hoạt động."),
    }
    # The fully empty row 3 is skipped, not reported.
    assert "9 dòng: 1 hợp lệ, 8 có lỗi." in html
    admin_update = upload(admin, "users", data, update=True).get_data(as_text=True)
    assert (10, "role", "Bạn không thể tự bỏ quyền quản trị của mình.") in problems(admin_update)


def test_users_with_vietnamese_roles_and_generated_passwords(admin, auth, client, world):
    data = csv_bytes(
        [
            USER_HEADER,
            ["p.minhkhai", "Nguyễn Văn Minh", "Cán bộ đầu mối", "sodau", "m@hp.vn", ""],
            ["pholanhdao", "Trần Thị Lan", "Lãnh đạo", "sodau", "", "matkhau123"],
            ["thuky", "Lê Văn Thư", "Thư ký tổng hợp", "", "", ""],
            ["pb.noivu2", "Phó phòng Nội vụ", "can bo dau moi", "phòng nội vụ", "", ""],
            ["giamsat", "Phạm Giám Sát", "Theo dõi", "", "", ""],
        ],
        ";",
    )
    html = upload(admin, "users", data, "nguoi-dung.csv").get_data(as_text=True)
    assert problems(html) == set()
    assert "matkhau123" not in html  # a given password is never echoed
    result = confirm(admin, html)
    page = result.get_data(as_text=True)
    assert result.headers["Cache-Control"] == "no-store"
    roles = {u.username: (u.role, u.unit_id) for u in User.select()}
    assert roles["p.minhkhai"] == ("officer", world.ward_a.id)
    assert roles["pholanhdao"] == ("leader", None)  # only officers keep a unit
    assert roles["thuky"] == ("secretary", None)
    assert roles["giamsat"] == ("viewer", None)
    assert roles["pb.noivu2"] == ("officer", world.dept.id)  # the unit by its name
    shown = dict(
        re.findall(r"<tr><td><code>([^<]+)</code></td><td>[^<]*</td><td><code>([^<]+)<", page)
    )
    assert set(shown) == {"p.minhkhai", "thuky", "giamsat", "pb.noivu2"}
    # The same credentials are offered as a CSV in this response, and nowhere else.
    link = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    csv_text = base64.b64decode(link).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "Tên đăng nhập,Họ và tên,Mật khẩu"
    for username, password in shown.items():
        assert f"{username}," in csv_text and password in csv_text
    assert AuditEvent.select().where(AuditEvent.action == "create").count() == 5
    assert all(password not in e.after for e in AuditEvent.select() for password in shown.values())
    auth.logout()
    assert "/login" not in auth.login("thuky", shown["thuky"]).headers.get("Location", "")
    assert client.get("/").status_code == 200
    auth.logout()
    auth.login("pholanhdao", "matkhau123")
    assert client.get("/").status_code == 200


# --- the file itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"%PDF-1.4 hello", "units.xlsx", "Tệp không phải là tệp .xlsx hoặc .csv."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00" * 4,
            "units.xls",
            "Định dạng .xls cũ không được hỗ trợ; hãy lưu lại thành .xlsx.",
        ),
        (b"PK\x03\x04not really a zip", "units.xlsx", "Tệp không phải là tệp .xlsx hoặc .csv."),
        (
            b"T\xean \xf0\xf5n v\xec,M\xe3\n",  # Windows-1258
            "units.csv",
            "Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»).",
        ),
        (b"", "units.csv", "Tệp rỗng."),
        (
            "Tên đơn vị;Tên viết tắt\nA;B\n".encode(),
            "units.csv",
            "Thiếu cột: Mã đơn vị, Loại đơn vị.",
        ),
        (",".join(UNIT_HEADER).encode(), "units.csv", "Tệp không có dòng dữ liệu nào."),
    ],
)
def test_unreadable_files_are_refused_beside_the_field(admin, data, name, message):
    before = snapshot()
    response = upload(admin, "units", data, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<small id="file-error" class="field-error">{message}</small>' in html
    assert snapshot() == before


def test_size_and_row_limits(app, admin):
    app.config.update(IMPORT_MAX_BYTES=200, IMPORT_MAX_ROWS=3)
    big = csv_bytes([UNIT_HEADER] + [["x" * 50, "x", f"c{n}", "ward", "", ""] for n in range(5)])
    html = upload(admin, "units", big, "u.csv").get_data(as_text=True)
    assert "Tệp quá lớn (tối đa 0.0 MB)." in html or "Tệp quá lớn" in html
    many = csv_bytes([UNIT_HEADER] + [[f"U{n}", "x", f"c{n}", "ward", "", ""] for n in range(4)])
    html = upload(admin, "units", many, "u.csv").get_data(as_text=True)
    assert "Tệp có quá nhiều dòng (tối đa 3 dòng)." in html


def test_a_preview_too_big_to_carry_is_refused(admin, monkeypatch):
    monkeypatch.setattr(imports, "MAX_PAYLOAD", 100)
    data = csv_bytes([UNIT_HEADER, ["Phòng Tư pháp", "TP", "tuphap", "department", "", ""]])
    html = upload(admin, "units", data, "u.csv").get_data(as_text=True)
    assert "Tệp chứa quá nhiều dữ liệu; hãy chia thành nhiều tệp nhỏ hơn." in html


def test_tampered_or_foreign_payload_is_refused(admin, auth, client, factory):
    factory.user("admin2", "admin")
    data = csv_bytes([UNIT_HEADER, ["Phòng Tư pháp", "TP", "tuphap", "department", "", ""]])
    html = upload(admin, "units", data, "u.csv").get_data(as_text=True)
    token = payload(html)
    before = snapshot()
    forged = client.post(
        "/admin/import/confirm", data={"payload": token[:-3] + "abc", "only_valid": "0"}
    )
    assert forged.status_code == 400
    assert "Phiên nhập đã hết hạn hoặc không hợp lệ" in forged.get_data(as_text=True)
    auth.logout()
    auth.login("admin2")
    foreign = client.post("/admin/import/confirm", data={"payload": token, "only_valid": "0"})
    assert foreign.status_code == 400
    assert snapshot() == before


def test_a_failure_leaves_the_data_as_it_was(admin, monkeypatch):
    data = csv_bytes(
        [
            UNIT_HEADER,
            ["Phòng Tư pháp", "TP", "tuphap", "department", "", ""],
            ["Phòng Y tế", "YT", "yte", "department", "", ""],
        ]
    )
    html = upload(admin, "units", data, "u.csv").get_data(as_text=True)
    real, calls = imports_apply.record, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("taken meanwhile")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports_apply, "record", failing)
    before = snapshot()
    response = confirm(admin, html)
    assert response.status_code == 409
    assert "chưa có gì được lưu" in response.get_data(as_text=True)
    assert snapshot() == before


# --- templates -----------------------------------------------------------------------------


def test_xlsx_templates_round_trip(admin, world):
    response = admin.get("/admin/import/template/units.xlsx")
    assert response.status_code == 200
    assert "mau-nhap-don-vi.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet, help_sheet = book.worksheets
    assert [c.value for c in sheet[1]] == UNIT_HEADER
    assert help_sheet.title == "Hướng dẫn"
    assert "UBND phường" in " ".join(str(c.value) for row in help_sheet for c in row)
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("UBND phường" in f for f in lists)
    sheet.append(["Phòng Y tế", "Y tế", "yte", "Phòng ban chuyên môn", "yt@hp.vn", 7])
    filled = io.BytesIO()
    book.save(filled)
    html = upload(admin, "units", filled.getvalue()).get_data(as_text=True)
    assert problems(html) == set()
    assert confirm(admin, html).status_code == 200
    assert {"minhkhai", "yte"} <= {u.code for u in Unit.select()}

    users = load_workbook(io.BytesIO(admin.get("/admin/import/template/users.xlsx").data))
    roles = [v.formula1 for v in users.active.data_validations.dataValidation]
    assert any("Lãnh đạo" in f for f in roles)
    html = upload(admin, "users", _saved(users)).get_data(as_text=True)
    assert problems(html) == set()
    assert confirm(admin, html).status_code == 200
    assert User.get(User.username == "p.minhkhai").unit.code == "minhkhai"


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_templates_round_trip(admin, world):
    for kind in ("units", "groups", "users"):
        response = admin.get(f"/admin/import/template/{kind}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith("\ufeff".encode())
        html = upload(admin, kind, response.data, f"{kind}.csv").get_data(as_text=True)
        assert problems(html) == set(), kind
        assert confirm(admin, html).status_code == 200
    group = UnitGroup.get(UnitGroup.name == "Các phường trung tâm")
    assert {u.code for u in group.units()} == {"sodau", "hoangvanthu", "minhkhai"}
    assert User.get(User.username == "p.minhkhai").role == "officer"


# --- command line -------------------------------------------------------------------------


def test_cli_import_refuses_problems_then_imports_valid_rows(runner, world, tmp_path):
    path = tmp_path / "nguoi-dung.csv"
    path.write_bytes(
        csv_bytes(
            [
                USER_HEADER,
                ["p.minhkhai", "Nguyễn Văn Minh", "Cán bộ đầu mối", "sodau", "", ""],
                ["khong.don.vi", "Cán bộ", "officer", "", "", ""],
            ],
            ";",
        )
    )
    refused = runner.invoke(cli, ["import-users", str(path)])
    assert refused.exit_code == 1
    assert "dòng 3, Mã đơn vị: Cán bộ đầu mối phải thuộc một đơn vị." in refused.output
    assert User.select().count() == 7
    done = runner.invoke(cli, ["import-users", str(path), "--only-valid"])
    assert done.exit_code == 0, done.output
    assert "Thêm mới 1" in done.output
    line = next(x for x in done.output.splitlines() if x.startswith("p.minhkhai,"))
    password = line.split(",")[-1]
    account = User.get(User.username == "p.minhkhai")
    assert account.check_password(password) and account.unit_id == world.ward_a.id
    assert not User.select().where(User.username == "khong.don.vi").exists()


# --- permissions ---------------------------------------------------------------------------

IDENTITIES = [
    "anonymous",
    "admin",
    "lanhdao",
    "tonghop",
    "theodoi",
    "p.sodau",
    "p.hoangvanthu",
    "pb.noivu",
]


@pytest.mark.parametrize("who", IDENTITIES)
def test_only_admins_may_import(app, client, auth, world, who):
    if who != "anonymous":
        auth.login(who)
    data = csv_bytes([UNIT_HEADER, ["Phòng Y tế", "YT", "yte", "department", "", ""]])
    before = snapshot()
    gets = [
        "/admin/import",
        "/admin/import/template/units.xlsx",
        "/admin/import/template/users.csv",
    ]
    for url in gets:
        status = client.get(url).status_code
        if who == "admin":
            assert status == 200, url
        elif who == "anonymous":
            assert status == 302, url
        else:
            assert status == 403, url
    preview = upload(client, "units", data, "u.csv")
    if who != "admin":
        assert preview.status_code == (302 if who == "anonymous" else 403)
        refused = client.post("/admin/import/confirm", data={"payload": "x", "only_valid": "1"})
        assert refused.status_code == (302 if who == "anonymous" else 403)
        assert snapshot() == before
        return
    assert confirm(client, preview.get_data(as_text=True)).status_code == 200
    assert Unit.get(Unit.code == "yte").name == "Phòng Y tế"


def test_a_password_set_by_import_ends_the_users_sessions(app, auth, client, world):
    officer = app.test_client()
    officer.post("/login", data={"username": "p.sodau", "password": "demo"})
    assert officer.get("/").status_code == 200
    auth.login("admin")
    data = csv_bytes(
        [USER_HEADER, ["p.sodau", "Cán bộ Sở Dầu", "officer", "sodau", "", "moi12345"]]
    )
    html = upload(client, "users", data, "u.csv", update=True).get_data(as_text=True)
    assert problems(html) == set()
    confirm(client, html)
    # The officer's old session carries the old session version: it is refused.
    response = officer.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

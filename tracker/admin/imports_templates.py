"""Downloadable templates: the Vietnamese headers, one example row, and (xlsx) a sheet of help.

The .xlsx template's data sheet comes first (the import reads the first sheet); its kind and
role columns offer a drop-down list of the allowed values. The .csv template is UTF-8 with a
BOM and commas, as Excel opens it correctly. Both are written through tracker.core.spreadsheet,
as every spreadsheet the application writes, so no cell can become a formula.
"""

from __future__ import annotations

import io

from tracker.admin.imports_spec import COLUMNS
from tracker.core.spreadsheet import csv_writer, xlsx_row
from tracker.models import ROLES, UnitKind

EXAMPLES = {
    "units": {
        "name": "UBND phường Minh Khai",
        "short_name": "P. Minh Khai",
        "code": "minhkhai",
        "kind": "UBND phường",
        "email": "minhkhai@example.gov.vn",
        "sort_order": "10",
    },
    "groups": {
        "name": "Các phường trung tâm",
        "description": "UBND các phường khu vực trung tâm",
        "members": "sodau; hoangvanthu; minhkhai",
    },
    "users": {
        "username": "p.minhkhai",
        "full_name": "Nguyễn Văn Minh",
        "role": "Cán bộ đầu mối",
        "unit": "minhkhai",
        "email": "minh@example.gov.vn",
        "password": "",
    },
}


def _choices(kind: str, key: str) -> list[str]:
    """The allowed values of a column with a fixed list (kinds, roles), as Vietnamese names."""
    if kind == "units" and key == "kind":
        return list(UnitKind.labels().values())
    if kind == "users" and key == "role":
        return list(ROLES.values())
    return []


def headers(kind: str) -> list[str]:
    return [c.label for c in COLUMNS[kind]]


def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headers(kind))
    writer.writerow([EXAMPLES[kind][c.key] for c in COLUMNS[kind]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    columns = COLUMNS[kind]
    sheet.append(xlsx_row(sheet, headers(kind)))
    sheet.append(xlsx_row(sheet, [EXAMPLES[kind][c.key] for c in columns]))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(16, len(column.label) + 6)
        sheet[f"{letter}2"].number_format = "@"  # codes such as 001 stay text
        choices = _choices(kind, column.key)
        if choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(c.replace(",", "") for c in choices) + '"',
                allow_blank=True,
                showErrorMessage=False,  # other accepted spellings may be typed too
            )
            validation.add(f"{letter}2:{letter}{1 + 2000}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("Hướng dẫn")
    help_sheet.append(xlsx_row(help_sheet, ["Cột", "Bắt buộc", "Ý nghĩa, giá trị cho phép"]))
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        choices = _choices(kind, column.key)
        text = column.help + (" " + "; ".join(choices) + "." if choices else "")
        row = [column.label, "Có" if column.required else "", text.strip()]
        help_sheet.append(xlsx_row(help_sheet, row))
    help_sheet.append([])
    for line in NOTES[kind]:
        help_sheet.append(xlsx_row(help_sheet, [line]))
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NOTES = {
    "units": [
        "Dòng đầu tiên là tiêu đề; mỗi dòng tiếp theo là một đơn vị. "
        "Xóa dòng ví dụ trước khi nhập.",
        "Đơn vị đã có (cùng mã) được báo lỗi, "
        "hoặc được cập nhật nếu chọn «Cập nhật dữ liệu đã có».",
    ],
    "groups": [
        "Nhập đơn vị trước, sau đó mới nhập nhóm: mã thành viên phải là mã đơn vị đã có.",
        "Khi cập nhật một nhóm đã có (cùng tên), danh sách thành viên được thay bằng danh sách "
        "trong tệp.",
    ],
    "users": [
        "Nhập đơn vị trước: mã đơn vị của cán bộ đầu mối phải là mã đơn vị đã có.",
        "Mật khẩu để trống: hệ thống tạo mật khẩu ngẫu nhiên và chỉ hiển thị một lần sau khi nhập.",
        "Vai trò có thể ghi bằng tên tiếng Việt (Lãnh đạo, Thư ký tổng hợp, Cán bộ đầu mối, …) "
        "hoặc bằng mã (leader, secretary, officer, viewer, admin).",
    ],
}


FILE_NAMES = {"units": "don-vi", "groups": "nhom-don-vi", "users": "nguoi-dung"}


def filename(kind: str, fmt: str) -> str:
    """The download's file name, ASCII so every browser keeps it: mau-nhap-don-vi.xlsx."""
    return f"mau-nhap-{FILE_NAMES[kind]}.{fmt}"

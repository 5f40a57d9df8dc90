"""What each import expects: its columns (Vietnamese headers), and the names of kinds and roles.

Headers are matched without diacritics or case, and a few aliases are accepted, so a sheet
typed by hand ("Ho ten", "mã", "Vai trò") is still understood. Columns that match nothing
(an "STT" column, notes) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.admin.imports_read import normalize
from tracker.core.i18n import N_
from tracker.models import ROLES, UnitKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the template's Vietnamese header (translated when shown)
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""  # for the template's help sheet, always Vietnamese like the headers


KINDS = {
    "units": N_("Đơn vị"),
    "groups": N_("Nhóm đơn vị"),
    "users": N_("Người dùng"),
}

# What a valid row does (shown in the preview and counted in the result).
ACTIONS = {
    "create": N_("Thêm mới"),
    "update": N_("Cập nhật"),
    "same": N_("Không thay đổi"),
}

COLUMNS: dict[str, list[Column]] = {
    "units": [
        Column("name", N_("Tên đơn vị"), True, ("ten", "name"), "Tên đầy đủ, không trùng."),
        Column(
            "short_name",
            N_("Tên viết tắt"),
            True,
            ("ten ngan", "ten tat", "short name"),
            "Tối đa 60 ký tự.",
        ),
        Column(
            "code",
            N_("Mã đơn vị"),
            True,
            ("ma", "code"),
            "Chữ thường không dấu, chữ số, dấu chấm, gạch ngang; không trùng.",
        ),
        Column("kind", N_("Loại đơn vị"), True, ("loai", "kind"), "Một trong các loại sau."),
        Column("email", N_("Email"), False, ("e-mail", "thu dien tu")),
        Column(
            "sort_order",
            N_("Thứ tự"),
            False,
            ("thu tu hien thi", "sort order"),
            "Số từ 0 đến 9999; để trống là 0.",
        ),
    ],
    "groups": [
        Column("name", N_("Tên nhóm"), True, ("ten", "name"), "Tên nhóm, không trùng."),
        Column("description", N_("Mô tả"), False, ("description", "ghi chu")),
        Column(
            "members",
            N_("Các đơn vị thành viên"),
            False,
            ("don vi thanh vien", "thanh vien", "ma don vi", "don vi", "members", "units"),
            "Mã các đơn vị, ngăn cách bằng dấu ; hoặc dấu phẩy.",
        ),
    ],
    "users": [
        Column(
            "username",
            N_("Tên đăng nhập"),
            True,
            ("tai khoan", "username"),
            "Chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang; không trùng.",
        ),
        Column("full_name", N_("Họ và tên"), True, ("ho ten", "full name")),
        Column("role", N_("Vai trò"), True, ("quyen", "role"), "Một trong các vai trò sau."),
        Column(
            "unit",
            N_("Mã đơn vị"),
            False,
            ("don vi", "ma", "unit", "unit code"),
            "Bắt buộc với cán bộ đầu mối; bỏ qua với các vai trò khác.",
        ),
        Column("email", N_("Email"), False, ("e-mail", "thu dien tu")),
        Column(
            "password",
            N_("Mật khẩu"),
            False,
            ("password",),
            "Từ 8 ký tự; để trống thì hệ thống tạo mật khẩu ngẫu nhiên (chỉ hiện một lần).",
        ),
    ],
}

# Names accepted besides the codes and the official labels (compared without diacritics).
KIND_ALIASES = {
    "department": ("phong", "ban", "phong ban", "phong, ban", "phong ban chuyen mon"),
    "ward": ("phuong", "ubnd", "ubnd phuong", "xa", "ubnd xa"),
    "agency": ("co quan", "don vi", "co quan don vi", "khac"),
}
ROLE_ALIASES = {
    "admin": ("quan tri vien", "admin"),
    "leader": ("lanh dao", "lanhdao", "chu tich", "pho chu tich"),
    "secretary": ("thu ky tong hop", "tong hop", "tonghop", "chuyen vien", "thu ky"),
    "officer": ("can bo", "dau moi", "can bo dau moi", "chuyen vien don vi"),
    "viewer": ("theo doi", "theodoi", "xem"),
}


def _lookup(labels: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, label in labels.items():
        for name in (code, label, *aliases.get(code, ())):
            table[normalize(name)] = code
    return table


_ROLES = _lookup(ROLES, ROLE_ALIASES)


def unit_kind(text: str) -> str | None:
    """The kind code for a code, a label or a name of a kind ("UBND phường" → "ward")."""
    kinds = {k.code: k for k in UnitKind.select()}
    aliases = {code: (kind.name, *KIND_ALIASES.get(code, ())) for code, kind in kinds.items()}
    table = _lookup({code: kind.label for code, kind in kinds.items()}, aliases)
    return table.get(normalize(text))


def role(text: str) -> str | None:
    """The role code for a code or a Vietnamese name ("Lãnh đạo" → "leader")."""
    return _ROLES.get(normalize(text))


def header_map(kind: str, header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column key → index in the file, and the labels of required columns that are missing."""
    names = {}
    for column in COLUMNS[kind]:
        for name in (column.label, column.key, *column.aliases):
            names.setdefault(normalize(name), column.key)
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(normalize(cell))
        if key and key not in found:
            found[key] = index
    missing = [_(c.label) for c in COLUMNS[kind] if c.required and c.key not in found]
    return found, missing


def label(kind: str, key: str) -> str:
    """The translated header of column ``key``."""
    return next(_(c.label) for c in COLUMNS[kind] if c.key == key)

"""Checking imported rows: every problem of every row, with its column, in Vietnamese.

A row is *valid* when it has no problem; only valid rows are ever written. A row whose key
(unit code, group name, username) already exists is a problem unless the admin chose to
update existing rows; it then becomes an update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from tracker.admin import imports_spec as spec
from tracker.admin.imports_read import HEADER_SEARCH, ImportFileError, limits
from tracker.models import UNIT_NEEDED, UNIT_ROLES, Unit, UnitGroup, User

CODE_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
USERNAME_RE = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MEMBER_SPLIT = re.compile(r"[;,\n]+")
LIMITS = {
    "units": {"name": 200, "short_name": 60, "code": 40, "email": 200},
    "groups": {"name": 200, "description": 500},
    "users": {"username": 60, "full_name": 200, "email": 200, "password": 200},
}


@dataclass
class Row:
    """One data row: its values as typed, what it would do, and its problems."""

    number: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)
    action: str = "create"  # create, update or same (exists, nothing to change)
    existing_id: int | None = None
    data: dict = field(default_factory=dict)  # the checked values to write

    @property
    def valid(self) -> bool:
        return not self.problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append((key, message))


def rows_of(kind: str, table) -> tuple[list[Row], list[str]]:
    """The table's data rows as ``Row`` objects, and the missing required columns (if any).

    The header is the first of the top rows that names the most of the import's columns, so
    a title line above the table does no harm.
    """
    lines = table.lines
    best, best_found = 0, -1
    for position, (_number, cells) in enumerate(lines[: HEADER_SEARCH + 1]):
        found = len(spec.header_map(kind, cells)[0])
        if found > best_found:
            best, best_found = position, found
    index, missing = spec.header_map(kind, lines[best][1])
    data = lines[best + 1 :]
    if len(data) > limits()[1]:
        raise ImportFileError(_("Tệp có quá nhiều dòng (tối đa %(n)s dòng).", n=limits()[1]))
    rows = []
    for number, cells in data:
        values = {k: (cells[i] if i < len(cells) else "") for k, i in index.items()}
        rows.append(Row(number, {c.key: values.get(c.key, "") for c in spec.COLUMNS[kind]}))
    return rows, missing


def _basic(kind: str, row: Row) -> None:
    """Required values, lengths and e-mail shape."""
    for column in spec.COLUMNS[kind]:
        value = row.values.get(column.key, "")
        if column.required and not value:
            row.problem(column.key, _("Thiếu giá trị bắt buộc."))
        limit = LIMITS[kind].get(column.key)
        if limit and len(value) > limit:
            row.problem(column.key, _("Tối đa %(max)d ký tự.", max=limit))
    email = row.values.get("email", "")
    if email and not EMAIL_RE.match(email):
        row.problem("email", _("Địa chỉ email không hợp lệ."))


def _duplicates(rows: list[Row], key: str, lower: bool = True) -> None:
    """Mark every row whose ``key`` repeats an earlier row of the file."""
    seen: dict[str, int] = {}
    for row in rows:
        value = row.values.get(key, "")
        value = value.lower() if lower else value
        if not value:
            continue
        if value in seen:
            row.problem(key, _("Trùng với dòng %(n)s trong tệp.", n=seen[value]))
        else:
            seen[value] = row.number


def _exists_message() -> str:
    return _("Đã có trong hệ thống (chọn «Cập nhật dữ liệu đã có» để cập nhật).")


def check_units(rows: list[Row], update: bool) -> None:
    units = {u.code.lower(): u for u in Unit.select()}
    names = {u.name.lower(): u for u in units.values()}
    for row in rows:
        _basic("units", row)
        v = row.values
        code = v["code"].lower()
        if code and not CODE_RE.match(code):
            row.problem(
                "code", _("Mã chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch ngang.")
            )
        kind = spec.unit_kind(v["kind"]) if v["kind"] else None
        if v["kind"] and kind is None:
            row.problem("kind", _("Loại đơn vị không hợp lệ: «%(value)s».", value=v["kind"]))
        order = 0
        if v["sort_order"]:
            try:
                order = int(v["sort_order"])
            except ValueError:
                order = -1
            if not 0 <= order <= 9999:
                row.problem("sort_order", _("Thứ tự phải là số từ 0 đến 9999."))
        existing = units.get(code)
        if existing and not update:
            row.problem("code", _exists_message())
        other = names.get(v["name"].lower())
        if other and other is not existing:
            row.problem("name", _("Tên này đã được đơn vị mã «%(code)s» sử dụng.", code=other.code))
        row.data = {
            "name": v["name"],
            "short_name": v["short_name"],
            "code": code,
            "kind": kind,
            "email": v["email"],
            "sort_order": order,
        }
        _mark_update(row, existing)
    _duplicates(rows, "code")
    _duplicates(rows, "name")


def _mark_update(row: Row, existing, fields: list[str] | None = None) -> None:
    if existing is None:
        return
    row.existing_id = existing.id
    names = fields or list(row.data)
    same = all(getattr(existing, f) == row.data[f] for f in names if f in row.data)
    row.action = "same" if same else "update"


def member_codes(text: str) -> list[str]:
    """The unit codes in a members cell ("sodau; hoangvanthu, noivu"), without repeats."""
    codes = [c.strip().lower() for c in MEMBER_SPLIT.split(text)]
    return list(dict.fromkeys(c for c in codes if c))


def check_groups(rows: list[Row], update: bool) -> None:
    units = {u.code.lower(): u.id for u in Unit.select(Unit.id, Unit.code)}
    groups = {g.name.lower(): g for g in UnitGroup.select()}
    for row in rows:
        _basic("groups", row)
        codes = member_codes(row.values["members"])
        unknown = [c for c in codes if c not in units]
        if unknown:
            row.problem("members", _("Không có đơn vị mã: %(codes)s.", codes=", ".join(unknown)))
        row.data = {
            "name": row.values["name"],
            "description": row.values["description"],
            "units": sorted(units[c] for c in codes if c in units),
        }
        existing = groups.get(row.values["name"].lower())
        if existing and not update:
            row.problem("name", _exists_message())
        if existing:
            row.existing_id = existing.id
            members = sorted(m.unit_id for m in existing.members)
            same = existing.description == row.data["description"] and members == row.data["units"]
            row.action = "same" if same else "update"
    _duplicates(rows, "name")


def check_users(rows: list[Row], update: bool, actor: User) -> None:
    all_units = list(Unit.select())
    # The unit cell may hold the code (as the template says) or the unit's full name.
    units = {u.name.lower(): u for u in all_units}
    units.update({u.code.lower(): u for u in all_units})
    users = {u.username.lower(): u for u in User.select()}
    for row in rows:
        _basic("users", row)
        v = row.values
        username = v["username"].lower()
        if username and not USERNAME_RE.match(username):
            row.problem(
                "username",
                _(
                    "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, "
                    "dấu chấm, gạch dưới và gạch ngang."
                ),
            )
        role = spec.role(v["role"]) if v["role"] else None
        if v["role"] and role is None:
            row.problem("role", _("Vai trò không hợp lệ: «%(value)s».", value=v["role"]))
        unit = units.get(v["unit"].lower()) if v["unit"] else None
        if v["unit"] and unit is None:
            row.problem("unit", _("Không có đơn vị có mã hoặc tên «%(code)s».", code=v["unit"]))
        elif role in UNIT_ROLES and unit is None:
            row.problem("unit", _(UNIT_NEEDED[role]))
        elif role in UNIT_ROLES and not unit.active:
            row.problem("unit", _("Đơn vị «%(code)s» đang ngừng hoạt động.", code=unit.code))
        if v["password"] and len(v["password"]) < 8:
            row.problem("password", _("Mật khẩu phải có từ 8 ký tự."))
        existing = users.get(username)
        if existing and not update:
            row.problem("username", _exists_message())
        if (
            update
            and existing
            and actor is not None
            and existing.id == actor.id
            and role not in (None, "admin")
        ):
            row.problem("role", _("Bạn không thể tự bỏ quyền quản trị của mình."))
        row.data = {
            "username": username,
            "full_name": v["full_name"],
            "email": v["email"],
            "role": role,
            "unit_id": unit.id if unit is not None and role in UNIT_ROLES else None,
            "password": v["password"],
        }
        _mark_update(row, existing, ["full_name", "email", "role", "unit_id"])
        if existing and v["password"]:
            row.action = "update"
    _duplicates(rows, "username")


def check(kind: str, rows: list[Row], update: bool, actor: User) -> list[Row]:
    """Check every row of an import of ``kind`` against the file and the database."""
    if kind == "units":
        check_units(rows, update)
    elif kind == "groups":
        check_groups(rows, update)
    else:
        check_users(rows, update, actor)
    for row in rows:
        row.problems.sort(key=lambda p: _column_order(kind, p[0]))
    return rows


def _column_order(kind: str, key: str) -> int:
    keys = [c.key for c in spec.COLUMNS[kind]]
    return keys.index(key) if key in keys else len(keys)

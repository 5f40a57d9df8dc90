"""Writing checked rows: one transaction for the whole import, one audit event per row.

Any failure (a row taken by someone else meanwhile, a database error) rolls the whole
import back, so the data stays as it was.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field

from tracker.admin.imports_check import Row
from tracker.auth.sessions import end_sessions
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.spreadsheet import csv_writer
from tracker.models import Unit, UnitGroup, UnitGroupMember, UnitKind, User
from tracker.models.audit import changes, record

# No look-alike characters (0/O, 1/l/I), so a password read off a screen is typed right.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
UNIT_FIELDS = ["name", "short_name", "code", "kind", "email", "sort_order"]
USER_FIELDS = ["full_name", "email", "role", "unit_id"]


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (username, full name, password) of accounts whose password the system generated.
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


def generate_password(length: int = 12) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _unit(row: Row, actor, outcome: Outcome) -> None:
    values = {k: row.data[k] for k in UNIT_FIELDS}
    if row.existing_id is None:
        unit = Unit.create(**values)
        record(actor, "create", unit, after=values, message="import")
        outcome.created += 1
        return
    unit = Unit.get_by_id(row.existing_id)
    before, after = changes(unit, UNIT_FIELDS, values)
    if not after:
        outcome.unchanged += 1
        return
    Unit.update(**after).where(Unit.id == unit.id).execute()
    record(actor, "update", unit, before=before, after=after, message="import")
    outcome.updated += 1


def _member_codes(group_id: int) -> list[str]:
    query = (
        Unit.select(Unit.code)
        .join(UnitGroupMember, on=(UnitGroupMember.unit == Unit.id))
        .where(UnitGroupMember.group == group_id)
        .order_by(Unit.code)
    )
    return [u.code for u in query]


def _group(row: Row, actor, outcome: Outcome) -> None:
    data = row.data
    if row.existing_id is None:
        group = UnitGroup.create(name=data["name"], description=data["description"])
        group.set_units(data["units"])
        after = {"name": group.name, "description": group.description}
        record(
            actor,
            "create",
            group,
            after={**after, "units": _member_codes(group.id)},
            message="import",
        )
        outcome.created += 1
        return
    group = UnitGroup.get_by_id(row.existing_id)
    old = {"description": group.description, "units": _member_codes(group.id)}
    group.description = data["description"]
    group.save()
    group.set_units(data["units"])
    new = {"description": group.description, "units": _member_codes(group.id)}
    if old == new:
        outcome.unchanged += 1
        return
    before = {k: v for k, v in old.items() if new[k] != v}
    after = {k: v for k, v in new.items() if old[k] != v}
    record(actor, "update", group, before=before, after=after, message="import")
    outcome.updated += 1


def _user(row: Row, actor, outcome: Outcome) -> None:
    data = row.data
    values = {k: data[k] for k in USER_FIELDS}
    if row.existing_id is None:
        account = User(username=data["username"], created_at=get_clock().now(), **values)
        password = data["password"] or generate_password()
        account.set_password(password)
        account.save()
        if not data["password"]:
            outcome.credentials.append((account.username, account.full_name, password))
        after = {"username": account.username, **values}
        record(actor, "create", account, after=after, message="import")
        outcome.created += 1
        return
    account = User.get_by_id(row.existing_id)
    before, after = changes(account, USER_FIELDS, values)
    if after:
        User.update(**after).where(User.id == account.id).execute()
    if data["password"]:  # an update never invents a password: only a given one is set
        account.set_password(data["password"])
        User.update(password_hash=account.password_hash).where(User.id == account.id).execute()
        after["password"] = "đã đặt lại"
    if not after:
        outcome.unchanged += 1
        return
    if set(after) & {"password", "role", "unit_id"}:
        end_sessions(account)  # as an admin's reset: the old sessions carry the old rights
    record(actor, "update", account, before=before, after=after, message="import")
    outcome.updated += 1


WRITERS = {"units": _unit, "groups": _group, "users": _user}


def apply(kind: str, rows: list[Row], actor) -> Outcome:
    """Write the valid ``rows`` in one transaction (all or nothing)."""
    outcome = Outcome()
    write = WRITERS[kind]
    with database.atomic():
        for row in rows:
            if row.valid:
                write(row, actor, outcome)
        if kind == "units":
            UnitKind.sync_groups()
    return outcome


def credentials_csv(credentials: list[tuple[str, str, str]]) -> str:
    """The generated credentials as CSV text (UTF-8 with BOM, so Excel shows the diacritics).

    Names come from the uploaded file: the writer keeps any of them from becoming a formula.
    """
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Tên đăng nhập", "Họ và tên", "Mật khẩu"])
    writer.writerows(credentials)
    return "\ufeff" + out.getvalue()

"""Who receives a kind of mail: a unit's officers and the unit's own address, minus opt-outs."""

from __future__ import annotations

from tracker.models import MailPreference, Unit, User
from tracker.policy import users_allowed


def wants(user: User, kind: str) -> bool:
    """Whether ``user`` receives mail of ``kind`` (yes unless they turned it off)."""
    pref = MailPreference.get_or_none(MailPreference.user == user, MailPreference.kind == kind)
    return pref is None or pref.enabled


def opted_out(kind: str) -> set[int]:
    """Ids of the users who turned ``kind`` off (one query, for batch jobs)."""
    return {
        p.user_id
        for p in MailPreference.select(MailPreference.user).where(
            MailPreference.kind == kind,
            MailPreference.enabled == False,  # noqa: E712
        )
    }


def unit_recipients(
    unit: Unit, kind: str, officers: list[User] | None = None, skip: set[int] | None = None
) -> tuple[list[str], list[str]]:
    """(addresses, people without an address) for a mail of ``kind`` to ``unit``.

    ``officers`` and ``skip`` (opted-out ids) may be given by batch jobs that loaded them at
    once; otherwise they are read here. Addresses are de-duplicated, case-insensitively.
    """
    if officers is None:
        officers = list(
            User.select()
            .where(
                User.unit == unit,
                users_allowed("mail.receive_unit"),
                User.active == True,  # noqa: E712
            )
            .order_by(User.id)  # a stable order of addresses, on PostgreSQL too
        )
    if skip is None:
        skip = opted_out(kind)
    addresses: dict[str, str] = {}
    missing: list[str] = []
    for officer in officers:
        if officer.id in skip:
            continue
        if officer.email:
            addresses.setdefault(officer.email.lower(), officer.email)
        else:
            missing.append(officer.full_name or officer.username)
    if unit.email:
        addresses.setdefault(unit.email.lower(), unit.email)
    return list(addresses.values()), missing


def user_recipients(user: User, kind: str) -> tuple[list[str], list[str]]:
    """(addresses, missing) for a personal mail of ``kind`` to ``user``."""
    if not user.active or not wants(user, kind):
        return [], []
    if not user.email:
        return [], [user.full_name or user.username]
    return [user.email], []

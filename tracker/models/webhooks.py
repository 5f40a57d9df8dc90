"""Outgoing webhooks: addresses (a chat bridge, another system) that hear the events the unit's
mail tells, POSTed as signed JSON through the outbox (tracker/webhooks/)."""

from __future__ import annotations

import secrets

from peewee import BooleanField, CharField, Expression, ForeignKeyField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.models.units import Unit
from tracker.models.users import User

# Whose events a webhook hears: every unit's, one unit's, or those of one person's unit.
WEBHOOK_SCOPES = {
    "all": N_("Toàn hệ thống"),
    "unit": N_("Một đơn vị"),
    "user": N_("Một người dùng"),
}

# The events a webhook may subscribe to: those that mail a unit (tracker/reminders/events.py),
# and the daily due-soon reminder, one event per assignment (tracker/webhooks/due_soon.py).
WEBHOOK_EVENTS = {
    "new_assignment": N_("Được giao nhiệm vụ mới"),
    "urge": N_("Đôn đốc thực hiện nhiệm vụ"),
    "extension_decided": N_("Kết quả xin gia hạn"),
    "submission_returned": N_("Nhiệm vụ bị trả lại"),
    "submission_confirmed": N_("Nhiệm vụ được xác nhận hoàn thành"),
    "due_soon": N_("Nhắc việc sắp đến hạn"),
}


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, as 64 hex characters."""
    return secrets.token_hex(32)


class Webhook(BaseModel):
    """One address that receives the events of its scope, signed with its own ``secret``.

    ``events`` holds the subscribed kinds, comma-separated; empty means every kind, also
    kinds added later.
    """

    name = CharField(max_length=100)
    url = CharField(max_length=500)
    secret = CharField(max_length=64, default=new_secret)
    scope = CharField(max_length=10, default="all")
    unit = ForeignKeyField(Unit, null=True, backref="webhooks", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, backref="webhooks", on_delete="CASCADE")
    events = TextField(default="")
    active = BooleanField(default=True)
    created_at = InstantField()

    class Meta:
        table_name = "webhook"

    @property
    def event_list(self) -> list[str]:
        """The subscribed kinds; empty means all."""
        return [kind for kind in self.events.split(",") if kind]

    def hears(self, kind: str) -> bool:
        """Whether this webhook subscribed to events of ``kind``."""
        chosen = self.event_list
        return not chosen or kind in chosen

    @classmethod
    def ordered(cls):
        """Every webhook, by name."""
        return cls.select().order_by(cls.name, cls.id)

    @classmethod
    def for_unit(cls, unit_id: int, receives_unit_mail: Expression) -> list[Webhook]:
        """The active webhooks that hear an event of the unit ``unit_id``: the whole
        installation's, the unit's own, and those of its people whom the unit's mail reaches
        (``receives_unit_mail``: the policy's condition on ``User``)."""
        people = User.select(User.id).where(
            User.unit == unit_id,
            User.active == True,  # noqa: E712
            receives_unit_mail,
        )
        return list(
            cls.select()
            .where(
                cls.active == True,  # noqa: E712
                (cls.scope == "all")
                | ((cls.scope == "unit") & (cls.unit == unit_id))
                | ((cls.scope == "user") & cls.user.in_(people)),
            )
            .order_by(cls.id)
        )

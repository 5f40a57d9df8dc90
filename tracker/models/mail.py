"""The outbox of mail, the record of scheduled runs, and each user's choice of mail kinds."""

from __future__ import annotations

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.core.search_index import Searchable
from tracker.models.assignments import Assignment
from tracker.models.units import Unit
from tracker.models.users import User
from tracker.models.webhooks import Webhook

MAIL_KINDS = {
    "weekly_digest": N_("Tổng hợp công việc hằng tuần của đơn vị"),
    "leader_summary": N_("Báo cáo tổng hợp hằng tuần cho lãnh đạo"),
    "leader_pending": N_("Việc chờ lãnh đạo xử lý (hằng ngày)"),
    "due_soon": N_("Nhắc việc sắp đến hạn"),
    "new_assignment": N_("Thông báo được giao nhiệm vụ mới"),
    "urge": N_("Đôn đốc thực hiện nhiệm vụ"),
    "extension_decided": N_("Kết quả xin gia hạn"),
    "submission_returned": N_("Nhiệm vụ bị trả lại"),
    "submission_confirmed": N_("Nhiệm vụ được xác nhận hoàn thành"),
    "handler_assigned": N_("Được phân công xử lý nhiệm vụ"),
    "draft_submitted": N_("Báo cáo chờ lãnh đạo đơn vị duyệt"),
    "draft_returned": N_("Báo cáo bị lãnh đạo đơn vị trả lại"),
    "internal_overdue": N_("Quá hạn xử lý nội bộ"),
}

# What the outbox lists: the mails, and the test a webhook's page sends.
OUTBOX_KINDS = {**MAIL_KINDS, "webhook_test": N_("Gửi thử webhook")}

# How a message travels: a mail over SMTP, or a JSON POST to one webhook.
CHANNELS = {"mail": N_("Thư điện tử"), "webhook": N_("Webhook")}

MESSAGE_STATUSES = {
    "queued": N_("Chờ gửi"),
    "sending": N_("Đang gửi"),
    "sent": N_("Đã gửi"),
    "failed": N_("Lỗi, sẽ thử lại"),
    "dead": N_("Không gửi được"),
}


class OutboxMessage(Searchable, BaseModel):
    """One mail to send; ``key`` (kind + recipient + period) makes it unique, so never twice.

    A ``webhook`` message is one event for one webhook: ``body_text`` is the JSON body to POST,
    ``subject`` its text line, ``recipients`` the webhook's name; the webhook itself may have
    been deleted since (then the message cannot be sent).
    """

    key = CharField(max_length=200, unique=True)
    kind = CharField(max_length=30, index=True)
    channel = CharField(max_length=10, default="mail")
    webhook = ForeignKeyField(Webhook, null=True, backref="messages", on_delete="SET NULL")
    unit = ForeignKeyField(Unit, null=True, backref="messages", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, backref="messages", on_delete="CASCADE")
    assignment = ForeignKeyField(Assignment, null=True, backref="messages", on_delete="CASCADE")
    recipients = TextField(default="")
    missing_recipients = TextField(default="")
    subject = CharField(max_length=300)
    body_text = TextField()
    body_html = TextField(default="")
    status = CharField(max_length=10, default="queued")
    attempts = IntegerField(default=0)
    next_attempt_at = InstantField()
    claimed_until = InstantField(null=True)
    last_error = TextField(default="")
    created_at = InstantField(index=True)
    updated_at = InstantField()
    sent_at = InstantField(null=True)
    # Folded subject and recipients, for the outbox's search (tracker/core/search_index.py);
    # ``enqueue`` fills it, as the row is inserted without save().
    search_text = TextField(default="")

    SEARCH_FIELDS = ("subject", "recipients", "missing_recipients")
    FULL_TEXT = False

    class Meta:
        table_name = "outbox_message"
        indexes = ((("status", "next_attempt_at"), False),)


class JobRun(BaseModel):
    """One run of a scheduled job for one period; unique, so a period runs once."""

    job = CharField(max_length=40)
    period = CharField(max_length=40)
    started_at = InstantField()
    finished_at = InstantField(null=True)
    queued = IntegerField(default=0)

    class Meta:
        table_name = "job_run"
        indexes = ((("job", "period"), True),)


class MailPreference(BaseModel):
    """A user's choice to receive (or not) one kind of mail; no row means yes."""

    user = ForeignKeyField(User, backref="mail_preferences", on_delete="CASCADE")
    kind = CharField(max_length=30)
    enabled = BooleanField(default=True)

    class Meta:
        table_name = "mail_preference"
        indexes = ((("user", "kind"), True),)

"""The webhook form of the administration, with every message in Vietnamese beside its field."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from tracker.core.params import optional_id
from tracker.models import WEBHOOK_EVENTS, WEBHOOK_SCOPES, Unit, User, Webhook
from tracker.policy import users_allowed
from tracker.web.forms import BaseForm, max_len, required

CHOICE_ERROR = _l("Lựa chọn không hợp lệ.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook's address (a Vietnamese sentence), or None if it can:
    http or https, a host, no user name or password in it, no spaces."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return _l("Địa chỉ không được chứa dấu cách.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return _l("Địa chỉ phải bắt đầu bằng http:// hoặc https://.")
    if "@" in parts.netloc:
        return _l(
            "Không ghi tên đăng nhập hay mật khẩu trong địa chỉ: nơi nhận xác thực bằng chữ ký "
            "của hệ thống."
        )
    try:
        parts.port  # noqa: B018 (an out-of-range or non-numeric port raises here)
    except ValueError:
        return _l("Cổng (port) trong địa chỉ không hợp lệ.")
    if not parts.hostname:
        return _l("Địa chỉ thiếu tên máy chủ.")
    return None


class WebhookForm(BaseForm):
    """Name, address, whose events (everyone's, one unit's, one person's) and which kinds."""

    name = StringField(_l("Tên gọi"), [required(), max_len(100)], filters=[_strip])
    url = StringField(
        _l("Địa chỉ nhận (URL)"),
        [required(), max_len(500)],
        filters=[_strip],
        description=_l("Ví dụ: https://chat.example.gov.vn/hooks/abc123"),
    )
    scope = SelectField(
        _l("Phạm vi sự kiện"),
        choices=[SelectChoice(k, _l(label)) for k, label in WEBHOOK_SCOPES.items()],
        invalid_choice_message=CHOICE_ERROR,
    )
    unit = SelectField(
        _l("Đơn vị"),
        coerce=optional_id,
        invalid_value_message=CHOICE_ERROR,
        invalid_choice_message=CHOICE_ERROR,
    )
    user = SelectField(
        _l("Người dùng"),
        coerce=optional_id,
        invalid_value_message=CHOICE_ERROR,
        invalid_choice_message=CHOICE_ERROR,
        description=_l("Nhận các sự kiện của đơn vị mà người này nhận thư nhắc việc."),
    )
    events = SelectMultipleField(
        _l("Loại sự kiện"),
        choices=[SelectChoice(k, _l(label)) for k, label in WEBHOOK_EVENTS.items()],
        invalid_choice_message=CHOICE_ERROR,
        description=_l("Không chọn loại nào: nhận mọi loại sự kiện."),
    )
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def validate_url(self, field: StringField) -> None:
        problem = url_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_unit(self, field: SelectField) -> None:
        if self.scope.data == "unit" and field.data is None:
            raise ValidationError(_l("Chọn đơn vị có sự kiện được gửi đến webhook này."))

    def validate_user(self, field: SelectField) -> None:
        if self.scope.data == "user" and field.data is None:
            raise ValidationError(_l("Chọn người dùng có sự kiện được gửi đến webhook này."))


def webhook_form(hook: Webhook | None = None) -> WebhookForm:
    """The form; its choices are the active units and the people the unit's mail reaches
    (the webhook's own unit or person is kept, even if inactive since)."""
    if hook is None:
        form = WebhookForm()
    else:
        form = WebhookForm(
            name=hook.name,
            url=hook.url,
            scope=hook.scope,
            unit=hook.unit_id,
            user=hook.user_id,
            events=hook.event_list,
            active=hook.active,
        )
    units = Unit.ordered().where((Unit.active == True) | (Unit.id == (hook and hook.unit_id)))  # noqa: E712
    form.unit.choices = [SelectChoice("", _("— Chọn đơn vị —"))] + [
        SelectChoice(u.id, u.name) for u in units
    ]
    people = (
        User.select(User, Unit)
        .join(Unit, JOIN.LEFT_OUTER, on=(User.unit == Unit.id))
        .where(
            (users_allowed("mail.receive_unit") & (User.active == True))  # noqa: E712
            | (User.id == (hook and hook.user_id))
        )
        .order_by(Unit.name, User.full_name, User.id)
    )
    form.user.choices = [SelectChoice("", _("— Chọn người dùng —"))] + [
        SelectChoice(u.id, f"{u.full_name or u.username} ({u.username}) – {u.unit.name}")
        if u.unit_id
        else SelectChoice(u.id, f"{u.full_name or u.username} ({u.username})")
        for u in people
    ]
    return form


def apply(hook: Webhook, form: WebhookForm) -> None:
    """Copy the form into ``hook``; the unit or person is kept only for its scope."""
    hook.name = form.name.data
    hook.url = form.url.data
    hook.scope = form.scope.data
    hook.unit = form.unit.data if form.scope.data == "unit" else None
    hook.user = form.user.data if form.scope.data == "user" else None
    chosen = set(form.events.data or [])
    # All kinds ticked means all, also kinds added later: stored as none.
    hook.events = (
        "" if chosen >= set(WEBHOOK_EVENTS) else ",".join(k for k in WEBHOOK_EVENTS if k in chosen)
    )
    hook.active = form.active.data

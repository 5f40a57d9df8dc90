"""Hồ sơ cá nhân: one's own details and the kinds of mail one chooses to receive."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.api import tokens as api_tokens
from tracker.auth.sessions import current_account
from tracker.models import MAIL_KINDS, ApiToken, MailPreference, User
from tracker.models import preferences as choices
from tracker.notifications import preferences as notification_prefs
from tracker.policy import can, get_visible_or_404
from tracker.web.forms import BaseForm, max_len, required
from tracker.web.rendering import form_error_status, render, wants_fragment

bp = Blueprint("profile", __name__)

OFFICER_KINDS = (
    "weekly_digest",
    "due_soon",
    "new_assignment",
    "urge",
    "extension_decided",
    "submission_returned",
    "submission_confirmed",
    # Work inside a unit: to the handler and to the unit head (tracker/reminders/inside_unit.py).
    "handler_assigned",
    "draft_submitted",
    "draft_returned",
    "internal_overdue",
)


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of mail that can reach ``user``'s role, so the only ones worth choosing."""
    summary = ("leader_summary",) if can(user, "mail.choose_summary") else ()
    pending = ("leader_pending",) if can(user, "mail.receive_pending") else ()
    return summary + pending + (OFFICER_KINDS if can(user, "mail.choose_unit") else ())


def enabled_kinds(user: User, kinds: tuple[str, ...]) -> list[str]:
    """Which of ``kinds`` ``user`` receives (no preference row means yes)."""
    return choices.enabled_kinds(MailPreference, user, kinds)


class KindsField(SelectMultipleField):
    """Checkboxes, one per kind; a value outside the choices is refused in Vietnamese."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        allowed = {value for value, _label in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_("Loại thư không hợp lệ."))


def app_kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of notification in the application worth choosing: those of ``user``'s
    mail kinds the application shows."""
    return tuple(k for k in kinds_for(user) if k in notification_prefs.KINDS)


class MailPreferencesForm(BaseForm):
    kinds = KindsField(_l("Nhận các loại thư"), choices=[])
    # Sent by the page's form (a hidden field), so a post without it leaves them as they were.
    app = StringField()
    app_kinds = KindsField(_l("Nhận thông báo trong ứng dụng"), choices=[])


def _form(user: User, allowed: tuple[str, ...], enabled: list[str]) -> MailPreferencesForm:
    app_allowed = app_kinds_for(user)
    form = MailPreferencesForm(
        kinds=enabled, app_kinds=notification_prefs.enabled_kinds(user, app_allowed)
    )
    form.kinds.choices = [(k, _(MAIL_KINDS[k])) for k in allowed]
    form.app_kinds.choices = [(k, _(MAIL_KINDS[k])) for k in app_allowed]
    return form


def save_preferences(user: User, chosen: set[str], kinds: tuple[str, ...]) -> dict[str, bool]:
    """Store ``user``'s choice among ``kinds``; return the kinds that changed (kind → enabled)."""
    return choices.save_choices(MailPreference, "mail_preferences", user, chosen, kinds)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def index() -> Response:
    """One's own name, e-mail, role and unit, and which kinds of mail one receives."""
    user = current_account()
    kinds = kinds_for(user)
    form = _form(user, kinds, enabled_kinds(user, kinds))
    saved = False
    if form.validate_on_submit():
        save_preferences(user, set(form.kinds.data or []), kinds)
        if form.app.data:
            notification_prefs.save(user, set(form.app_kinds.data or []), app_kinds_for(user))
        if not wants_fragment():
            flash(_("Đã lưu lựa chọn nhận thư."), "success")
            return redirect(url_for("profile.index"))
        saved = True
    status = form_error_status() if form.errors else 200
    return render(
        "auth/profile/index.html",
        block="prefs",
        status=status,
        form=form,
        account=user,
        saved=saved,
        **_token_context(user, TokenForm(formdata=None)),
    )


class TokenForm(BaseForm):
    name = StringField(_l("Tên mã (ví dụ: Phần mềm quản lý văn bản)"), [required(), max_len(100)])


def _token_context(user: User, token_form: TokenForm, secret: str = "") -> dict[str, object]:
    tokens = (
        ApiToken.select()
        .where(ApiToken.user == user)
        .order_by(ApiToken.revoked_at.is_null(False), ApiToken.created_at.desc(), ApiToken.id)
    )
    return {"tokens": list(tokens), "token_form": token_form, "new_secret": secret}


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token() -> Response:
    """A new personal API token; the secret is shown on this answer only, never again."""
    user = current_account()
    token_form = TokenForm()
    secret = ""
    if token_form.validate_on_submit():
        if api_tokens.active_count(user) >= api_tokens.MAX_ACTIVE:
            token_form.name.errors.append(
                _(
                    "Bạn đã có %(n)d mã đang dùng; hãy thu hồi bớt trước khi tạo mã mới.",
                    n=api_tokens.MAX_ACTIVE,
                )
            )
        else:
            _token, secret = api_tokens.create_token(user, token_form.name.data.strip())
            token_form = TokenForm(formdata=None)
    status = form_error_status() if token_form.errors else 200
    kinds = kinds_for(user)
    response = render(
        "auth/profile/index.html",
        block="tokens",
        status=status,
        form=_form(user, kinds, enabled_kinds(user, kinds)),
        account=user,
        saved=False,
        **_token_context(user, token_form, secret),
    )
    # The secret is in this page: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_token(token_id: int) -> ApiToken:
    """One of the current user's tokens, or 404 (another user's token does not exist here)."""
    return get_visible_or_404(current_account(), ApiToken, token_id, "api_token.revoke")


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    """A confirmation page, then the token stops working at once (with an audit event)."""
    token = _own_token(token_id)
    confirmed = request.method == "POST" and request.form.get("confirm") == "yes"
    if confirmed and token.revoked_at is None:
        api_tokens.revoke_token(token, current_account())
        flash(_("Đã thu hồi mã truy cập “%(name)s”.", name=token.name), "success")
        return redirect(url_for("profile.index"))
    if token.revoked_at is not None:
        return redirect(url_for("profile.index"))
    return render(
        "auth/profile/revoke_token.html",
        block="confirm",
        status=400 if request.method == "POST" else 200,
        token=token,
        unconfirmed=request.method == "POST",
    )

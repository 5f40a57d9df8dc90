"""The forms of extensions: the unit's request and a leader's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import InputRequired, StopValidation

from tracker.assignments.forms import REASON_MAX
from tracker.models import ExtensionRequest
from tracker.web.forms import REQUIRED, BaseForm, VNDateField, max_len, required


class RequestForm(BaseForm):
    """Đề nghị gia hạn."""

    requested_deadline = VNDateField(
        _l("Hạn đề nghị"), [InputRequired(message=REQUIRED)], id="extension-deadline"
    )
    reason = TextAreaField(
        _l("Lý do đề nghị gia hạn"), [required(), max_len(REASON_MAX)], id="extension-reason"
    )


def _when_approving(form: DecisionForm, field: Field) -> None:
    """The approved date counts only for an approval: a rejection ignores it; an approval
    sent without it (an older page) takes the requested date; sent blank, it is required.
    Its other bounds are the rules' (extension_requests.approve)."""
    if not form.approving or not field.raw_data:
        field.errors[:] = []
        raise StopValidation()
    if not "".join(field.raw_data).strip():
        field.errors[:] = []
        raise StopValidation(REQUIRED)


class DecisionForm(BaseForm):
    """A leader's answer: one form for both buttons, so the comment typed is kept either way.

    The reason is required to reject (the rules say so); the approved date, prefilled with the
    requested one, may be changed by the leader. ``origin`` says where the form was drawn
    ("queue" or "assignment"), so an htmx answer replaces the right element. ``approving``:
    set by the view before validating an approval.
    """

    approved_deadline = VNDateField(_l("Gia hạn đến ngày"), [_when_approving])
    reason = TextAreaField(_l("Ý kiến, lý do"), [max_len(REASON_MAX)])
    origin = HiddenField()
    approving = False


def decision_form(req: ExtensionRequest, form: DecisionForm | None = None) -> DecisionForm:
    """A decision form whose inputs have their own ids (a queue shows many at once).

    A new form's approved date is the requested one.
    """
    form = form or DecisionForm(formdata=None, approved_deadline=req.requested_deadline)
    for f in form:
        f.id = f"{f.name}-ext-{req.id}"
    return form

"""The forms of extensions: the unit's request and a leader's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired

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


class DecisionForm(BaseForm):
    """A leader's answer; the reason is required to reject (the rules say so).

    ``origin`` says where the form was drawn ("queue" or "assignment"), so an htmx answer
    replaces the right element.
    """

    reason = TextAreaField(_l("Ý kiến, lý do"), [max_len(REASON_MAX)])
    origin = HiddenField()


def decision_form(req: ExtensionRequest, form: DecisionForm | None = None) -> DecisionForm:
    """A decision form whose inputs have their own ids (a queue shows many at once)."""
    form = form or DecisionForm(formdata=None)
    for f in form:
        f.id = f"{f.name}-ext-{req.id}"
    return form

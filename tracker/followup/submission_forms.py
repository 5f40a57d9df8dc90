"""The forms of a completion report and of a leader's decision on it."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, StringField, TextAreaField

from tracker.assignments.attachments import UploadError
from tracker.assignments.workflow import WorkflowError
from tracker.web.forms import BaseForm, VNDateField, max_len, optional, required

SUMMARY_MAX = 5000
DOC_NUMBER_MAX = 60
REASON_MAX = 2000


class SubmitForm(BaseForm):
    """Báo cáo hoàn thành: the result, and evidence as files and/or a reporting document."""

    summary = TextAreaField(_l("Kết quả thực hiện"), [required(), max_len(SUMMARY_MAX)])
    files = MultipleFileField(_l("Tệp minh chứng"))
    doc_number = StringField(_l("Số văn bản báo cáo"), [max_len(DOC_NUMBER_MAX)])
    doc_date = VNDateField(_l("Ngày văn bản"), [optional()])


class DecisionForm(BaseForm):
    """Confirm or return a submission; returning needs a reason (workflow checks it)."""

    reason = TextAreaField(_l("Lý do trả lại"), [max_len(REASON_MAX)])


def show_error(form: BaseForm, error: WorkflowError | UploadError, field: str = "") -> None:
    """Put a refusal beside the field it concerns (or above the form), translated."""
    message = gettext(error.message, **getattr(error, "params", {}))
    if isinstance(error, UploadError) and error.filename:
        shown = "".join(c for c in error.filename if c.isprintable())
        message = f"{shown}: {message}"
    target = getattr(form, field or getattr(error, "field", None) or "", None)
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)

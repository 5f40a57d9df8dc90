"""Nhập từ Excel/CSV: units, unit groups and users from a spreadsheet, admins only.

Upload → preview (every row with its problems) → confirm. The preview carries the parsed rows
to the confirm step as a hidden field signed with the secret key (itsdangerous), bound to the
admin who uploaded them and valid for an hour: nothing is kept on disk, any worker on any
machine can confirm, and a tampered or stale payload is refused. The confirm step checks the
rows again against the database, then writes them in one transaction.
"""

from __future__ import annotations

import base64

from flask import Response, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadData, URLSafeTimedSerializer
from peewee import DatabaseError
from wtforms import BooleanField, SelectField

from tracker.admin import bp
from tracker.admin import imports_spec as spec
from tracker.admin.imports_apply import apply, credentials_csv
from tracker.admin.imports_check import Row, check, rows_of
from tracker.admin.imports_read import ImportFileError, limits, read_upload
from tracker.admin.imports_templates import filename, template_csv, template_xlsx
from tracker.core.file_types import XLSX
from tracker.policy import require
from tracker.web.forms import REQUIRED, BaseForm
from tracker.web.rendering import form_error_status, render

SALT = "admin-import"
MAX_AGE = 3600  # seconds a preview stays confirmable
# The signed rows travel in one form field; Flask refuses fields over MAX_FORM_MEMORY_SIZE
# (500 kB by default), so a bigger preview is refused up front with advice instead.
MAX_PAYLOAD = 450_000


class ImportForm(BaseForm):
    kind = SelectField(
        _l("Dữ liệu cần nhập"),
        invalid_choice_message=_l("Lựa chọn không hợp lệ."),
    )
    file = FileField(_l("Tệp dữ liệu (.xlsx hoặc .csv)"), [FileRequired(message=REQUIRED)])
    update = BooleanField(_l("Cập nhật dữ liệu đã có"))


def kind_names() -> dict[str, str]:
    """What can be imported, translated (units in the plural, as the admin menu says)."""
    names = {k: _(v) for k, v in spec.KINDS.items()}
    names["units"] = pgettext("plural", "Đơn vị")
    return names


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _payload(kind: str, update: bool, rows: list[Row]) -> str:
    return _serializer().dumps(
        {
            "user": current_user.id,
            "kind": kind,
            "update": update,
            "rows": [[r.number, r.values] for r in rows],
        }
    )


def _unpack(token: str) -> tuple[str, bool, list[Row]] | None:
    """The kind, update flag and rows of a signed preview, or None if it is not acceptable."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != current_user.id:
        return None
    kind = data.get("kind")
    if kind not in spec.KINDS:
        return None
    keys = [c.key for c in spec.COLUMNS[kind]]
    rows = [Row(int(n), {k: str(values.get(k, "")) for k in keys}) for n, values in data["rows"]]
    return kind, bool(data.get("update")), rows


def _form_page(form: ImportForm, status: int = 200) -> Response:
    max_bytes, max_rows = limits()
    return render(
        "admin/import.html",
        block="form",
        status=status,
        form=form,
        kinds=kind_names(),
        max_mb=round(max_bytes / 1024 / 1024, 1),
        max_rows=max_rows,
    )


def _preview(
    kind: str, update: bool, rows: list[Row], error: str = "", status: int = 200
) -> Response:
    valid = sum(1 for r in rows if r.valid)
    actions = {a: sum(1 for r in rows if r.valid and r.action == a) for a in spec.ACTIONS}
    response = render(
        "admin/import_preview.html",
        block="preview",
        status=status,
        kind=kind,
        kind_label=kind_names()[kind],
        update=update,
        rows=rows,
        columns=spec.COLUMNS[kind],
        labels={c.key: _(c.label) for c in spec.COLUMNS[kind]},
        valid=valid,
        invalid=len(rows) - valid,
        actions=actions,
        action_labels=spec.ACTIONS,
        payload=_payload(kind, update, rows),
        error=error,
    )
    # The signed payload is readable (signed, not encrypted) and may hold given passwords.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_form() -> Response:
    """Choose what to import and upload the file; a readable file goes to the preview."""
    require(current_user, "admin.manage")
    form = ImportForm()
    form.kind.choices = list(kind_names().items())
    if not form.validate_on_submit():
        return _form_page(form, form_error_status() if form.is_submitted() else 200)
    kind, update = form.kind.data, form.update.data
    upload = form.file.data
    max_bytes, _rows = limits()
    try:
        table = read_upload(upload.read(max_bytes + 1), upload.filename or "")
        rows, missing = rows_of(kind, table)
    except ImportFileError as exc:
        form.file.errors.append(str(exc))
        return _form_page(form, form_error_status())
    if missing:
        form.file.errors.append(_("Thiếu cột: %(columns)s.", columns=", ".join(missing)))
    elif not rows:
        form.file.errors.append(_("Tệp không có dòng dữ liệu nào."))
    elif len(_payload(kind, update, rows)) > MAX_PAYLOAD:
        form.file.errors.append(_("Tệp chứa quá nhiều dữ liệu; hãy chia thành nhiều tệp nhỏ hơn."))
    if form.file.errors:
        return _form_page(form, form_error_status())
    return _preview(kind, update, check(kind, rows, update, current_user))


@bp.route("/import/confirm", methods=["GET", "POST"])
@login_required
def import_confirm() -> Response:
    """Import the previewed rows: all of them if all are valid, or the valid ones if asked."""
    require(current_user, "admin.manage")
    if request.method == "GET":
        return redirect(url_for("admin.import_form"))
    unpacked = _unpack(request.form.get("payload", ""))
    if unpacked is None:
        form = ImportForm(formdata=None)
        form.kind.choices = list(kind_names().items())
        form.file.errors = [_("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại.")]
        return _form_page(form, 400)
    kind, update, rows = unpacked
    rows = check(kind, rows, update, current_user)
    only_valid = request.form.get("only_valid") == "1"
    valid = [r for r in rows if r.valid]
    if len(valid) < len(rows) and not only_valid:
        error = _(
            "Chưa nhập gì: tệp còn lỗi. Hãy sửa tệp và tải lên lại, hoặc chỉ nhập các dòng hợp lệ."
        )
        return _preview(kind, update, rows, error, form_error_status())
    if not valid:
        error = _("Không có dòng hợp lệ nào để nhập.")
        return _preview(kind, update, rows, error, form_error_status())
    try:
        outcome = apply(kind, valid, current_user)
    except DatabaseError:
        current_app.logger.exception("import failed")
        error = _("Không nhập được do dữ liệu vừa thay đổi; chưa có gì được lưu. Hãy thử lại.")
        return _preview(kind, update, check(kind, rows, update, current_user), error, 409)
    download = ""
    if outcome.credentials:
        data = base64.b64encode(credentials_csv(outcome.credentials).encode("utf-8"))
        download = "data:text/csv;charset=utf-8;base64," + data.decode("ascii")
    response = render(
        "admin/import_result.html",
        block="result",
        kind=kind,
        kind_label=kind_names()[kind],
        outcome=outcome,
        skipped=len(rows) - len(valid),
        download=download,
    )
    response.headers["Cache-Control"] = "no-store"  # generated passwords are shown once
    return response


@bp.route("/import/template/<any(units, groups, users):kind>.<any(xlsx, csv):fmt>")
@login_required
def import_template(kind: str, fmt: str) -> Response:
    """An empty template with Vietnamese headers and an example row."""
    require(current_user, "admin.manage")
    if fmt == "xlsx":
        body, mimetype = template_xlsx(kind), XLSX.content_type
    else:
        body, mimetype = template_csv(kind), "text/csv; charset=utf-8"
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(kind, fmt)}"'
    return response

"""Downloading an evidence file, to those who may see its assignment (blueprint ``attachments``).

The checks and storage are in ``tracker.assignments.attachments``, which other features use.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file
from flask_login import current_user, login_required

from tracker.assignments.attachments import upload_dir
from tracker.models import Assignment, Attachment
from tracker.policy import get_visible_or_404

bp = Blueprint("attachments", __name__)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Response:
    """An evidence file, to those who may see its assignment; 404 to everyone else."""
    # Not 403: whether a file exists is itself none of an outsider's business.
    with_assignment = Attachment.select(Attachment, Assignment).join(Assignment)
    attachment = get_visible_or_404(current_user, with_assignment, attachment_id)
    path = upload_dir() / attachment.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        etag=attachment.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response

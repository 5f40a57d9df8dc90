"""Placeholder replaced by the meetings pages."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)


@bp.route("/meetings")
def index():
    """Placeholder."""
    return "meetings"

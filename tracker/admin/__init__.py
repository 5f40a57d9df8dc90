"""Placeholder replaced by the admin pages."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
def index():
    """Placeholder."""
    return "admin"

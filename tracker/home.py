"""The home page for the user's role."""

from flask import Blueprint
from flask_login import login_required

from .rendering import render

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Placeholder home."""
    return render("home/placeholder.html")

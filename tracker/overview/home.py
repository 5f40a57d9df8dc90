"""The home page for the user's role: the unit's work for officers, the overview for others."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from tracker.overview import dashboard, unit_work
from tracker.permissions import can
from tracker.web.page_cache import cached_page

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
@cached_page
def index():
    """Officers see "Việc của đơn vị"; leaders, secretaries, viewers and admins the overview."""
    if current_user.role == "officer" and current_user.unit_id:
        return unit_work.officer_home()
    if can(current_user, "dashboard.view"):
        return dashboard.leader_home()
    abort(403)

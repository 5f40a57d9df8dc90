"""The home page for the user's role: the unit's work for officers, the overview for others."""

from flask import Blueprint
from flask_login import current_user, login_required

from tracker.overview import dashboard, unit_work
from tracker.policy import can, require

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Officers see "Việc của đơn vị"; leaders, secretaries, viewers and admins the overview."""
    if can(current_user, "unit.own_work"):
        return unit_work.officer_home()
    require(current_user, "dashboard.view")
    return dashboard.leader_home()

"""A unit's work page, /units/<id>: the same list as an officer's home, for any unit."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user, login_required

from tracker.models import Unit
from tracker.overview.unit_work import work_page
from tracker.policy import get_or_403

bp = Blueprint("units", __name__)


@bp.route("/units/<int:unit_id>")
@login_required
def view(unit_id: int) -> Response:
    """The unit's assignments: everyone who sees everything, or the unit's own officers."""
    unit = get_or_403(current_user, "unit.view", Unit, unit_id)
    return work_page("overview/units/work.html", unit)

"""Administration (admins only): units, unit groups and user accounts."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import gettext
from flask_login import current_user, login_required

from tracker.models import Unit, UnitGroup, UnitKind, User
from tracker.policy import require
from tracker.web.rendering import render

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@login_required
def index() -> Response:
    """The administration home: links to the three lists, with their counts."""
    require(current_user, "admin.manage")
    counts = {
        "units": Unit.select().count(),
        "units_active": Unit.select().where(Unit.active == True).count(),  # noqa: E712
        "groups": UnitGroup.select().count(),
        "users": User.select().count(),
        "users_active": User.select().where(User.active == True).count(),  # noqa: E712
    }
    kind_labels = [gettext(k.name) for k in UnitKind.ordered()]
    return render("admin/index.html", counts=counts, kind_labels=kind_labels)


# The views register themselves on ``bp``.
from tracker.admin import (  # noqa: E402, F401
    calendar,
    groups,
    imports,
    kinds,
    letterhead,
    settings,
    units,
    users,
)

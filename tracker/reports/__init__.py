"""Reports ("Báo cáo"): statistics per unit in the official categories, the lists behind each
number, charts, .xlsx export, a print page, and frozen reports that keep their numbers.

Who: everyone whose role may see the overview (admin, leader, secretary, viewer) reads reports;
only leaders and admins freeze one (a frozen report is the leader's official figures;
secretaries prepare the live report and its export, and ask a leader to freeze it). A unit's
report per handler is also read by the one who leads the work inside that unit (its head).
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from tracker.reports import frozen, handler_views, print_views, views  # noqa: E402, F401  (routes register themselves on bp)

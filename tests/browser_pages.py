"""The demo served to one headless Chromium, and the main pages of each role (issue 14).

The layout and accessibility tests (tests/test_browser_layout.py,
tests/test_browser_accessibility.py) visit these pages as a district office would.
"""

from __future__ import annotations

from browser_support import new_session
from playwright.sync_api import Browser, Page

from tracker.models import Assignment, OutboxMessage, Submission, Task, Unit, User

# The roles that use the system every day, with a demo account for each.
ROLES = {"admin": "admin", "leader": "lanhdao", "officer": "p.sodau"}


def login(browser: Browser, base: str, username: str, width: int = 1366) -> Page:
    """A page in its own browser context, logged in as ``username`` through the form."""
    page = new_session(browser, base, username, width)
    page.wait_for_load_state()  # the stylesheets too, before anything is measured
    return page


# The main pages of each role, by name (``main_pages`` finds their paths in the demo).
COMMON_PAGES = (
    "home",
    "meetings",
    "meeting",
    "task",
    "assignment",
    "unit-work",
    "calendar",
    "search",
    "profile",
)
LEADER_PAGES = (
    "queue-submitted",
    "queue-extensions",
    "reports",
    "reports-print",
    "dashboard-list",
    "submission",
    "task-new",
    "notice",
)
ADMIN_PAGES = (
    "admin",
    "admin-users",
    "admin-units",
    "admin-settings",
    "admin-letterhead",
    "outbox",
    "outbox-message",
)
OFFICER_PAGES = ("submit",)
ROLE_PAGES = {
    "admin": COMMON_PAGES + LEADER_PAGES + ADMIN_PAGES,
    "leader": COMMON_PAGES + LEADER_PAGES,
    "secretary": COMMON_PAGES + LEADER_PAGES,
    "officer": COMMON_PAGES + OFFICER_PAGES,
}


def main_pages(username: str) -> dict[str, str]:
    """The main pages ``username`` works with in the demo: name -> path."""
    user = User.get(User.username == username)
    if user.unit_id:
        unit = user.unit
        assignment = (
            Assignment.select()
            .where(Assignment.unit == unit, Assignment.status == "in_progress")
            .order_by(Assignment.id)
            .first()
        )
    else:
        unit = Unit.get(Unit.code == "sodau")
        assignment = Assignment.select().where(Assignment.status == "submitted").first()
    task = Task.get_by_id(assignment.task_id)
    submission = Submission.select().order_by(Submission.id.desc()).first()
    message = OutboxMessage.select().order_by(OutboxMessage.id).first()
    paths = {
        "home": "/",
        "meetings": "/meetings",
        "meeting": f"/meetings/{task.meeting_id}",
        "task": f"/tasks/{task.id}",
        "assignment": f"/assignments/{assignment.id}",
        "unit-work": f"/units/{unit.id}",
        "calendar": "/calendar",
        "search": "/search?q=cai+cach+hanh+chinh",
        "profile": "/profile",
        "queue-submitted": "/queues/submitted",
        "queue-extensions": "/queues/extensions",
        "reports": "/reports/",
        "dashboard-list": "/dashboard/assignments",
        "submission": f"/submissions/{submission.id}",
        "admin": "/admin/",
        "admin-users": "/admin/users",
        "admin-units": "/admin/units",
        "outbox": "/outbox",
        "submit": f"/assignments/{assignment.id}/submit",
        "reports-print": "/reports/print",
        "task-new": f"/meetings/{task.meeting_id}/tasks/new",
        "notice": f"/meetings/{task.meeting_id}/notice",
        "admin-settings": "/admin/settings",
        "admin-letterhead": "/admin/letterhead",
        "outbox-message": f"/outbox/{message.id}" if message else "/outbox",
    }
    return {name: paths[name] for name in ROLE_PAGES[user.role]}

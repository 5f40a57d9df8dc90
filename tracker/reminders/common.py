"""What every reminder shares: the message being built, its items, rendering and queueing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
from gettext import NullTranslations
from typing import ParamSpec, TypeVar
from weakref import WeakKeyDictionary

from flask import current_app
from flask_babel import force_locale, get_translations, gettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from tracker.assignments import queries as assignment_queries
from tracker.core.clock import get_clock
from tracker.mail.outbox import enqueue, enqueue_many
from tracker.models import Assignment, Meeting, OutboxMessage, Task, Unit, User
from tracker.models.assignments import ROLES, STATUSES
from tracker.models.tasks import REPORT_CADENCES
from tracker.tasks import cadence

BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")

P = ParamSpec("P")
R = TypeVar("R")

# Mail goes out in the language of the source strings, whatever the language of the person
# whose click (or whose scheduler) caused it.
MAIL_LOCALE = "vi"

# The statuses in which the unit has something to do. Submitted work waits for the leader and
# paused work waits for a decision: reminding the unit of those would be noise.
ACTIONABLE = ("new", "in_progress", "returned")


@dataclass
class Mail:
    """One message, built but not yet queued (a dry run prints it; a job queues it)."""

    key: str
    kind: str
    subject: str
    body_text: str
    body_html: str
    recipients: list[str]
    missing: list[str] = field(default_factory=list)
    unit: Unit | None = None
    user: User | None = None
    assignment: Assignment | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def to_person(cls, person: User, **fields: object) -> Mail:
        """A message to one person: their address, or their name among the missing."""
        name = person.full_name or person.username
        return cls(
            recipients=[person.email] if person.email else [],
            missing=[] if person.email else [name],
            user=person,
            **fields,
        )

    @property
    def addressee(self) -> str:
        """Whom the message is for, in words: the unit or the person."""
        if self.unit is not None:
            return self.unit.name
        if self.user is not None:
            return f"{self.user.full_name or self.user.username} ({self.user.username})"
        return ""

    def queue(self) -> OutboxMessage | None:
        """Put the message in the outbox; None if its key was queued before."""
        return enqueue(**self.message())

    def message(self) -> dict:
        """The keyword arguments of ``enqueue`` for this message."""
        return {
            "key": self.key,
            "kind": self.kind,
            "recipients": self.recipients,
            "missing": self.missing,
            "subject": self.subject,
            "body_text": self.body_text,
            "body_html": self.body_html,
            "unit": self.unit,
            "user": self.user,
            "assignment": self.assignment,
        }


def queue_all(mails: list[Mail]) -> int:
    """Put ``mails`` in the outbox in a few statements; return how many were new."""
    return enqueue_many(mail.message() for mail in mails)


def fmt_date(value: date | datetime | None) -> str:
    """A date as Vietnamese write it: 15/05/2026 (an instant: its local date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = get_clock().local_date(value)
    return value.strftime("%d/%m/%Y")


def base_url() -> str:
    """The address of the application, for links in mail."""
    return current_app.config["BASE_URL"].rstrip("/")


def path_for(endpoint: str, **values: object) -> str:
    """A page's path, built from its route; values the route does not take become its query.

    Mail is built outside any request, where ``url_for`` cannot build without SERVER_NAME.
    """
    return current_app.url_map.bind("").build(endpoint, values)


@pass_context
def link(context: Context, endpoint: str, **values: object) -> str:
    """A page's address in a mail template: the context's ``base_url`` and the page's path.

    The preview page of a digest sets ``base_url`` to "" and so links within the site.
    """
    return context.get("base_url", "") + path_for(endpoint, **values)


def meeting_label(assignment: Assignment) -> str:
    """Where the task comes from: the meeting and its conclusion notice."""
    meeting = assignment.task.meeting
    if meeting is None:
        return gettext("Nhiệm vụ giao theo văn bản")
    label = meeting.title
    if meeting.notice_number:
        notice = gettext("Thông báo số %(number)s", number=meeting.notice_number)
        if meeting.notice_date:
            notice += " " + gettext("ngày %(date)s", date=fmt_date(meeting.notice_date))
        label = f"{label} ({notice})"
    return label


@dataclass
class Item:
    """One assignment as a reminder lists it."""

    id: int
    title: str
    unit: str
    meeting: str
    role: str
    status: str
    deadline: str
    days_overdue: int
    days_left: int | None
    progress: int
    last_report: str
    url: str
    # Ongoing work ("thường xuyên") has no deadline: its reporting cadence, and the last day of
    # the period whose report is awaited (this period's, or the next one's once reported).
    ongoing: bool = False
    cadence: str = ""
    report_due_on: str = ""
    report_next: bool = False
    # Work the leader returned: when, and the leader's reason.
    returned_on: str = ""
    return_reason: str = ""


def listing(unit: bool = True):
    """Assignments with only what a reminder line shows, task, meeting and unit joined
    (``unit`` false: the unit's columns are not read; the caller gives each row its unit)."""
    return assignment_queries.listing(
        Assignment.id,
        Assignment.task,
        Assignment.unit,
        Assignment.role,
        Assignment.status,
        Assignment.progress,
        Assignment.deadline,
        Assignment.last_report_at,
        Assignment.created_at,
        Assignment.deadline_kind,
        Task.id,
        Task.title,
        Task.meeting,
        Task.report_cadence,
        Meeting.id,
        Meeting.title,
        Meeting.notice_number,
        Meeting.notice_date,
        *((Unit,) if unit else ()),
    )


# An id no page's path holds otherwise: ``Lines`` builds an item's address once with it.
_SAMPLE_ID = 918273645


class Lines:
    """Makes the items of one run as of ``at``; labels are translated once, not per item.

    A run that knows more sets it before making lines: ``report_due``, the ids of the ongoing
    work whose current period has no report yet (the others' next report is the next
    period's), and ``returns``, the date and reason of the leader's last return by id.
    """

    def __init__(self, at: datetime) -> None:
        clock = get_clock()
        self.at = at
        self.tz = clock.tz
        self.today = clock.local_date(at)
        self.base = base_url()
        self.statuses = {code: gettext(label) for code, label in STATUSES.items()}
        self.roles = {code: gettext(label) for code, label in ROLES.items()}
        self.meetings: dict[int | None, str] = {}
        self.dates: dict[date, str] = {}
        self.cadences = {code: gettext(label) for code, label in REPORT_CADENCES.items()}
        self.report_due: set[int] | None = None
        self.returns: dict[int, tuple[str, str]] = {}
        # The routes bound once for the run (``path_for`` binds them again for every link).
        self.routes = current_app.url_map.bind("")
        # An item's address is the same but for its id: built once, the id put in each time.
        sample = self.routes.build("assignments.view", {"assignment_id": _SAMPLE_ID})
        self.url_parts = sample.split(str(_SAMPLE_ID))

    def date(self, day: date) -> str:
        """``fmt_date(day)``, each day written once a run (a run's items share a few hundred)."""
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = fmt_date(day)
        return text

    def url(self, assignment_id: int) -> str:
        """The address of an assignment's page."""
        if len(self.url_parts) != 2:  # the route's path holds the sample's digits elsewhere
            path = self.routes.build("assignments.view", {"assignment_id": assignment_id})
            return self.base + path
        return f"{self.base}{self.url_parts[0]}{assignment_id}{self.url_parts[1]}"

    def meeting(self, assignment: Assignment) -> str:
        meeting_id = assignment.task.meeting_id
        if meeting_id not in self.meetings:
            self.meetings[meeting_id] = meeting_label(assignment)
        return self.meetings[meeting_id]

    def reporting(self, assignment: Assignment) -> dict[str, object]:
        """What an ongoing assignment's line says instead of a deadline."""
        if assignment.deadline_kind != "ongoing":
            return {}
        code = cadence.cadence_of(assignment)
        if code is None:
            return {"ongoing": True}
        _start, end = cadence.period_bounds(code, self.today)
        reported = self.report_due is not None and assignment.id not in self.report_due
        if reported:
            _start, end = cadence.period_bounds(code, end + timedelta(days=1))
        return {
            "ongoing": True,
            "cadence": self.cadences[code],
            "report_due_on": fmt_date(end),
            "report_next": reported,
        }

    def __call__(self, assignment: Assignment) -> Item:
        """The line of ``assignment`` (task, meeting and unit joined)."""
        deadline = assignment.deadline
        report = assignment.last_report_at
        returned_on, reason = self.returns.get(assignment.id, ("", ""))
        return Item(
            id=assignment.id,
            title=assignment.task.title,
            unit=assignment.unit.name,
            meeting=self.meeting(assignment),
            role=self.roles.get(assignment.role, assignment.role),
            status=self.statuses.get(assignment.status, assignment.status),
            deadline=self.date(deadline) if deadline else "",
            days_overdue=max(0, (self.today - deadline).days) if deadline else 0,
            days_left=(deadline - self.today).days if deadline else None,
            progress=assignment.progress,
            last_report=self.date(report.astimezone(self.tz).date()) if report else "",
            url=self.url(assignment.id),
            returned_on=returned_on,
            return_reason=reason,
            **self.reporting(assignment),
        )


def item(assignment: Assignment, at: datetime) -> Item:
    """The line of one assignment (task, meeting and unit joined) as of the instant ``at``."""
    return Lines(at)(assignment)


def sort_key(entry: Item) -> tuple:
    """Earliest deadline first (none last), then by title."""
    return (entry.days_left is None, entry.days_left or 0, entry.title, entry.id)


def in_mail_locale(build: Callable[P, R]) -> Callable[P, R]:
    """Run a builder in the mail's language (a request may be in the user's English)."""

    @wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with force_locale(MAIL_LOCALE):
            return build(*args, **kwargs)

    return wrapper


def catalog_gettext(translations: NullTranslations) -> Callable[..., str]:
    """The templates' ``_()`` bound to one catalog, as Jinja's new-style gettext behaves.

    Flask-Babel looks the catalog up again on every call, which costs more than all the
    rest of rendering a mail; the mail templates import their macros ``with context`` so that
    this one, given in the context, serves them too. One function per catalog, and each string
    translated once (a digest run asks for the same few labels half a million times); the
    templates' ``_()`` (tracker/core/i18n.py) calls its ``translate`` directly.
    """
    found = _CATALOG_GETTEXT.get(translations)
    if found is not None:
        return found
    translated: dict[str, tuple[str, Markup]] = {}

    def translate(string: str, autoescape: bool, variables: dict[str, object]) -> str:
        both = translated.get(string)
        if both is None:
            text = translations.gettext(string)
            both = translated[string] = (text, Markup(text))
        return both[1 if autoescape else 0] % variables

    @pass_context
    def gettext_(context: Context, string: str, **variables: object) -> str:
        return translate(string, context.eval_ctx.autoescape, variables)

    gettext_.translate = translate  # type: ignore[attr-defined]
    _CATALOG_GETTEXT[translations] = gettext_
    return gettext_


# The ``_()`` of each catalog (a catalog is loaded once and kept by Flask-Babel).
_CATALOG_GETTEXT: WeakKeyDictionary[NullTranslations, Callable[..., str]] = WeakKeyDictionary()


def render_mail(name: str, **context: object) -> tuple[str, str]:
    """The plain-text and HTML bodies from templates/mail/<name>.txt and .html."""
    env = current_app.jinja_env
    context.setdefault("gettext", catalog_gettext(get_translations()))
    context.setdefault("base_url", base_url())
    context.setdefault("link", link)
    context.setdefault("fmt", fmt_date)
    text = env.get_template(f"mail/{name}.txt").render(**context)
    html = env.get_template(f"mail/{name}.html").render(**context)
    # Block tags leave runs of blank lines in plain text; one blank line separates paragraphs.
    return BLANK_LINES.sub("\n\n", text).strip() + "\n", html


def subject(text: str, **values: object) -> str:
    """A subject line with the product's prefix; ``text`` is translated and filled in."""
    line = "[" + gettext("Giao việc") + "] " + gettext(text, **values)
    return " ".join(line.split())

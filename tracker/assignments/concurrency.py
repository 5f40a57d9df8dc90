"""Optimistic concurrency on assignments: two people cannot silently overwrite each other.

Every change to an assignment increments ``Assignment.version`` in the same conditional UPDATE
that makes the change. A page's forms send the version they showed (hidden input ``version``);
the view hands it to the workflow with ``expect_from_request``, and the UPDATE then also requires
``version = <that number>``. If someone changed the assignment meanwhile, the UPDATE touches no
row, the transaction rolls back and the second person gets ``StaleVersion`` (HTTP 409) saying
who changed it and when. A request without a version (the JSON API, scripts) keeps the guarded
transitions alone (status conditions), as before.

After a change answered to htmx, the page's other forms about the same assignment still hold
the old number: the answer carries out-of-band hidden inputs that update them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, has_request_context, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from peewee import JOIN, Expression

from tracker.assignments.errors import StaleVersion, WorkflowError
from tracker.core.extensions import htmx
from tracker.core.i18n import N_
from tracker.models import Assignment, AuditEvent, User

STALE = N_(
    "Nhiệm vụ đã được %(who)s cập nhật lúc %(time)s. "
    "Vui lòng tải lại trang để xem nội dung mới nhất rồi thực hiện lại."
)
SOMEONE = N_("người khác")


def parse_version(raw: object) -> int | None:
    """The version a form sent, or None (absent or not a small whole number: no check)."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def expect(a: Assignment, version: int | None) -> Assignment:
    """Make ``a``'s next guarded change conditional on its being at ``version`` still."""
    a.expected_version = version
    return a


def expect_from_request(a: Assignment) -> Assignment:
    """``expect`` the version the submitted form carries (none: no version check)."""
    return expect(a, parse_version(request.form.get("version")))


def expected(a: Assignment) -> int | None:
    return getattr(a, "expected_version", None)


def guard(a: Assignment) -> list[Expression]:
    """Extra WHERE conditions for an UPDATE of ``a``: its version, if a form sent one."""
    version = expected(a)
    return [Assignment.version == version] if version is not None else []


def bump() -> dict:
    """The SET part that increments the version (merge into the UPDATE's values)."""
    return {"version": Assignment.version + 1}


def bumped(a: Assignment) -> None:
    """After a successful UPDATE: ``a`` (and the page's other forms) hold the new version."""
    version = expected(a)
    a.version = (version if version is not None else a.version or 0) + 1
    a.expected_version = a.version
    if has_request_context():
        g.setdefault("assignment_versions", {})[a.id] = a.version


def guarded_update(
    a: Assignment,
    values: dict[str, object],
    condition: Expression,
    refusal: str,
    check: Callable[[], None] | None = None,
) -> None:
    """Write ``values`` to ``a`` in one conditional UPDATE that also increments its version.

    The UPDATE requires ``condition`` (the state the change was decided from) and the version
    the form showed. When it touches no row the change is refused: ``StaleVersion`` if someone
    changed ``a`` meanwhile, ``WorkflowError(refusal)`` otherwise. ``check`` runs after the
    UPDATE, which then holds the row (a concurrent change waits for this one), and before ``a``
    takes the new version: raising from it rolls the change back and leaves ``a`` as the form
    showed it. Call it inside the caller's transaction.
    """
    changed = (
        Assignment.update({**values, **bump()})
        .where(Assignment.id == a.id, condition, *guard(a))
        .execute()
    )
    if changed != 1:
        check_stale(a)
        raise WorkflowError(refusal)
    if check is not None:
        check()
    bumped(a)


def _last_change(a: Assignment) -> tuple[str, str]:
    event = (
        AuditEvent.select(AuditEvent, User)
        .join(User, on=(AuditEvent.actor == User.id), join_type=JOIN.LEFT_OUTER)
        .where(AuditEvent.assignment == a.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .first()
    )
    actor = getattr(event, "actor", None) if event else None
    who = actor.full_name if actor is not None else ""
    at = event.created_at if event else None
    if has_request_context():
        return who or _(SOMEONE), format_datetime(at, "HH:mm dd/MM/yyyy") if at else ""
    return who or SOMEONE, at.isoformat(timespec="minutes") if at else ""


def check_stale(a: Assignment) -> None:
    """Raise ``StaleVersion`` if a form's version no longer matches (call when an UPDATE missed).

    Nothing is raised without an expected version, or if the version still matches (the
    caller's own condition refused the change; its own message applies).
    """
    version = expected(a)
    if version is None:
        return
    current = Assignment.select(Assignment.version).where(Assignment.id == a.id).scalar()
    if current == version:
        return
    who, at = _last_change(a)
    if has_request_context():
        g.stale_version = True
        message = _(STALE, who=who, time=at)
    else:
        message = STALE % {"who": who, "time": at}
    raise StaleVersion(message)


def _oob_versions(versions: dict[int, int]) -> str:
    return "".join(
        f'<input type="hidden" name="version" value="{int(v)}" class="version-{int(i)}" '
        f'hx-swap-oob="outerHTML:.version-{int(i)}">'
        for i, v in versions.items()
    )


def init_app(app: Flask) -> None:
    """A refused stale change answers 409; htmx answers refresh the page's version inputs."""

    @app.after_request
    def _versions(response: Response) -> Response:
        if g.get("stale_version") and response.status_code in (200, 400, 422):
            response.status_code = 409
        versions = g.get("assignment_versions")
        if (
            versions
            and htmx
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not response.direct_passthrough
        ):
            response.set_data(response.get_data() + _oob_versions(versions).encode())
        return response

"""Demo profiles: the district of the seed (demo.py) and the two levels since July 2025.

``district-2022`` is quận Hồng Bàng's 2022 meeting (tracker/ops/demo.py), with the head of
Phòng Nội vụ (``ld.noivu``) and its handler (``cv.noivu``). The
``province`` and ``commune`` profiles (demo_province.py, demo_commune.py) are plain data — the
level, its preset unit kinds, units, people, one meeting, its tasks and what each unit did —
and this module loads them the way demo.py loads the district: every step of the history
(reports, a head's handler and an approved draft, submissions, confirmations, a return, an
extension request) goes through the real workflow functions at past instants, so the audit
trail reads as if people had done the work. The meeting was ``DAYS_AFTER_MEETING`` days ago.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from tracker.assignments import handlers, workflow
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.org_levels import PRESETS
from tracker.core.settings import ORG_LEVEL
from tracker.followup import drafts, extension_requests, submission_flow
from tracker.models import Assignment, Meeting, Setting, Task, Unit, UnitKind, User
from tracker.models.audit import record
from tracker.ops import demo, demo_commune, demo_province
from tracker.ops.demo import DAYS_AFTER_MEETING, PASSWORD, DemoError, _clock_at
from tracker.ops.demo_level import Profile

DEFAULT = "district-2022"


def _fill(text: str, held_on: date) -> str:
    """``text`` with "{year}" and "{month}" the meeting's, "{due:N}" the date N days after it."""
    text = demo._in_year(text, held_on.year).replace("{month}", str(held_on.month))
    return re.sub(
        r"\{due:(\d+)\}",
        lambda m: f"{held_on + timedelta(days=int(m.group(1))):%d/%m/%Y}",
        text,
    )


# Who logs in, by the level an installation's demo was loaded at (``load-demo --if-empty``).
OFFICERS = {
    "district": "p.<ward> and pb.<department> (officers, e.g. p.sodau, pb.noivu), "
    "ld.noivu (unit head), cv.noivu (its handler)",
    "province": "s.<department> and x.<commune> (officers, e.g. s.noivu, x.tanlap), "
    "ld.khcn (unit head), cv.khcn (its handler)",
    "commune": "p.<office>, dv.<public service unit>, ca.congan, qs.quansu, t.<residential "
    "group> (officers, e.g. p.kinhte, t.to1), ld.vhxh (unit head), cv.vhxh (its handler)",
}


def accounts_hint() -> str:
    """The demo accounts in one sentence, for a database the demo was already loaded into."""
    officers = OFFICERS.get(Setting.org_level(), OFFICERS["district"])
    return (
        "Demo accounts (password demo, unless changed): admin, lanhdao (leader), "
        f"tonghop (secretary), theodoi (viewer), {officers}."
    )


def names() -> list[str]:
    """The profiles, the default first."""
    return [DEFAULT, "province", "commune"]


def spec_of(name: str) -> Profile:
    """The data of the province or commune profile ``name`` (DemoError for any other)."""
    profiles = {"province": demo_province.PROFILE, "commune": demo_commune.PROFILE}
    if name not in profiles:
        raise DemoError(f"Unknown demo profile {name!r}: choose one of {', '.join(names())}.")
    return profiles[name]


def load(meeting_date: date | None = None, profile: str = DEFAULT) -> list[User]:
    """Load ``profile`` into an empty database; return its accounts."""
    if profile == DEFAULT:
        return demo.load(meeting_date)
    spec = spec_of(profile)
    if demo.missing_tables():
        raise DemoError("The database has no schema: run `tracker init-db` first.")
    if demo.has_data():
        raise DemoError("The database already holds data; the demo loads only into an empty one.")
    clock = get_clock()
    latest = clock.today() - timedelta(days=DAYS_AFTER_MEETING)
    held_on = meeting_date or latest
    if held_on > latest:
        raise DemoError(
            f"The meeting date must be {latest:%Y-%m-%d} or earlier: the demo replays the "
            f"{DAYS_AFTER_MEETING} days after the meeting, which must lie in the past."
        )

    def at(day: int, hour: int) -> datetime:
        return datetime.combine(held_on + timedelta(days=day), time(hour), tzinfo=clock.tz)

    with database.atomic():
        _level(spec)
        units = _units(spec)
        users = _users(spec, units, at(-30, 8))
        Setting.put_value(ORG_LEVEL, spec.level, users["admin"])
        with _clock_at(at(2, 9)):
            meeting = _meeting(spec, held_on, users["tonghop"])
        for number, task_spec in enumerate(spec.tasks, start=1):
            with _clock_at(at(2, 10)):
                task = _task(meeting, number, task_spec, users["tonghop"], units)
            _replay(spec, task, number, users, at)
    return sorted(users.values(), key=demo._account_order)


def _level(spec: Profile) -> None:
    """The level's preset kinds, and none of another level's (the migration's district ones)."""
    for preset in PRESETS[spec.level]:
        UnitKind.add_preset(preset)
    own = {p.code for p in PRESETS[spec.level]}
    UnitKind.delete().where(UnitKind.code.not_in(own)).execute()


def _units(spec: Profile) -> dict[str, Unit]:
    units = {}
    for order, (code, name, short, kind, _, _) in enumerate(spec.units, start=1):
        units[code] = Unit.create(
            name=name,
            short_name=short,
            code=code,
            kind=kind,
            email=f"{code}@{spec.email_domain}",
            sort_order=order,
            requires_head_approval=code == spec.head[2],
        )
    UnitKind.sync_groups()
    return units


def _users(spec: Profile, units: dict[str, Unit], created_at: datetime) -> dict[str, User]:
    """The role accounts, one officer per unit, the head and their handler (see demo._users)."""
    head_unit = units[spec.head[2]]
    rows = [
        ("admin", spec.people["admin"], "admin", None),
        ("lanhdao", spec.chair[0], "leader", None),
        ("tonghop", spec.people["tonghop"], "secretary", None),
        ("theodoi", spec.people["theodoi"], "viewer", None),
        (spec.head[0], spec.head[1], "unit_head", head_unit),
        (spec.handler[0], spec.handler[1], "officer", head_unit),
    ]
    rows += [(user, person, "officer", units[code]) for code, *_, user, person in spec.units]
    users = {}
    for username, full_name, role, unit in rows:
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@{spec.email_domain}",
            role=role,
            unit=unit,
            created_at=created_at,
        )
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    return users


def _meeting(spec: Profile, held_on: date, author: User) -> Meeting:
    now = get_clock().now()
    m = spec.meeting
    meeting = Meeting.create(
        title=_fill(str(m["title"]), held_on),
        held_on=held_on,
        place=m["place"],
        chair_name=spec.chair[0],
        chair_title=spec.chair[1],
        attendees=m["attendees"],
        notice_number=m["notice_number"],
        notice_date=held_on + timedelta(days=2),
        conclusion=_fill(str(m["conclusion"]), held_on),
        created_by=author,
        created_at=now,
        updated_at=now,
    )
    record(author, "create", meeting, after={"title": meeting.title})
    return meeting


def _task(meeting: Meeting, number: int, spec: tuple, author: User, units: dict) -> Task:
    title, content, task_field, kind, due_day, leads, coordinating = spec
    title, content = (_fill(text, meeting.held_on) for text in (title, content))
    task = demo.create_task(meeting, number, title, content, task_field, kind, due_day, author)

    def expand(codes: list[str]) -> list[Unit]:
        out = []
        for code in codes:
            if code.startswith("@"):
                out += [u for u in units.values() if u.kind == code[1:]]
            else:
                out.append(units[code])
        return out

    workflow.assign(task, author, expand(leads), "lead")
    workflow.assign(task, author, expand(coordinating), "coordinating")
    return task


def _replay(spec: Profile, task: Task, number: int, users: dict[str, User], at) -> None:
    """What each unit did, as demo._replay, with more steps: the head gives the work to a
    handler ("handler", internal deadline day), the handler's draft report ("draft") which the
    head approves ("approve"), an extension request ("extend", new deadline day) and the
    leader's approval of it ("extended", a note)."""
    leader, head = users["lanhdao"], users[spec.head[0]]
    officers = {code: users[user] for code, *_, user, _ in spec.units}
    held_on = task.meeting.held_on
    for assignment in task.assignments.order_by(Assignment.id):
        officer = officers[assignment.unit.code]
        for day, hour, action, *args in spec.history.get((number, assignment.unit.code), []):
            with _clock_at(at(day, hour)):
                if action == "report":
                    progress, *texts = args
                    text, hard, ask = (_fill(t, held_on) for t in (*texts, "", "")[:3])
                    workflow.post_report(assignment, officer, text, progress, hard, ask)
                elif action == "submit":
                    submission_flow.submit(
                        assignment,
                        officer,
                        "Đã hoàn thành nhiệm vụ; kết quả nêu tại báo cáo kèm theo.",
                        doc_number=f"{20 + number}/BC-UBND",
                        doc_date=get_clock().today(),
                    )
                elif action == "done":
                    submission_flow.confirm(assignment, leader)
                elif action == "return":
                    submission_flow.return_submission(assignment, leader, args[0])
                elif action == "extend":
                    new_day, reason = args
                    new = held_on + timedelta(days=new_day)
                    extension_requests.request_extension(assignment, officer, new, reason)
                elif action == "extended":
                    req = extension_requests.pending_request(assignment)
                    extension_requests.approve(req, leader, args[0] if args else "")
                elif action == "handler":
                    handler = users[spec.handler[0]]
                    due = held_on + timedelta(days=args[0])
                    handlers.assign_handlers(assignment, head, [handler.id], due)
                elif action == "draft":
                    progress, text = args
                    handler = users[spec.handler[0]]
                    drafts.draft_report(assignment, handler, text, progress)
                elif action == "approve":
                    drafts.approve(drafts.pending(assignment).get(), head)

"""The review of a notice's drafts: the catalog from the database, drafts as stored dicts,
reading them back from the review form, checking them, and creating the tasks in one go."""

from __future__ import annotations

from datetime import date, datetime

from tracker.assignments import workflow
from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.meetings.notice.choices import from_values, is_key
from tracker.meetings.notice.units import (
    Catalog,
    KindInfo,
    Ref,
    UnitInfo,
    refs_label,
    split_aliases,
)
from tracker.models import FIELDS, REPORT_CADENCES, Meeting, Task, Unit, UnitGroup, UnitKind, User
from tracker.models.audit import record
from tracker.tasks.deadlines import meeting_deadline_error
from tracker.tasks.forms import notice_day
from tracker.tasks.workdays import MAX_WORKING_DAYS, add_working_days

KINDS = ("date", "ongoing", "none")
TITLE_MAX = 300
CONTENT_MAX = 20000
MAX_DRAFTS = 200


def load_catalog() -> Catalog:
    """The active units (with aliases), the unit groups, and the unit kinds with the collective
    phrases notices use for them (the office's data: /admin/kinds)."""
    units = [
        UnitInfo(u.id, u.name, u.short_name, u.kind, tuple(split_aliases(u.aliases)))
        for u in Unit.active_ordered()
    ]
    groups = {g.name: [u.id for u in g.units()] for g in UnitGroup.select()}
    kinds = [KindInfo(k.code, k.label, k.group_label, k.phrase_list) for k in UnitKind.ordered()]
    return Catalog(units, groups, kinds)


def start_day(meeting: Meeting) -> date:
    """Dates without a year and working days count from the notice's day (else the meeting's)."""
    return notice_day(meeting) or meeting.held_on


def to_dict(draft) -> dict:
    """A parser ``Draft`` as the review stores it."""
    dl = draft.deadline
    notes = []
    if dl.problem:
        notes.append({"msg": N_("Ngày %(date)s không tồn tại."), "args": {"date": dl.bad_date}})
    if draft.whole:
        notes.append(
            {
                "msg": N_("Không nhận ra nhiệm vụ nào: toàn văn được đưa vào một dự thảo."),
                "args": {},
            }
        )
    return {
        "include": True,
        "title": draft.title[:TITLE_MAX],
        "content": draft.text[:CONTENT_MAX],
        "lead": refs_label(draft.lead),
        "coordinating": refs_label(draft.coordinating),
        "deadline_kind": dl.kind,
        "deadline": dl.day.isoformat() if dl.day else "",
        "working_days": dl.working_days,
        "cadence": dl.cadence or ("monthly" if dl.kind == "ongoing" else ""),
        "field": draft.field,
        "phrase": dl.phrase,
        "notes": notes,
        "unknown": [
            {"text": u.text, "suggestions": u.suggestions, "role": u.role} for u in draft.unknown
        ],
    }


def parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _working_days(value: str) -> int | str | None:
    """A typed number of working days: the number, or the text as typed when it is none."""
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 7 else value


def from_form(
    form, count: int, previous: list[dict], catalog: Catalog, meeting: Meeting
) -> list[dict]:
    """The drafts as the review form sends them (the parser's notes kept from before): units
    as chosen from the list, and the date a number of working days gives."""
    drafts = []
    for i in range(min(count, MAX_DRAFTS)):
        old = previous[i] if i < len(previous) else {}

        def get(name: str, default: str = "", i: int = i) -> str:
            return (form.get(f"d-{i}-{name}", default) or "").strip()

        deadline = get("deadline")
        kind = get("deadline_kind", "none")
        if f"d-{i}-working_days" in form:
            working_days = _working_days(get("working_days"))
            if kind == "date" and isinstance(working_days, int) and not deadline:
                if 0 < working_days <= MAX_WORKING_DAYS:
                    deadline = add_working_days(start_day(meeting), working_days).isoformat()
        else:  # a form without the field (an older page): the parsed number, if kept
            working_days = old.get("working_days")
            if deadline != old.get("deadline", ""):
                working_days = None  # the date was changed by hand
        drafts.append(
            {
                "include": form.get(f"d-{i}-include") == "1",
                "title": get("title"),
                "content": get("content"),
                "lead": from_values(form.getlist(f"d-{i}-lead"), catalog),
                "coordinating": from_values(form.getlist(f"d-{i}-coordinating"), catalog),
                "deadline_kind": kind,
                "deadline": deadline,
                "working_days": working_days,
                "cadence": get("cadence"),
                "field": get("field", "khac"),
                "phrase": old.get("phrase", ""),
                # A problem with the parsed date stays until the date is changed.
                "notes": old.get("notes", []) if deadline == old.get("deadline", "") else [],
                "unknown": old.get("unknown", []),
            }
        )
    return drafts


def by_working_days(draft: dict, meeting: Meeting) -> date | None:
    """The deadline a draft's number of working days gives, counted from the notice."""
    n = draft.get("working_days")
    if draft["deadline_kind"] != "date" or type(n) is not int or not 0 < n <= MAX_WORKING_DAYS:
        return None
    return add_working_days(start_day(meeting), n)


def check(draft: dict, catalog: Catalog, meeting: Meeting) -> tuple[dict[str, list[str]], dict]:
    """A draft's errors by field, and its resolved units.

    The messages are marked with N_ (the page translates them), except the one on a deadline
    before ``meeting`` or its notice, which names the day and so comes translated.
    """
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    lead, lead_unknown = catalog.resolve(draft["lead"])
    coord, coord_unknown = catalog.resolve(draft["coordinating"])
    resolved = {
        "lead": lead,
        "coordinating": coord,
        "unknown_lead": lead_unknown,
        "unknown_coordinating": coord_unknown,
        "by_days": by_working_days(draft, meeting),
    }
    if not draft["include"]:
        return errors, resolved
    if not draft["title"]:
        err("title", N_("Trường này là bắt buộc."))
    elif len(draft["title"]) > TITLE_MAX:
        err("title", N_("Tên nhiệm vụ tối đa 300 ký tự."))
    if len(draft["content"]) > CONTENT_MAX:
        err("content", N_("Nội dung tối đa 20.000 ký tự."))
    for name, unknown in (("lead", lead_unknown), ("coordinating", coord_unknown)):
        if any(is_key(u.text) for u in unknown):
            err(name, N_("Đơn vị không hợp lệ hoặc đã ngừng hoạt động."))
        elif unknown:
            err(name, N_("Có tên đơn vị không nhận ra."))
    if not lead and not lead_unknown:
        err("lead", N_("Vui lòng nêu ít nhất một đơn vị chủ trì."))
    if draft["field"] not in FIELDS:
        err("field", N_("Lĩnh vực không hợp lệ."))
    kind = draft["deadline_kind"]
    if kind not in KINDS:
        err("deadline_kind", N_("Loại thời hạn không hợp lệ."))
    elif kind == "date" and draft.get("working_days") is not None:
        _check_working_days(draft, resolved["by_days"], meeting, err)
    elif kind == "date":
        if not draft["deadline"]:
            if draft["notes"]:
                err("deadline", N_("Ngày trong thông báo không tồn tại, vui lòng nhập lại."))
            else:
                err("deadline", N_("Vui lòng nhập hạn hoàn thành khi chọn “Có thời hạn”."))
        elif (day := parse_date(draft["deadline"])) is None:
            err("deadline", N_("Ngày không hợp lệ (dd/mm/yyyy)."))
        elif error := meeting_deadline_error(meeting, day):
            err("deadline", error)
    elif kind == "ongoing" and draft["cadence"] not in REPORT_CADENCES:
        err("cadence", N_("Vui lòng chọn kỳ báo cáo cho nhiệm vụ thường xuyên."))
    return errors, resolved


def _check_working_days(draft: dict, day: date | None, meeting: Meeting, err) -> None:
    """A number of working days as the task form takes it: 1 to 365, instead of a date (not
    as well as another one), giving a day not before the meeting or its notice."""
    if day is None:
        err("working_days", N_("Số ngày làm việc phải là số nguyên từ 1 đến 365."))
    elif draft["deadline"] and parse_date(draft["deadline"]) != day:
        err(
            "working_days",
            N_("Vui lòng chỉ nhập một trong hai: hạn hoàn thành hoặc số ngày làm việc."),
        )
    elif error := meeting_deadline_error(meeting, day):
        err("working_days", error)


def _units_of(refs: list[Ref]) -> list[int]:
    out: list[int] = []
    for ref in refs:
        out += [i for i in ref.ids if i not in out]
    return out


def create_tasks(meeting: Meeting, actor: User, drafts: list[dict], catalog: Catalog) -> list[Task]:
    """The included drafts as tasks of ``meeting`` with their assignments, in one transaction
    (call only after ``check`` found no error).

    One action (``signals.batched``): a unit given several of the notice's tasks hears of them
    in one mail, not one per task.
    """
    now = get_clock().now()
    created = []
    with database.atomic(), signals.batched():
        number = Task.next_number(meeting)
        for draft in drafts:
            if not draft["include"]:
                continue
            _, resolved = check(draft, catalog, meeting)
            kind = draft["deadline_kind"]
            deadline = parse_date(draft["deadline"]) if kind == "date" else None
            working_days = draft.get("working_days") if kind == "date" else None
            if working_days and resolved["by_days"] != deadline:
                working_days = None
            values = {
                "number": number,
                "title": draft["title"],
                "content": draft["content"],
                "field": draft["field"],
                "deadline_kind": kind,
                "deadline": deadline,
                "working_days": working_days,
                "report_cadence": draft["cadence"] if kind == "ongoing" else "",
            }
            task = Task.create(
                meeting=meeting, created_by=actor, created_at=now, updated_at=now, **values
            )
            record(actor, "create", task, after=values)
            lead_ids = _units_of(resolved["lead"])
            coord_ids = [i for i in _units_of(resolved["coordinating"]) if i not in lead_ids]
            for role, ids in (("lead", lead_ids), ("coordinating", coord_ids)):
                units = list(Unit.active_ordered().where(Unit.id.in_(ids))) if ids else []
                if units:
                    workflow.assign(task, actor, units, role)
            created.append(task)
            number += 1
    return created

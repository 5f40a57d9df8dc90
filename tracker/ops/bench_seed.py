"""A large synthetic data set for benchmarks (``tracker seed-bench``).

Rows go in with ``COPY`` on PostgreSQL and as multi-row INSERTs of 1,000 rows on SQLite, one
transaction per 1,000 tasks, their ids given by the seeder (nothing is read back); a progress
line is printed at every tenth. The same seed gives the same data. The first seven
tasks are pinned to the seven timeliness categories and given to the bench officer's unit, so
every category is present whatever the size.
"""

from __future__ import annotations

import io
import json
import random
import time as timer
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import PostgresqlDatabase
from werkzeug.security import generate_password_hash

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import FIELDS, Assignment, AuditEvent, Meeting, ProgressReport, Task, Unit, User

PASSWORD = "bench"
# Each bench account's password is hashed on its own (its own salt), with scrypt at a lower cost
# than the application's: ``--units`` may ask for hundreds of accounts, and the default scrypt
# costs ~0.1 s per hash. The cost is written in the hash, so logins check it as any other.
HASH_METHOD = "scrypt:1024:8:1"
LEADER = "bench.leader"
OFFICER = "bench.officer"
BATCH = 1000
TASKS_PER_MEETING = 20

MEETING_TOPICS = [
    "Họp giao ban công tác cải cách hành chính",
    "Họp Ban Chỉ đạo chuyển đổi số",
    "Họp triển khai nhiệm vụ phát triển kinh tế - xã hội",
    "Họp rà soát tiến độ thu ngân sách nhà nước",
    "Họp về công tác quản lý trật tự đô thị",
    "Họp giải quyết kiến nghị của cử tri",
]
TASK_VERBS = ["Rà soát, đánh giá", "Triển khai", "Báo cáo kết quả", "Tăng cường", "Kiểm tra"]
TASK_OBJECTS = [
    "việc giải quyết thủ tục hành chính tại Bộ phận Một cửa",
    "công tác tuyên truyền cải cách hành chính",
    "ứng dụng phần mềm quản lý văn bản và điều hành",
    "dịch vụ công trực tuyến mức độ 3, 4",
    "công tác quản lý trật tự xây dựng",
    "việc thực hiện quy chế văn hóa công vụ",
    "kế hoạch thu, chi ngân sách",
    "công tác vệ sinh môi trường khu dân cư",
]
OPEN_STATUSES = ["new", "in_progress", "in_progress", "in_progress", "submitted", "returned"]

ASSIGNMENT_FIELDS = [
    Assignment.task,
    Assignment.unit,
    Assignment.role,
    Assignment.status,
    Assignment.progress,
    Assignment.deadline,
    Assignment.original_deadline,
    Assignment.extension_count,
    Assignment.completed_at,
    Assignment.completed_on,
    Assignment.last_report_at,
    Assignment.created_at,
    Assignment.updated_at,
    Assignment.deadline_kind,
    Assignment.stats_deadline,
]


@dataclass
class Summary:
    """What a seeding run added, and the accounts to benchmark with."""

    elapsed: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    officer_unit: str = ""

    def report(self) -> str:
        """Plain-text summary for the command line."""
        lines = [f"Seeded in {self.elapsed:.1f} s:"]
        lines += [f"  {name:<16} {n:>9,}" for name, n in self.counts.items()]
        lines.append(f"Accounts (password {PASSWORD!r}): leader {LEADER}, officer {OFFICER}")
        lines.append(f"  ({self.officer_unit}); other units' officers: bench.<unit code>")
        return "\n".join(lines)


def seed(
    n_tasks: int, n_units: int = 40, seed: int = 1, progress: Callable[[str], None] | None = None
) -> Summary:
    """Add ``n_tasks`` tasks over ``n_units`` units (the existing ones plus generated ones).

    ``progress`` (for example ``print``) is given a line at every tenth of the tasks or so.
    """
    started = timer.perf_counter()
    rng = random.Random(seed)
    clock = get_clock()
    gen = _Generator(rng, clock)
    with database.atomic():
        units = _units(n_units)
        officers, leader, officer_unit = _users(units, clock.now())
    gen.units, gen.officers, gen.leader, gen.officer_unit = units, officers, leader, officer_unit
    gen.unit_names = {u.id: u.name for u in units}
    summary = Summary(officer_unit=officer_unit.name)
    summary.counts = {"units": len(units), "users": User.select().count()}
    added = {"meetings": 0, "tasks": 0, "assignments": 0, "progress reports": 0, "audit": 0}
    n_meetings = -(-n_tasks // TASKS_PER_MEETING)
    per_batch = BATCH // TASKS_PER_MEETING
    step = max(per_batch, n_meetings // 10 // per_batch * per_batch)
    for first in range(0, n_meetings, per_batch):
        last = min(n_meetings, first + per_batch)
        with database.atomic():
            quiet = _triggers_off()
            for name, n in gen.batch(first, last, n_tasks).items():
                added[name] += n
            if quiet:
                _triggers_on([u.id for u in units])
        if progress is not None and (last == n_meetings or last % step == 0):
            spent = timer.perf_counter() - started
            done = added["tasks"]
            left = spent / done * (n_tasks - done) if done else 0
            progress(
                f"  {done:>9,} / {n_tasks:,} tasks ({done * 100 // n_tasks}%) "
                f"in {spent:.0f} s, about {left:.0f} s left"
            )
    summary.counts.update(added)
    summary.elapsed = timer.perf_counter() - started
    return summary


def _triggers_off() -> bool:
    """On PostgreSQL, as a superuser: no row triggers for the rest of the transaction.

    The counters' trigger on ``assignment`` and the foreign keys' checks would run once per
    row; ``_triggers_on`` then does once what they would have done (the seeder's rows are
    consistent by construction). Elsewhere nothing changes and every trigger runs.
    """
    db = database.obj
    if not _is_postgres(db):
        return False
    if db.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        db.execute_sql("SET LOCAL session_replication_role = replica")
        return True
    return False


def _triggers_on(unit_ids: list[int]) -> None:
    """Triggers again; the units' counter versions raised, the statement triggers fired."""
    db = database.obj
    db.execute_sql("SET LOCAL session_replication_role = origin")
    db.execute_sql(
        "INSERT INTO counter_version (unit_id, version) "
        "SELECT id, floor(random() * 1000000000000)::bigint FROM unit WHERE id = ANY(%s) "
        "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1",
        (unit_ids,),
    )
    for model in (Meeting, Task, Assignment, ProgressReport, AuditEvent):
        # No row changes: only the tables' statement triggers run, as after the COPY.
        db.execute_sql(f'UPDATE "{model._meta.table_name}" SET id = id WHERE false')


def _units(n_units: int) -> list[Unit]:
    units = list(Unit.active_ordered())
    codes = set(Unit.select(Unit.code).tuples())
    n = 0
    while len(units) < n_units:
        n += 1
        code = f"bench{n:03d}"
        if (code,) in codes:
            continue
        kind = "agency" if n % 20 == 0 else "department" if n % 5 in (0, 4) else "ward"
        name = {"ward": "UBND phường", "department": "Phòng", "agency": "Cơ quan"}[kind]
        units.append(
            Unit.create(
                name=f"{name} Thử nghiệm {n:03d}",
                short_name=f"Thử nghiệm {n:03d}",
                code=code,
                kind=kind,
                email=f"{code}@bench.example",
                sort_order=1000 + n,
            )
        )
    # Re-read in display order, so the same database and seed give the same data.
    return list(Unit.active_ordered())


def _users(units: list[Unit], now: datetime) -> tuple[dict[int, int], User, Unit]:
    """One officer per unit (existing or bench.<code>), plus the bench leader and officer."""

    def ensure(username: str, full_name: str, role: str, unit: Unit | None) -> User:
        user = User.get_or_none(User.username == username)
        if user is None:
            user = User.create(
                username=username,
                full_name=full_name,
                email=f"{username}@bench.example",
                password_hash=generate_password_hash(PASSWORD, method=HASH_METHOD),
                role=role,
                unit=unit,
                created_at=now,
            )
        return user

    first_ward = next((u for u in units if u.kind == "ward"), units[0])
    leader = ensure(LEADER, "Lãnh đạo (thử nghiệm)", "leader", None)
    ensure(OFFICER, f"Cán bộ đầu mối {first_ward.name} (thử nghiệm)", "officer", first_ward)
    officers = dict(
        User.select(User.unit, User.id)
        .where(User.role == "officer", User.unit.is_null(False))
        .order_by(User.id.desc())
        .tuples()
    )
    for unit in units:
        if unit.id not in officers:
            officers[unit.id] = ensure(
                f"bench.{unit.code}", f"Cán bộ đầu mối {unit.name}", "officer", unit
            ).id
    return officers, leader, first_ward


def _insert(model, fields: list, rows: list[tuple]) -> list[int]:
    """Insert ``rows``; return their new ids in order (one writer: the seeder).

    The ids are given here, so nothing is read back: on PostgreSQL they are reserved from the
    table's sequence and the rows go in with one ``COPY`` (psycopg2's ``copy_expert``); on
    SQLite they follow the largest id and the rows go in as multi-row INSERTs of ``BATCH``
    rows, built here (peewee's ``insert_many`` spends most of its time building the SQL of every
    value, which would triple the seeding time).
    """
    if not rows:
        return []
    db = database.obj
    if "search_text" in model._meta.fields:  # the folded search column (tracker/search_index.py)
        names = [f.name for f in fields]
        rows = [(*r, model.search_text_from(dict(zip(names, r, strict=True)))) for r in rows]
        fields = [*fields, model.search_text]
    # The fields left out take their defaults, as insert_many would give them.
    pk = model._meta.primary_key
    given = {f.name for f in fields} | {pk.name}
    rest = [f for f in model._meta.sorted_fields if f.name not in given]
    defaults = tuple(f.default() if callable(f.default) else f.default for f in rest)
    fields = [pk, *fields, *rest]
    table = model._meta.table_name
    first = _reserve_ids(db, table, pk.column_name, len(rows))
    ids = list(range(first, first + len(rows)))
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    if _is_postgres(db):
        buffer = io.StringIO()
        for new_id, row in zip(ids, rows, strict=True):
            values = (new_id, *row, *defaults)
            buffer.write(
                "\t".join(
                    _copy_text(f.db_value(v) if v is not None else None)
                    for f, v in zip(fields, values, strict=True)
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        with db.connection().cursor() as cursor:
            cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', buffer)
        return ids
    one_row = "(" + ", ".join([db.param] * len(fields)) + ")"
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        params = [
            f.db_value(v) if v is not None else None
            for new_id, row in zip(ids[start : start + BATCH], chunk, strict=True)
            for f, v in zip(fields, (new_id, *row, *defaults), strict=True)
        ]
        values = ", ".join([one_row] * len(chunk))
        db.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES {values}', params)
    return ids


def _is_postgres(db) -> bool:
    return isinstance(db, PostgresqlDatabase)


def _reserve_ids(db, table: str, column: str, n: int) -> int:
    """The first of ``n`` consecutive new ids of ``table`` (the seeder is the only writer)."""
    if _is_postgres(db):
        # Move the sequence past the block in one statement: later rows (the application's)
        # take the ids after it.
        row = db.execute_sql(
            "SELECT setval(pg_get_serial_sequence(%s, %s), "
            f'GREATEST((SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"), '
            "nextval(pg_get_serial_sequence(%s, %s))) + %s)",
            (table, column, table, column, n - 1),
        ).fetchone()
        return row[0] - n + 1
    last = db.execute_sql(f'SELECT MAX("{column}") FROM "{table}"').fetchone()[0] or 0
    return last + 1


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (NULL is \\N)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).translate(_COPY_ESCAPES)


class _Generator:
    """Builds the rows of consecutive meetings, deterministically from one random source."""

    def __init__(self, rng: random.Random, clock) -> None:
        self.rng = rng
        self.clock = clock
        self.today = clock.today()
        self.units: list[Unit] = []
        self.unit_names: dict[int, str] = {}
        self.officers: dict[int, int] = {}
        self.leader: User | None = None
        self.officer_unit: Unit | None = None

    def at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=self.clock.tz)

    def batch(self, first: int, last: int, n_tasks: int) -> dict[str, int]:
        """Meetings ``first``..``last`` - 1 with their tasks, assignments and reports."""
        rng, today = self.rng, self.today
        meetings = []
        for index in range(first, last):
            held_on = today - timedelta(days=10 if index == 0 else rng.randint(0, 730))
            topic = rng.choice(MEETING_TOPICS)
            created = self.at(held_on + timedelta(days=1), 9)
            meetings.append(
                (
                    f"{topic} ({held_on:%d/%m/%Y})",
                    held_on,
                    "Hội trường UBND",
                    "Lãnh đạo UBND",
                    "Chủ tịch UBND",
                    f"{index + 1}/TB-UBND",
                    held_on + timedelta(days=2),
                    f"Kết luận của {topic.lower()}: giao các đơn vị triển khai các nhiệm vụ sau.",
                    self.leader.id,
                    created,
                    created,
                )
            )
        meeting_fields = [
            Meeting.title,
            Meeting.held_on,
            Meeting.place,
            Meeting.chair_name,
            Meeting.chair_title,
            Meeting.notice_number,
            Meeting.notice_date,
            Meeting.conclusion,
            Meeting.created_by,
            Meeting.created_at,
            Meeting.updated_at,
        ]
        meeting_ids = _insert(Meeting, meeting_fields, meetings)
        tasks, plans = [], []
        for offset, meeting_id in enumerate(meeting_ids):
            held_on = meetings[offset][1]
            index = first + offset
            count = min(TASKS_PER_MEETING, n_tasks - index * TASKS_PER_MEETING)
            for number in range(1, count + 1):
                pinned = index * TASKS_PER_MEETING + number - 1
                row, plan = self.task(meeting_id, number, held_on, pinned if pinned < 7 else None)
                tasks.append(row)
                plans.append(plan)
        task_fields = [
            Task.meeting,
            Task.number,
            Task.title,
            Task.content,
            Task.field,
            Task.deadline_kind,
            Task.deadline,
            Task.created_by,
            Task.created_at,
            Task.updated_at,
        ]
        task_ids = _insert(Task, task_fields, tasks)
        assignments = []
        for task_id, task_row, plan in zip(task_ids, tasks, plans, strict=True):
            kind = task_row[5]
            # Statistics count against the original deadline (extensions here came late).
            assignments += [(task_id, *row, kind, row[5]) for row in plan]
        assignment_ids = _insert(Assignment, ASSIGNMENT_FIELDS, assignments)
        reports, audit = self.history(assignment_ids, assignments)
        _insert(
            ProgressReport,
            [
                ProgressReport.assignment,
                ProgressReport.author,
                ProgressReport.text,
                ProgressReport.progress,
                ProgressReport.difficulties,
                ProgressReport.proposals,
                ProgressReport.created_at,
            ],
            reports,
        )
        audit_fields = [
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.assignment,
            AuditEvent.after,
            AuditEvent.created_at,
        ]
        _insert(AuditEvent, audit_fields, audit)
        return {
            "meetings": len(meetings),
            "tasks": len(tasks),
            "assignments": len(assignments),
            "progress reports": len(reports),
            "audit": len(audit),
        }

    def task(self, meeting_id: int, number: int, held_on: date, pinned: int | None):
        """One task row and the rows (without the task id) of its assignments."""
        rng, today = self.rng, self.today
        kind = rng.choices(["date", "ongoing", "none"], weights=[80, 12, 8])[0]
        deadline = held_on + timedelta(days=rng.randint(7, 120)) if kind == "date" else None
        units = rng.sample(self.units, min(len(self.units), rng.choice([1, 1, 2, 2, 2, 3])))
        forced = None
        if pinned is not None:
            # on time, due soon, overdue, done on time, done late, ongoing, no deadline
            due, status, done, kind = [
                (30, "in_progress", None, "date"),
                (1, "new", None, "date"),
                (-5, "in_progress", None, "date"),
                (-3, "done", -4, "date"),
                (-8, "done", -2, "date"),
                (None, "in_progress", None, "ongoing"),
                (None, "in_progress", None, "none"),
            ][pinned]
            deadline = today + timedelta(days=due) if due is not None else None
            forced = (status, today + timedelta(days=done) if done is not None else None)
            others = [u for u in units if u.id != self.officer_unit.id]
            units = [self.officer_unit, *others[:1]]
        created = self.at(held_on + timedelta(days=2), 9)
        title = f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)}"
        content = f"{title} trên địa bàn; báo cáo kết quả về Văn phòng HĐND và UBND."
        row = (
            meeting_id,
            number,
            title,
            content,
            rng.choice(list(FIELDS)),
            kind,
            deadline,
            self.leader.id,
            created,
            created,
        )
        plan = []
        for position, unit in enumerate(units):
            status, completed_on = forced if forced and position == 0 else self.outcome(deadline)
            completed_on = max(completed_on, held_on) if completed_on else None
            plan.append(self.assignment(unit, position, status, deadline, completed_on, created))
        return row, plan

    def outcome(self, deadline: date | None) -> tuple[str, date | None]:
        """A plausible status (and completion date) for an assignment with ``deadline``."""
        rng, today = self.rng, self.today
        r = rng.random()
        if deadline is not None and deadline < today:
            if r < 0.7:
                done = min(today - timedelta(days=1), deadline + timedelta(rng.randint(-15, 10)))
                return "done", done
            if r < 0.73:
                return rng.choice(["paused", "cancelled"]), None
        elif r < (0.15 if deadline is not None else 0.3):
            return "done", today - timedelta(days=rng.randint(1, 20))
        return rng.choice(OPEN_STATUSES), None

    def assignment(self, unit, position, status, deadline, completed_on, created) -> tuple:
        """An assignment row without its task id."""
        rng = self.rng
        progress = {"done": 100, "submitted": 100, "new": 0}.get(status, rng.randint(1, 9) * 10)
        original, extensions = deadline, 0
        if deadline is not None and rng.random() < 0.05:
            original, extensions = deadline - timedelta(days=rng.randint(7, 30)), 1
        completed_at = self.at(completed_on, 15) if completed_on else None
        last_report = None
        if status != "new":
            end = completed_on or self.today - timedelta(days=1)
            start = self.clock.local_date(created)
            span = max(0, (end - start).days)
            last_report = self.at(start + timedelta(days=rng.randint(0, span)), 10)
        return (
            unit.id,
            "lead" if position == 0 else "coordinating",
            status,
            progress,
            deadline,
            original,
            extensions,
            completed_at,
            completed_on,
            last_report,
            created,
            completed_at or last_report or created,
        )

    def history(self, ids: list[int], rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
        """Progress reports (about half the started assignments) and the assign events."""
        rng, names, actor = self.rng, self.unit_names, self.leader.id
        reports, audit = [], []
        for assignment_id, row in zip(ids, rows, strict=True):
            # Positions as in ASSIGNMENT_FIELDS, behind the task id.
            unit_id, role, progress = row[1], row[2], row[4]
            last_report, created = row[10], row[11]
            after = json.dumps({"role": role, "unit": names[unit_id]}, ensure_ascii=False)
            audit.append(
                (actor, "assign", "assignment", assignment_id, assignment_id, after, created)
            )
            if last_report is None or rng.random() < 0.5:
                continue
            hard = "Thiếu nhân lực, kinh phí thực hiện." if rng.random() < 0.2 else ""
            ask = "Đề nghị gia hạn thêm thời gian thực hiện." if hard else ""
            text = "Đã hoàn thành nhiệm vụ." if progress == 100 else "Đang triển khai thực hiện."
            officer = self.officers.get(unit_id)
            reports.append((assignment_id, officer, text, progress, hard, ask, last_report))
        return reports, audit

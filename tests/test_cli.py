"""The project's commands: init-db, create-user, seed-bench."""

from datetime import UTC, datetime

from conftest import NOW

from tracker.cli import cli
from tracker.core.timeliness import ORDER
from tracker.models import Assignment, AuditEvent, Meeting, ProgressReport, Task, Unit, User


def invoke(runner, *args):
    return runner.invoke(cli, list(args))


def snapshot() -> list[tuple]:
    """The generated work, without ids (which differ between runs)."""
    rows = (
        Assignment.select(
            Task.number,
            Task.title,
            Task.field,
            Task.deadline_kind,
            Task.deadline,
            Unit.code,
            Assignment.role,
            Assignment.status,
            Assignment.progress,
            Assignment.completed_on,
        )
        .join(Task)
        .switch(Assignment)
        .join(Unit)
        .order_by(Task.id, Assignment.id)
        .tuples()
    )
    return list(rows)


def test_init_db_is_idempotent(runner):
    result = invoke(runner, "init-db")
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_create_user(runner, world):
    result = invoke(
        runner,
        "create-user",
        "--username",
        "pb.noivu2",
        "--full-name",
        "Nguyễn Văn An",
        "--role",
        "officer",
        "--unit",
        "noivu",
        "--password",
        "s3cret-pass",
    )
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "pb.noivu2")
    assert user.unit_id == world.dept.id and user.check_password("s3cret-pass")


def test_create_user_duplicate_username_fails_clearly(runner, world):
    before = User.select().count()
    result = invoke(
        runner,
        "create-user",
        "--username",
        "p.sodau",
        "--full-name",
        "Ai đó",
        "--role",
        "viewer",
        "--password",
        "x",
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert User.select().count() == before
    assert User.get(User.username == "p.sodau").role == "officer"


def test_create_officer_needs_a_known_unit(runner, world):
    base = ["create-user", "--username", "x", "--full-name", "X", "--role", "officer"]
    no_unit = invoke(runner, *base, "--password", "x")
    assert no_unit.exit_code != 0 and "--unit" in no_unit.output
    unknown = invoke(runner, *base, "--unit", "nowhere", "--password", "x")
    assert unknown.exit_code != 0 and "nowhere" in unknown.output
    assert not User.select().where(User.username == "x").exists()


def test_seed_bench_creates_tasks_and_assignments(runner, app_ctx):
    result = invoke(runner, "seed-bench", "--tasks", "200")
    assert result.exit_code == 0, result.output
    assert Task.select().count() == 200
    assert Meeting.select().count() == 10
    n = Assignment.select().count()
    assert 200 <= n <= 600
    assert AuditEvent.select().where(AuditEvent.action == "assign").count() == n
    # SQLite stores whatever it is given: check the values are of the columns' types.
    assert all(isinstance(e.created_at, datetime) for e in AuditEvent.select())
    assert {a.deadline_kind for a in Assignment.select()} <= {"date", "ongoing", "none"}
    assert ProgressReport.select().count() > 0
    assert Unit.select().count() == 40
    # One officer per unit (bench.officer is the first ward's), plus the bench leader.
    officers = User.select().where(User.role == "officer")
    assert sorted(u.unit_id for u in officers) == sorted(u.id for u in Unit.select())
    leader = User.get(User.username == "bench.leader")
    officer = User.get(User.username == "bench.officer")
    assert leader.role == "leader" and officer.role == "officer"
    assert officer.unit.kind == "ward" and officer.check_password("bench")
    for text in ("bench.leader", "bench.officer", "tasks", "200", "Seeded in"):
        assert text in result.output
    assert {a.category() for a in Assignment.select()} >= set(ORDER)
    mine = Assignment.select().where(Assignment.unit == officer.unit)
    assert {a.category() for a in mine} >= set(ORDER)


def test_seed_bench_prints_progress_and_leaves_room_for_new_rows(runner, app_ctx, world):
    """The seeder gives ids itself (COPY on PostgreSQL): the application's next rows follow
    them; the counters of the units it filled are raised; it says how far it is."""
    from tracker.models import CounterVersion

    units = {u.id for u in Unit.select()}
    before = {c.unit_id: c.version for c in CounterVersion.select() if c.unit_id in units}
    result = invoke(runner, "seed-bench", "--tasks", "2000", "--units", "5")
    assert result.exit_code == 0, result.output
    assert "1,000 / 2,000 tasks (50%)" in result.output
    assert "2,000 / 2,000 tasks (100%)" in result.output
    after = {c.unit_id: c.version for c in CounterVersion.select()}
    assert before, "the world's units have counter versions"
    assert all(after[unit] != version for unit, version in before.items())
    top = Assignment.select(Assignment.id).order_by(Assignment.id.desc()).first().id
    new = Assignment.create(
        task=Task.select().order_by(Task.id.desc()).first(),
        unit=world.dept,
        created_at=NOW,
        updated_at=NOW,
    )
    assert new.id > top
    last_event = AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).first().id
    assert AuditEvent.create(action="x", object_type="y", created_at=NOW).id > last_event


def test_seed_bench_hashes_each_account_on_its_own(runner, app_ctx):
    """Every bench account gets its own salt and hash (a cheaper scrypt, bench_seed's
    ``HASH_METHOD``), and each logs in with the bench password."""
    assert invoke(runner, "seed-bench", "--tasks", "20", "--units", "12").exit_code == 0
    users = list(User.select())
    hashes = [u.password_hash for u in users]
    assert len(users) == 13
    assert len(set(hashes)) == len(hashes)
    assert len({h.split("$")[1] for h in hashes}) == len(hashes)
    assert all(h.startswith("scrypt:") for h in hashes)
    for user in users:
        assert user.check_password("bench"), user.username


def test_seed_bench_is_deterministic(runner, app_ctx):
    assert invoke(runner, "seed-bench", "--tasks", "45", "--seed", "7").exit_code == 0
    first = snapshot()
    for model in (AuditEvent, ProgressReport, Assignment, Task, Meeting):
        model.delete().execute()
    assert invoke(runner, "seed-bench", "--tasks", "45", "--seed", "7").exit_code == 0
    assert snapshot() == first
    assert Task.select().count() == 45
    for model in (AuditEvent, ProgressReport, Assignment, Task, Meeting):
        model.delete().execute()
    assert invoke(runner, "seed-bench", "--tasks", "45", "--seed", "8").exit_code == 0
    assert snapshot() != first


def test_seed_bench_reuses_the_demo_units(runner, app_ctx, clock):
    assert invoke(runner, "load-demo").exit_code == 0
    demo_units = Unit.select().count()
    result = invoke(runner, "seed-bench", "--tasks", "30", "--units", "30")
    assert result.exit_code == 0, result.output
    assert Unit.select().count() == 30
    assert Task.select().count() == 7 + 30
    officer = User.get(User.username == "bench.officer")
    assert officer.unit.name == "UBND phường Hoàng Văn Thụ"
    # Demo units keep their own officers; only the generated units get bench.<code> ones.
    assert User.select().where(User.username.startswith("bench.bench")).count() == 30 - demo_units
    # Categories are computed against the clock's today.
    clock.set(datetime(2026, 5, 15, 3, 0, tzinfo=UTC))
    assert {a.category() for a in Assignment.select()} >= set(ORDER)


def test_seed_bench_refuses_bad_counts(runner):
    result = invoke(runner, "seed-bench", "--tasks", "0")
    assert result.exit_code != 0
    assert Task.select().count() == 0

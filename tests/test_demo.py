"""The demo data: quận Hồng Bàng's CCHC meeting of 26/4/2022, its tasks and their history."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.cli import cli
from tracker.core import db
from tracker.core.timeliness import ORDER
from tracker.models import (
    FIELDS,
    Assignment,
    AuditEvent,
    Meeting,
    ProgressReport,
    Submission,
    Task,
    Unit,
    UnitGroup,
    User,
)
from tracker.ops.demo import CONCLUSION, WARDS, WARDS_GROUP

ACCOUNTS = {
    "admin": "admin",
    "lanhdao": "leader",
    "tonghop": "secretary",
    "theodoi": "viewer",
    "p.sodau": "officer",
    "p.hoangvanthu": "officer",
    "pb.noivu": "officer",
    "pb.vhtt": "officer",
    "pb.buudien": "officer",
    "ld.noivu": "unit_head",
    "cv.noivu": "officer",
}


def load(runner, *args):
    return runner.invoke(cli, ["load-demo", *args])


def counts() -> tuple[int, ...]:
    return tuple(m.select().count() for m in (User, Unit, Meeting, Task, Assignment))


def units_of(task: Task, role: str) -> set[str]:
    rows = (
        Assignment.select(Unit.code)
        .join(Unit)
        .where(Assignment.task == task, Assignment.role == role)
    )
    return {code for (code,) in rows.tuples()}


def test_load_demo_creates_accounts_and_prints_them(runner):
    result = load(runner)
    assert result.exit_code == 0, result.output
    for username, role in ACCOUNTS.items():
        user = User.get(User.username == username)
        assert user.role == role
        assert user.check_password("demo")
        assert user.email == f"{username}@hongbang.example"
        assert username in result.output
    assert User.get(User.username == "lanhdao").full_name == "Đỗ Việt Hưng"
    sodau = User.get(User.username == "p.sodau")
    assert sodau.unit.name == "UBND phường Sở Dầu" and sodau.unit.kind == "ward"
    assert sodau.full_name == "Nguyễn Thị Lan"
    vhtt = User.get(User.username == "pb.vhtt").unit
    assert (vhtt.name, vhtt.short_name) == ("Phòng Văn hóa và Thông tin", "Phòng VH-TT")
    assert User.get(User.username == "pb.buudien").unit.kind == "agency"
    # One officer for every unit, and Phòng Nội vụ's handler.
    assert User.select().where(User.role == "officer").count() == Unit.select().count() + 1
    assert "UBND phường Sở Dầu" in result.output and "Lãnh đạo" in result.output


def test_load_demo_creates_units_and_groups(runner):
    load(runner)
    wards = UnitGroup.get(UnitGroup.name == WARDS_GROUP)
    assert {u.code for u in wards.units()} == {code for code, _ in WARDS}
    assert len(WARDS) == 11
    departments = UnitGroup.get(UnitGroup.name == "Các phòng, ban chuyên môn")
    codes = {u.code for u in departments.units()}
    assert {"vanphong", "noivu", "tuphap", "tckh", "vhtt", "tnmt", "thanhtra"} <= codes
    assert "buudien" not in codes and "sodau" not in codes


def test_meeting_reproduces_the_source(runner):
    load(runner)
    meeting = Meeting.get()
    assert meeting.held_on == date(2026, 5, 1)  # the tests' today (15/5/2026) minus 14 days
    assert meeting.title.startswith("Họp Ban Chỉ đạo Cải cách hành chính quận")
    assert meeting.chair_name == "Đỗ Việt Hưng"
    assert meeting.chair_title.startswith("Phó Chủ tịch Thường trực UBND quận")
    assert "Nguyễn Thị Thanh Vân" in meeting.attendees
    assert "Cao Thị Thanh Xuân" in meeting.attendees
    assert meeting.notice_number == "45/TB-UBND"
    assert meeting.notice_date == date(2026, 5, 3)
    assert meeting.conclusion == CONCLUSION
    assert meeting.conclusion.startswith("Phát biểu kết luận cuộc họp")
    assert "dịch vụ Bưu chính công ích" in meeting.conclusion
    assert meeting.created_by.username == "tonghop"


def test_tasks_are_the_directives_given_to_the_right_units(runner):
    load(runner)
    tasks = list(Task.select().order_by(Task.number))
    assert [t.number for t in tasks] == list(range(1, 8))
    assert all(t.field in FIELDS for t in tasks)
    kinds = [t.deadline_kind for t in tasks]
    assert kinds.count("none") == 1 and kinds.count("ongoing") >= 2
    today = date(2026, 5, 15)
    for task in tasks:
        if task.deadline_kind == "date":
            assert today - timedelta(days=7) <= task.deadline <= today + timedelta(days=92)
        else:
            assert task.deadline is None
    wards = {code for code, _ in WARDS}
    propaganda = next(t for t in tasks if "tuyên truyền" in t.title)
    assert units_of(propaganda, "lead") == {"vhtt"}
    assert units_of(propaganda, "coordinating") == wards
    postal = next(t for t in tasks if "Bưu chính" in t.title)
    assert units_of(postal, "lead") == {"vanphong"}
    assert units_of(postal, "coordinating") == wards | {"buudien"}
    # Some task goes to every ward as lead.
    assert any(units_of(t, "lead") >= wards for t in tasks)


def test_every_timeliness_category_and_status_is_present(runner, app_ctx):
    load(runner)
    assignments = list(Assignment.select())
    assert {a.category() for a in assignments} >= set(ORDER)
    statuses = {a.status for a in assignments}
    assert statuses >= {"new", "in_progress", "submitted", "returned", "done"}
    for category in ORDER:  # the SQL conditions the dashboard counts with agree
        in_sql = Assignment.select().where(Assignment.in_category(category)).count()
        assert in_sql == sum(1 for a in assignments if a.category() == category)


def test_history_is_in_the_past_with_difficulties(runner):
    load(runner)
    now = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)
    meeting_day = datetime(2026, 4, 30, 17, 0, tzinfo=UTC)  # 1/5 00:00 in Hà Nội
    reports = list(ProgressReport.select())
    assert len(reports) >= 20
    assert all(meeting_day <= r.created_at < now for r in reports)
    assert any(r.difficulties for r in reports) and any(r.proposals for r in reports)
    assert all(r.author.unit_id == r.assignment.unit_id for r in reports)
    events = AuditEvent.select()
    steps = {"create", "assign", "report", "submit", "confirm", "return"}
    assert {e.action for e in events} >= steps
    assert Submission.select().count() >= 3
    assert all(e.created_at < now for e in events)
    returned = Assignment.get(Assignment.status == "returned")
    reason = AuditEvent.get(
        AuditEvent.assignment == returned, AuditEvent.after.contains("returned")
    )
    assert reason.message and reason.actor.username == "lanhdao"


def test_date_option_keeps_the_original_dates(runner, app_ctx, clock):
    result = load(runner, "--date", "2022-04-26")
    assert result.exit_code == 0, result.output
    meeting = Meeting.get()
    assert meeting.held_on == date(2022, 4, 26)
    assert meeting.notice_date == date(2022, 4, 28)
    propaganda = Task.get(Task.title.contains("tuyên truyền"))
    assert propaganda.deadline == date(2022, 5, 5)
    first = ProgressReport.select().order_by(ProgressReport.created_at).first()
    assert date(2022, 4, 26) < first.created_at.date() < date(2022, 5, 10)
    # Seen from two weeks after that meeting, every category is there.
    clock.set(datetime(2022, 5, 10, 3, 0, tzinfo=UTC))
    assert {a.category() for a in Assignment.select()} >= set(ORDER)


def test_dates_follow_the_clock(runner, app_ctx, clock):
    clock.set(datetime(2027, 1, 10, 3, 0, tzinfo=UTC))
    assert load(runner).exit_code == 0
    assert Meeting.get().held_on == date(2026, 12, 27)
    assert {a.category() for a in Assignment.select()} >= set(ORDER)
    assert all(e.created_at < clock.now() for e in AuditEvent.select())


def test_second_load_refuses_and_changes_nothing(runner):
    load(runner)
    before = counts()
    result = load(runner)
    assert result.exit_code != 0
    assert "already holds data" in result.output
    assert counts() == before


def test_if_empty_is_a_no_op_once_loaded(runner):
    assert load(runner, "--if-empty").exit_code == 0
    before = counts()
    result = load(runner, "--if-empty")
    assert result.exit_code == 0
    assert "demo already loaded" in result.output
    assert counts() == before


def test_refuses_when_other_data_exists(runner, world):
    before = counts()
    result = load(runner)
    assert result.exit_code != 0
    assert counts() == before


@pytest.mark.parametrize("value", ["26/04/2022", "2026-05-02", "2026-06-01"])
def test_bad_or_recent_date_is_refused(runner, value):
    result = load(runner, "--date", value)
    assert result.exit_code != 0
    assert User.select().count() == 0


def test_latest_allowed_date(runner):
    assert load(runner, "--date", "2026-05-01").exit_code == 0


def test_demo_login_works(runner, client, auth):
    load(runner)
    response = auth.login("p.sodau", "demo")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    auth.logout()
    assert auth.login("lanhdao", "demo").status_code == 302
    assert client.get("/").status_code == 200


def test_missing_schema_fails_clearly(tmp_path, monkeypatch):
    from tracker import create_app

    monkeypatch.setenv("TRACKER_SECRET_KEY", "test")
    empty = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    try:
        result = empty.test_cli_runner().invoke(cli, ["load-demo"])
        assert result.exit_code != 0
        assert "tracker init-db" in result.output
        result = empty.test_cli_runner().invoke(cli, ["load-demo", "--if-empty"])
        assert result.exit_code != 0
    finally:
        db.database.close()


@pytest.mark.parametrize("username", ["p.hoangvanthu", "pb.vhtt", "theodoi", "tonghop"])
def test_other_demo_accounts_log_in(runner, client, auth, username):
    load(runner)
    assert auth.login(username, "demo").status_code == 302
    assert client.get("/").status_code == 200


def test_every_demo_account_has_its_own_salted_hash(runner, client, auth):
    """One hash shared by every account would tell whoever reads one row that all share the
    password, and would let one cracked hash open every account: each is hashed on its own."""
    load(runner)
    users = list(User.select().order_by(User.username))
    hashes = [u.password_hash for u in users]
    salts = [h.split("$")[1] for h in hashes]
    assert len(users) > 20
    assert len(set(hashes)) == len(hashes)
    assert len(set(salts)) == len(salts)
    for user in users:
        assert user.check_password("demo"), user.username
    for username in ("admin", "pb.buudien"):
        assert auth.login(username, "demo").status_code == 302
        assert client.get("/").status_code == 200
        auth.logout()


# Words of a unit or a role, never of a person's name.
NOT_A_NAME = re.compile(
    r"UBND|[Pp]hòng|phường|quận|Cán bộ|Chuyên viên|Thành viên|Quản trị|Ban Chỉ đạo"
)


def test_every_account_has_a_persons_name(runner):
    """History shows who did what: a person ("Nguyễn Thị Lan"), not "Cán bộ đầu mối UBND …"."""
    load(runner)
    users = list(User.select())
    names = [u.full_name for u in users]
    assert len(set(names)) == len(names)
    for user in users:
        words = user.full_name.split()
        assert 2 <= len(words) <= 4, user.full_name
        assert all(w[0].isupper() and w[1:].islower() for w in words), user.full_name
        assert not NOT_A_NAME.search(user.full_name), user.full_name


def test_history_shows_the_person_and_the_unit(runner, client, auth):
    """The timeline names the officer and, beside the name, the unit the officer works for."""
    load(runner)
    sodau = Unit.get(Unit.code == "sodau")
    task = Task.get(Task.title.contains("tuyên truyền"))
    assignment = Assignment.get(Assignment.task == task, Assignment.unit == sodau)
    auth.login("lanhdao", "demo")
    page = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "Nguyễn Thị Lan · Phường Sở Dầu" in page
    assert "Cán bộ đầu mối" not in page


@pytest.mark.parametrize("when", [None, "2022-04-26", "2024-11-03"])
def test_meeting_title_follows_its_date(runner, when):
    """The demo moves the 2022 meeting to recent dates; its title (and the work it speaks of)
    names the year the meeting is held in, not 2022."""
    load(runner, *(["--date", when] if when else []))
    meeting = Meeting.get()
    year = str(meeting.held_on.year)
    years = set(re.findall(r"\b(?:19|20)\d\d\b", meeting.title))
    assert years == {year}, meeting.title
    texts = [t.title + " " + t.content for t in Task.select()]
    texts += [r.text + " " + r.difficulties + " " + r.proposals for r in ProgressReport.select()]
    assert set(re.findall(r"\b(?:19|20)\d\d\b", " ".join(texts))) == {year}

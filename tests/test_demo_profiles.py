"""The demo profiles of the two levels since July 2025: tỉnh Hòa Sơn and phường Bình Minh."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.cli import cli
from tracker.core.org_levels import PRESETS
from tracker.core.timeliness import ORDER
from tracker.models import (
    Assignment,
    AssignmentHandler,
    ExtensionRequest,
    Meeting,
    ProgressReport,
    ReportDraft,
    Setting,
    Submission,
    Task,
    Unit,
    UnitGroup,
    UnitKind,
    User,
)
from tracker.ops import demo_profiles
from tracker.ops.demo import DemoError
from tracker.ops.demo_profiles import spec_of

PROFILES = ["province", "commune"]
# Per profile: officers of each kind (username → unit code), the head and the handler.
OFFICERS = {
    "province": {"s.noivu": "noivu", "s.vp": "vp", "x.tanlap": "tanlap", "x.honngoc": "honngoc"},
    "commune": {
        "p.kinhte": "kinhte",
        "dv.tramyte": "tramyte",
        "ca.congan": "congan",
        "qs.quansu": "quansu",
        "t.to1": "to1",
        "t.benda": "benda",
    },
}
HEADS = {"province": ("ld.khcn", "cv.khcn", "khcn"), "commune": ("ld.vhxh", "cv.vhxh", "vhxh")}
# Words a page of the level shows, and words of the district (or the other level) it must not.
OWN_WORDS = {"province": ["UBND tỉnh", "Sở "], "commune": ["UBND phường", "TDP|[Tt]ổ dân phố"]}
PLACE = {"province": "tỉnh Hòa Sơn", "commune": "phường Bình Minh"}
FOREIGN = {
    "province": re.compile(r"quận|huyện|UBND các phường|Phòng, ban|Hồng Bàng|Tổ dân phố"),
    "commune": re.compile(r"quận|huyện|UBND các phường|Phòng, ban|Hồng Bàng|Sở |đặc khu"),
}


def load(runner, *args):
    return runner.invoke(cli, ["load-demo", *args])


def text_of(response) -> str:
    """The page's visible text (tags dropped, entities of the names kept as they render)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.parametrize("profile", PROFILES)
def test_accounts_exist_log_in_and_bear_names(runner, client, auth, profile):
    result = load(runner, "--profile", profile)
    assert result.exit_code == 0, result.output
    head, handler, head_unit = HEADS[profile]
    roles = {"admin": "admin", "lanhdao": "leader", "tonghop": "secretary", "theodoi": "viewer"}
    roles |= {head: "unit_head", handler: "officer"}
    roles |= {name: "officer" for name in OFFICERS[profile]}
    for username, role in roles.items():
        user = User.get(User.username == username)
        assert user.role == role and user.check_password("demo"), username
        assert username in result.output
        assert username.isascii() and username == username.lower()
    for username, code in OFFICERS[profile].items():
        assert User.get(User.username == username).unit.code == code
    assert User.get(User.username == head).unit.code == head_unit
    assert User.get(User.username == handler).unit.code == head_unit
    # One officer for every unit, each account a different person's name.
    units = Unit.select().count()
    assert User.select().where(User.role == "officer").count() == units + 1
    names = [u.full_name for u in User.select()]
    assert len(set(names)) == len(names)
    for name in names:
        assert 2 <= len(name.split()) <= 4 and not re.search(r"UBND|Phòng|Sở|Cán bộ", name)
    for username in ["lanhdao", head, handler, *OFFICERS[profile]]:
        assert auth.login(username, "demo").status_code == 302, username
        assert client.get("/").status_code == 200
        auth.logout()


@pytest.mark.parametrize("profile", PROFILES)
def test_level_kinds_and_their_groups(runner, profile):
    assert load(runner, "--profile", profile).exit_code == 0
    assert Setting.org_level() == profile
    presets = {p.code: p for p in PRESETS[profile]}
    assert set(UnitKind.codes()) == set(presets)
    for kind in UnitKind.select():
        assert kind.label == presets[kind.code].label
        group = UnitGroup.get(UnitGroup.kind == kind)
        assert group.name == presets[kind.code].group_label
        members = {u.code for u in group.units()}
        assert members == {u.code for u in Unit.select().where(Unit.kind == kind.code)}
        assert members, kind.code
    assert not UnitGroup.select().where(UnitGroup.kind.is_null()).exists()
    if profile == "province":
        communes = UnitGroup.get(UnitGroup.name == "UBND các xã, phường, đặc khu")
        assert len(list(communes.units())) == 10
        assert {"UBND xã Tân Lập", "UBND đặc khu Hòn Ngọc"} <= {u.name for u in communes.units()}
    else:
        groups = UnitGroup.get(UnitGroup.name == "Các thôn, tổ dân phố")
        assert len(list(groups.units())) == 6


@pytest.mark.parametrize("profile", PROFILES)
def test_leader_pages_speak_the_level(runner, client, auth, profile):
    assert load(runner, "--profile", profile).exit_code == 0
    auth.login("lanhdao", "demo")
    kinds = list(UnitKind.ordered())
    last_kind = kinds[-1]
    unit = Unit.select().where(Unit.kind == last_kind.code).order_by(Unit.sort_order).first()
    meeting = Meeting.get()
    pages = {
        "/": [],
        f"/units/{unit.id}": [unit.name, last_kind.label],
        f"/meetings/{meeting.id}": [meeting.notice_number, PLACE[profile]],
        "/reports/": [],
    }
    for url, wanted in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = text_of(response)
        for word in wanted:
            assert word in page, (url, word)
        if not url.startswith("/units/"):  # a unit's page speaks of its own work only
            for pattern in OWN_WORDS[profile]:
                assert re.search(pattern, page), (url, pattern)
        assert not FOREIGN[profile].search(page), (url, FOREIGN[profile].search(page))


@pytest.mark.parametrize("profile", PROFILES)
def test_every_status_and_category_appears(runner, app_ctx, profile):
    assert load(runner, "--profile", profile).exit_code == 0
    assignments = list(Assignment.select())
    assert {a.status for a in assignments} >= {"new", "in_progress", "submitted", "done"}
    assert "returned" in {a.status for a in assignments}
    assert {a.category() for a in assignments} == set(ORDER)
    # A returned one says why; a pending extension request; a monthly ongoing task; a task
    # whose deadline is still to be set.
    returned = Submission.select().where(Submission.decision == "returned").get()
    assert returned.decision_reason
    request = ExtensionRequest.get(ExtensionRequest.status == "pending")
    assert request.requested_deadline > request.previous_deadline
    assert Task.select().where(Task.deadline_kind == "ongoing", Task.report_cadence == "monthly")
    assert Task.select().where(Task.deadline_kind == "none").count() == 1
    # Progress reports, some with difficulties and proposals.
    assert ProgressReport.select().where(ProgressReport.difficulties != "").count() >= 2
    assert ProgressReport.select().where(ProgressReport.proposals != "").exists()


@pytest.mark.parametrize("profile", PROFILES)
def test_head_gave_work_to_a_handler_whose_draft_was_approved(runner, profile):
    assert load(runner, "--profile", profile).exit_code == 0
    head, handler, code = HEADS[profile]
    unit = Unit.get(Unit.code == code)
    assert unit.requires_head_approval
    assert Unit.select().where(Unit.requires_head_approval).count() == 1
    row = AssignmentHandler.get()
    assert row.user.username == handler and row.assigned_by.username == head
    assert row.assignment.unit == unit
    drafts = list(ReportDraft.select().order_by(ReportDraft.created_at))
    assert drafts[0].status == "approved" and drafts[0].author.username == handler
    assert row.assignment.status == "in_progress"


def test_the_district_head_gave_work_to_a_handler_and_a_draft_waits(runner, client, auth):
    """district-2022, as the other profiles: Phòng Nội vụ's head gave task 2 to a handler,
    approved one draft; the next waits for him on his home page."""
    assert load(runner, "--profile", "district-2022").exit_code == 0
    unit = Unit.get(Unit.code == "noivu")
    assert unit.requires_head_approval
    assert Unit.select().where(Unit.requires_head_approval).count() == 1
    head, handler = User.get(User.username == "ld.noivu"), User.get(User.username == "cv.noivu")
    assert (head.role, head.unit_id, handler.role, handler.unit_id) == (
        "unit_head",
        unit.id,
        "officer",
        unit.id,
    )
    row = AssignmentHandler.get()
    assert (row.user_id, row.assigned_by_id) == (handler.id, head.id)
    assert row.assignment.unit == unit and row.assignment.task.number == 2
    assert row.internal_deadline == row.assignment.task.meeting.held_on + timedelta(days=12)
    drafts = [(d.status, d.author_id) for d in ReportDraft.select().order_by(ReportDraft.id)]
    assert drafts == [("approved", handler.id), ("pending", handler.id)]
    assert ProgressReport.select().where(ProgressReport.author == handler.id).count() == 1
    for username in ("ld.noivu", "cv.noivu"):
        assert auth.login(username, "demo").status_code == 302
        home = client.get("/")
        assert home.status_code == 200
        waiting = "1 báo cáo của chuyên viên xử lý chờ đồng chí duyệt" in text_of(home)
        assert waiting == (username == "ld.noivu"), username
        auth.logout()
    assert auth.login("cv.noivu", "demo").status_code == 302
    assert row.assignment.task.title in text_of(client.get("/my-work"))


def test_readme_lists_the_district_head_and_handler():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**`district-2022`**") : readme.index("**`province`**")]
    assert "`ld.noivu`" in section and "`cv.noivu`" in section
    assert "(none)" not in section


def test_the_province_meeting_is_the_fixture_notice(runner):
    assert load(runner, "--profile", "province").exit_code == 0
    meeting = Meeting.get()
    assert meeting.held_on == date(2026, 5, 1)
    assert meeting.notice_number == "412/TB-UBND" and meeting.notice_date == date(2026, 5, 3)
    assert meeting.title.startswith("Họp giao ban tháng 5/2026 về vận hành chính quyền")
    extended = ExtensionRequest.get(ExtensionRequest.status == "approved")
    assert extended.assignment.deadline == extended.requested_deadline == date(2026, 6, 17)
    assert "UBND đặc khu Hòn Ngọc phối hợp Sở Nông nghiệp và Môi trường" in meeting.conclusion
    assert "trước ngày 13/05/2026" in meeting.conclusion  # {due:12}, moved with the meeting
    assert "{" not in meeting.conclusion + "".join(t.content for t in Task.select())
    group = Task.get(Task.title.contains("bàn giao, tiếp nhận trụ sở"))
    leads = {a.unit.code for a in group.assignments if a.role == "lead"}
    assert leads == {u.code for u in Unit.select().where(Unit.kind == "commune")}


def test_the_commune_meeting_is_the_fixture_notice(runner):
    assert load(runner, "--profile", "commune").exit_code == 0
    meeting = Meeting.get()
    assert meeting.title == "Họp giao ban tháng 5/2026 của UBND phường Bình Minh"
    assert meeting.notice_number == "57/TB-UBND"
    assert "Các tổ dân phố vận động nhân dân ra quân tổng vệ sinh" in meeting.conclusion
    cleaning = Task.get(Task.title.contains("tổng vệ sinh"))
    leads = {a.unit.code for a in cleaning.assignments if a.role == "lead"}
    assert leads == {u.code for u in Unit.select().where(Unit.kind == "hamlet")}


def test_unknown_profile_is_refused_clearly(runner):
    result = load(runner, "--profile", "huyen")
    assert result.exit_code != 0
    assert "--profile" in result.output and "province" in result.output
    assert User.select().count() == 0
    with pytest.raises(DemoError, match="Unknown demo profile 'huyen'"):
        demo_profiles.load(profile="huyen")


@pytest.mark.parametrize("profile", PROFILES)
def test_if_empty_keeps_a_loaded_profile_and_names_its_accounts(runner, profile):
    assert load(runner, "--profile", profile, "--if-empty").exit_code == 0
    before = Assignment.select().count()
    result = load(runner, "--profile", profile, "--if-empty")
    assert result.exit_code == 0
    assert "demo already loaded" in result.output
    assert HEADS[profile][0] in result.output and "p.sodau" not in result.output
    assert Assignment.select().count() == before
    assert load(runner, "--profile", profile).exit_code != 0  # not into a full database


def test_default_profile_is_the_district(runner):
    assert load(runner, "--profile", "district-2022").exit_code == 0
    assert Setting.org_level() == "district"
    assert User.get(User.username == "p.sodau").unit.kind == "ward"


@pytest.mark.parametrize("profile", PROFILES)
def test_readme_lists_every_account_of_the_profile(profile):
    """The README's "Demo accounts" names each profile and each of its logins."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Demo accounts") : readme.index("## What it does")]
    spec = spec_of(profile)
    assert f"**`{profile}`**" in section
    usernames = [user for *_, user, _ in spec.units] + [spec.head[0], spec.handler[0]]
    for username in usernames:
        plain = f"`{username}`" in section
        numbered = re.fullmatch(r"t\.to\d", username) and "`t.to1` … `t.to5`" in section
        assert plain or numbered, username


def test_date_moves_a_profile_to_the_fixture_notices_day(runner):
    """--date works for every profile: the province meeting of the notice (10/10/2025) keeps
    its month in the title and its deadlines in the conclusion follow the date."""
    assert load(runner, "--profile", "province", "--date", "2025-10-10").exit_code == 0
    meeting = Meeting.get()
    assert meeting.held_on == date(2025, 10, 10) and meeting.notice_date == date(2025, 10, 12)
    assert meeting.title.startswith("Họp giao ban tháng 10/2025")
    assert "trước ngày 22/10/2025" in meeting.conclusion  # {due:12}
    assert Task.get(Task.number == 3).deadline == date(2025, 10, 22)

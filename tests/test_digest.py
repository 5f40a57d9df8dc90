"""What the reminders say: the unit digest, the leaders' summary, due-soon mails, the command.

Today is Friday 15/05/2026 (10:00 in Hà Nội): ISO week 20 runs from 11/05 to 17/05, next week
from 18/05 to 24/05.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from gettext import NullTranslations
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW
from query_support import count_queries

from tracker.cli import cli
from tracker.core.search_index import is_postgres
from tracker.models import Assignment, JobRun, MailPreference, Meeting, OutboxMessage, User
from tracker.reminders import digest, digest_items, digest_rows, due_soon, jobs, periods, summary
from tracker.reminders.common import Lines, catalog_gettext, path_for, render_mail

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "http://127.0.0.1:5000"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)


# --- periods -------------------------------------------------------------------------------


def test_week_and_day_keys_follow_the_local_zone():
    sunday_night = local(2026, 5, 17, 23, 59)
    monday = local(2026, 5, 18, 0, 0)
    # Both instants are on Sunday 17/05 in UTC, yet in different local weeks and days.
    assert sunday_night.astimezone(UTC).date() == monday.astimezone(UTC).date() == date(2026, 5, 17)
    assert periods.week_key(sunday_night, HCM) == "2026-W20"
    assert periods.week_key(monday, HCM) == "2026-W21"
    assert periods.day_key(sunday_night, HCM) == "2026-05-17"
    assert periods.day_key(monday, HCM) == "2026-05-18"
    # Monday 07:30 in Hà Nội is 00:30 UTC, still in the local week 21.
    assert local(2026, 5, 18, 7, 30).astimezone(UTC) == datetime(2026, 5, 18, 0, 30, tzinfo=UTC)
    assert periods.week_key(datetime(2026, 5, 18, 0, 30, tzinfo=UTC), HCM) == "2026-W21"


def test_iso_weeks_at_the_turn_of_the_year():
    assert periods.week_of(date(2026, 1, 1)) == "2026-W01"
    assert periods.week_of(date(2027, 1, 1)) == "2026-W53"
    assert periods.week_of(date(2024, 12, 30)) == "2025-W01"
    assert periods.week_label("2026-W05") == "5/2026"


def test_parse_instant_naive_means_the_configured_zone():
    assert periods.parse_instant("2026-05-18T07:30", HCM) == local(2026, 5, 18, 7, 30)
    with_offset = periods.parse_instant("2026-05-18T07:30+00:00", HCM)
    assert with_offset == datetime(2026, 5, 18, 7, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        periods.parse_instant("thứ hai", HCM)
    with pytest.raises(ValueError):
        periods.week_key(datetime(2026, 5, 18), HCM)


# --- the unit digest -----------------------------------------------------------------------


class Work:
    """Ward A: 2 overdue, 3 due this week, 1 next week, 1 stale; what must stay out."""

    def __init__(self, f, world) -> None:
        ward, m = world.ward_a, world.meeting
        Meeting.update(notice_number="45/TB-UBND", notice_date=date(2026, 5, 2)).where(
            Meeting.id == m.id
        ).execute()

        def give(title: str, deadline: date | None, **kw) -> Assignment:
            return f.assignment(f.task(m, title, deadline=deadline), ward, **kw)

        self.overdue = give("Chỉnh trang vỉa hè <b>khẩn</b>", date(2026, 5, 5), progress=40)
        self.overdue_today = give("Báo cáo thu ngân sách", date(2026, 5, 14), status="in_progress")
        self.due_today = give("Rà soát hồ sơ một cửa", date(2026, 5, 15))
        self.due_sunday = give("Tổng hợp ý kiến cử tri", date(2026, 5, 17), status="returned")
        self.due_saturday = give("Kiểm tra vệ sinh môi trường", date(2026, 5, 16))
        self.next_week = give("Báo cáo chuyển đổi số", date(2026, 5, 24))
        self.stale = give("Cập nhật phần mềm một cửa", date(2026, 6, 30))
        Assignment.update(created_at=NOW - timedelta(days=20)).where(
            Assignment.id == self.stale.id
        ).execute()
        self.reported = give("Tuyên truyền cải cách hành chính", date(2026, 6, 30))
        Assignment.update(
            created_at=NOW - timedelta(days=40), last_report_at=NOW - timedelta(days=3)
        ).where(Assignment.id == self.reported.id).execute()
        # Out of every section: waiting for the leader, paused, finished, cancelled.
        self.submitted = give("Đã báo cáo hoàn thành", date(2026, 5, 1), status="submitted")
        self.paused = give("Tạm dừng", date(2026, 5, 1), status="paused")
        self.done = give("Đã xong", date(2026, 5, 1), status="done", completed_on=date(2026, 5, 1))
        self.cancelled = give("Đã hủy", date(2026, 5, 12), status="cancelled")


@pytest.fixture
def work(factory, world) -> Work:
    return Work(factory, world)


def _ward_a_mail(world, at=NOW):
    mails = [m for m in digest.build(at) if m.unit.id == world.ward_a.id]
    assert len(mails) == 1
    return mails[0]


def test_digest_sections_and_subject(app_ctx, world, work):
    mail = _ward_a_mail(world)
    assert mail.key == f"weekly_digest:unit:{world.ward_a.id}:2026-W20"
    # The returned one (due on Sunday) is listed once, with the returned work.
    assert mail.counts == {
        "returned": 1,
        "overdue": 2,
        "this_week": 2,
        "next_week": 1,
        "report_due": 0,
        "stale": 1,
    }
    assert mail.subject == (
        "[Giao việc] Tổng hợp nhiệm vụ tuần 20/2026 – UBND phường Sở Dầu: 1 bị trả lại, "
        "2 quá hạn, 2 đến hạn trong tuần, 1 đến hạn tuần sau, 1 chưa cập nhật"
    )
    text = mail.body_text
    sections = re.split(r"\n(?=NHIỆM VỤ )", text)
    titles = [s.splitlines()[0] for s in sections[1:]]
    assert titles == [
        "NHIỆM VỤ BỊ TRẢ LẠI, CẦN THỰC HIỆN LẠI (1)",
        "NHIỆM VỤ QUÁ HẠN (2)",
        "NHIỆM VỤ ĐẾN HẠN TRONG TUẦN NÀY (2)",
        "NHIỆM VỤ ĐẾN HẠN TRONG TUẦN SAU (1)",
        "NHIỆM VỤ CHƯA CẬP NHẬT TIẾN ĐỘ TỪ 14 NGÀY TRỞ LÊN (1)",
    ]
    assert "Tổng hợp ý kiến cử tri" in sections[1] and "Thực hiện lại" in sections[1]
    overdue = sections[2]
    # Most overdue first, each with its meeting, deadline, days overdue, progress and link.
    assert overdue.index("Chỉnh trang vỉa hè") < overdue.index("Báo cáo thu ngân sách")
    assert "Họp Ban Chỉ đạo CCHC (Thông báo số 45/TB-UBND ngày 02/05/2026)" in overdue
    assert "Hạn: 05/05/2026 – Quá hạn 10 ngày" in overdue
    assert "Tiến độ: 40% – Chưa thực hiện" in overdue
    assert f"{BASE}/assignments/{work.overdue.id}" in overdue
    assert "Đến hạn hôm nay" in sections[3] and "Còn 1 ngày" in sections[3]
    assert "Cập nhật phần mềm một cửa" in sections[5]
    for absent in ("Tuyên truyền cải cách", "Đã báo cáo", "Tạm dừng", "Đã xong", "Đã hủy"):
        assert absent not in text
    assert "Chỉnh trang vỉa hè <b>khẩn</b>" in text  # plain text is not escaped


def test_digest_html_is_escaped_and_self_contained(app_ctx, world, work):
    html = _ward_a_mail(world).body_html
    assert "Chỉnh trang vỉa hè &lt;b&gt;khẩn&lt;/b&gt;" in html and "<b>khẩn" not in html
    assert f'href="{BASE}/assignments/{work.due_sunday.id}"' in html
    assert 'style="' in html
    for external in ("<link", "<script", "<img", "<style", "src="):
        assert external not in html
    assert "Tổng hợp nhiệm vụ tuần 20/2026" in html


def test_long_sections_are_cut_with_a_link_to_the_rest(app_ctx, world, work, monkeypatch):
    monkeypatch.setattr(digest_items, "SECTION_LIMIT", 1)
    mail = _ward_a_mail(world)
    assert mail.counts["overdue"] == 2 and "2 quá hạn" in mail.subject
    link = f"{BASE}/units/{world.ward_a.id}?category=overdue"
    assert f"Và 1 nhiệm vụ khác. Xem đầy đủ trên trang của đơn vị: {link}" in mail.body_text
    assert "Chỉnh trang vỉa hè" in mail.body_text
    assert "Báo cáo thu ngân sách" not in mail.body_text
    assert f'href="{link}"' in mail.body_html and "Và 1 nhiệm vụ khác." in mail.body_html
    assert (
        f"Và 1 nhiệm vụ khác. Xem đầy đủ trên trang của đơn vị: {BASE}/units/{world.ward_a.id}\n"
        in mail.body_text
    )


def test_a_section_loads_only_the_items_it_lists(app_ctx, world, work, monkeypatch):
    # A province's unit may have thousands of overdue items: the database counts them and
    # returns the first SECTION_LIMIT (the most urgent), not every row.
    monkeypatch.setattr(digest_items, "SECTION_LIMIT", 1)
    (found,) = [d for d in digest.digests(NOW) if d.unit.id == world.ward_a.id]
    assert [i.title for i in found.sections["overdue"]] == ["Chỉnh trang vỉa hè <b>khẩn</b>"]
    assert found.counts["overdue"] == 2
    assert len(found.sections["this_week"]) == 1 and found.counts["this_week"] == 2


def test_no_digest_for_units_with_nothing_to_say(app_ctx, factory, world, work):
    quiet = factory.unit("UBND phường Minh Khai", code="minhkhai")
    # Work far ahead and recently started says nothing this week.
    factory.assignment(factory.task(world.meeting, "Việc xa", deadline=date(2026, 9, 1)), quiet)
    closed = factory.unit("UBND phường Cũ", code="cu", active=False)
    factory.assignment(factory.task(world.meeting, "Việc cũ", deadline=date(2026, 5, 1)), closed)
    units = {m.unit.code for m in digest.build(NOW)}
    # Ward B's only task is due 30/05 (in two weeks); the department's is overdue.
    assert units == {"sodau", "noivu"}


def test_stale_counts_from_the_last_report_or_the_assignment(app_ctx, world, work):
    at = NOW + timedelta(days=2)  # Sunday: the reported one is 5 days old, still fresh
    assert "Tuyên truyền cải cách" not in _ward_a_mail(world, at).body_text
    later = NOW + timedelta(days=12)  # 15 days after the last report
    assert "Tuyên truyền cải cách" in _ward_a_mail(world, later).body_text


def test_recipients_are_officers_and_unit_address_minus_opt_outs(app_ctx, factory, world, work):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    second = factory.user("p.sodau2", "officer", world.ward_a, full_name="Trần Thị Bình")
    factory.user("p.sodau3", "officer", world.ward_a, email="x@hongbang.example", active=False)
    mail = _ward_a_mail(world)
    assert mail.recipients == ["p.sodau@hongbang.example", "ubnd.sodau@hongbang.example"]
    assert mail.missing == ["Trần Thị Bình"]
    MailPreference.create(user=world.officer_a, kind="weekly_digest", enabled=False)
    MailPreference.create(user=second, kind="weekly_digest", enabled=False)
    mail = _ward_a_mail(world)
    assert mail.recipients == ["ubnd.sodau@hongbang.example"] and mail.missing == []


def test_building_all_digests_takes_a_fixed_number_of_queries(app_ctx, factory, world, work):
    few = count_queries(lambda: digest.build(NOW))
    for i in range(15):
        unit = factory.unit(f"UBND phường Mới {i}", code=f"moi{i}", email=f"moi{i}@x.example")
        factory.user(f"p.moi{i}", "officer", unit, email=f"p.moi{i}@x.example")
        for n in range(3):
            task = factory.task(world.meeting, f"Việc {i}.{n}", deadline=date(2026, 5, 10 + n))
            factory.assignment(task, unit)
    assert len(digest.build(NOW)) == 2 + 15
    # The items, their units (read once each, not with every item), returns, officers,
    # opt-outs, and the order of the unit kinds (data since migration 0020); on PostgreSQL
    # also the SET LOCAL that runs the items' query without JIT compilation.
    assert count_queries(lambda: digest.build(NOW)) == few <= 6 + is_postgres()


def test_weekly_run_queues_one_per_unit_once(app_ctx, world, work):
    outcome = jobs.run_job("weekly_digest", NOW)
    assert outcome.ran and outcome.period == "2026-W20" and outcome.queued == 2
    keys = {m.key for m in OutboxMessage.select()}
    assert keys == {
        f"weekly_digest:unit:{world.ward_a.id}:2026-W20",
        f"weekly_digest:unit:{world.dept.id}:2026-W20",
    }
    run = JobRun.get(JobRun.job == "weekly_digest")
    assert (run.period, run.queued) == ("2026-W20", 2) and run.finished_at is not None
    # A second run in the same week does nothing, even an hour later.
    again = jobs.run_job("weekly_digest", NOW + timedelta(hours=1))
    assert not again.ran and OutboxMessage.select().count() == 2
    # Next week is a new period.
    assert jobs.run_job("weekly_digest", NOW + timedelta(days=3)).ran


def test_no_address_is_queued_as_dead_with_the_reason(app_ctx, world, work):
    jobs.run_job("weekly_digest", NOW)
    message = OutboxMessage.get(OutboxMessage.unit == world.ward_a.id)
    assert message.status == "dead" and message.missing_recipients == "P.Sodau"


# --- the leaders' summary ------------------------------------------------------------------


def test_leader_summary_goes_to_leaders_and_secretaries(app_ctx, factory, world, work):
    User.update(email="lanhdao@hongbang.example").where(User.id == world.leader.id).execute()
    factory.user("lanhdao2", "leader", active=False, email="old@hongbang.example")
    mails = summary.build(NOW)
    assert [m.user.username for m in mails] == ["lanhdao", "tonghop"]
    leader, secretary = mails
    assert leader.key == f"leader_summary:user:{world.leader.id}:2026-W20"
    assert leader.recipients == ["lanhdao@hongbang.example"]
    assert secretary.recipients == [] and secretary.missing == ["Tonghop"]
    assert leader.subject == (
        "[Giao việc] Báo cáo tổng hợp tình hình thực hiện nhiệm vụ tuần 20/2026: "
        "14 nhiệm vụ, 5 quá hạn"
    )
    text = leader.body_text
    assert "Kính gửi đồng chí Lanhdao," in text
    # One aligned line per unit: the categories that occur, the total and the on-time rate.
    assert "UBND phường Sở Dầu             4        3    4           1    12      8,3%" in text
    assert "Phòng Nội vụ                   0        0    1           0     1      0,0%" in text
    assert "Tổng cộng                      5        3    5           1    14      7,1%" in text
    assert "NHIỆM VỤ QUÁ HẠN (5)" in text and "Đơn vị: Phòng Nội vụ" in text
    assert "Chỉnh trang vỉa hè &lt;b&gt;" in leader.body_html


def test_leader_summary_respects_opt_out_and_needs_work(app_ctx, factory, world):
    MailPreference.create(user=world.secretary, kind="leader_summary", enabled=False)
    assert [m.user.username for m in summary.build(NOW)] == ["lanhdao"]
    Assignment.delete().execute()
    assert summary.build(NOW) == []


def test_leader_summary_lists_at_most_the_limit(app_ctx, factory, world, monkeypatch):
    monkeypatch.setattr(summary, "OVERDUE_LIMIT", 2)
    for i in range(3):
        factory.assignment(factory.task(world.meeting, f"Trễ {i}", date(2026, 5, 1)), world.ward_b)
    text = summary.build(NOW)[0].body_text
    assert "NHIỆM VỤ QUÁ HẠN (4)" in text and "Và 2 nhiệm vụ quá hạn khác." in text
    assert f"{BASE}/dashboard/assignments?category=overdue" in text


def test_mail_links_are_built_from_the_routes_under_the_base_url(app, app_ctx, world, work):
    app.config["BASE_URL"] = "https://giaoviec.example/hongbang/"
    base = "https://giaoviec.example/hongbang"
    leader = summary.build(NOW)[0]
    unit_mail = _ward_a_mail(world)
    for text in (leader.body_text, leader.body_html, unit_mail.body_text, unit_mail.body_html):
        assert f"{base}/profile" in text and f"{base}/assignments/{work.overdue.id}" in text
    assert f"Xem tình hình và xử lý: {base}/\n" in leader.body_text
    assert f'href="{base}/units/{world.ward_a.id}"' in leader.body_html
    assert "hongbang//" not in leader.body_html + unit_mail.body_html


# --- due soon ------------------------------------------------------------------------------


def test_due_soon_lists_exactly_the_configured_days(app, app_ctx, factory, world):
    def give(title: str, deadline: date, unit) -> Assignment:
        return factory.assignment(factory.task(world.meeting, title, deadline), unit)

    in3 = give("Còn ba ngày", date(2026, 5, 18), world.ward_a)
    give("Còn hai ngày", date(2026, 5, 17), world.ward_a)
    give("Phường B còn hai ngày", date(2026, 5, 17), world.ward_b)
    in1 = give("Còn một ngày", date(2026, 5, 16), world.ward_a)
    give("Hôm nay", date(2026, 5, 15), world.ward_a)
    factory.assignment(
        factory.task(world.meeting, "Đã báo cáo xong", date(2026, 5, 15)),
        world.ward_b,
        status="submitted",
    )
    mails = due_soon.build(NOW)
    assert [m.unit.code for m in mails] == ["sodau"]
    mail = mails[0]
    assert mail.key == f"due_soon:unit:{world.ward_a.id}:2026-05-15"
    assert mail.counts == {"3d": 1, "1d": 1, "0d": 1}
    assert mail.subject == (
        "[Giao việc] Nhắc việc sắp đến hạn ngày 15/05/2026 – UBND phường Sở Dầu: "
        "1 nhiệm vụ còn 3 ngày, 1 nhiệm vụ còn 1 ngày, 1 nhiệm vụ đến hạn hôm nay"
    )
    text = mail.body_text
    assert text.index("CÒN 3 NGÀY ĐẾN HẠN") < text.index("Còn ba ngày")
    assert text.index("Còn một ngày") < text.index("ĐẾN HẠN HÔM NAY") < text.index("Hôm nay")
    assert f"{BASE}/assignments/{in3.id}" in text and f"{BASE}/assignments/{in1.id}" in text
    assert "Còn hai ngày" not in text
    app.config["DUE_SOON_DAYS_BEFORE"] = (2,)
    assert [(m.unit.code, m.counts) for m in due_soon.build(NOW)] == [
        ("hoangvanthu", {"2d": 1}),
        ("sodau", {"2d": 1}),
    ]


def test_due_soon_none_when_nothing_is_due(app_ctx, world):
    assert due_soon.build(NOW) == []
    outcome = jobs.run_job("due_soon", NOW)
    assert outcome.ran and outcome.queued == 0 and OutboxMessage.select().count() == 0


# --- the command ---------------------------------------------------------------------------


def invoke(runner, *args):
    return runner.invoke(cli, list(args))


def test_dry_run_prints_and_writes_nothing(runner, world, work):
    result = invoke(runner, "send-reminders", "--kind", "weekly", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run of weekly_digest 2026-W20" in result.output
    assert "- UBND phường Sở Dầu" in result.output
    assert "without an address: P.Sodau" in result.output
    assert (
        "subject: [Giao việc] Tổng hợp nhiệm vụ tuần 20/2026 – UBND phường Sở Dầu" in result.output
    )
    assert "items: returned 1, overdue 2, this_week 2, next_week 1, stale 1" in result.output
    assert "Nothing was queued" in result.output
    assert OutboxMessage.select().count() == 0 and JobRun.select().count() == 0


@pytest.mark.parametrize("kind", ["summary", "due-soon", "pending"])
def test_dry_run_of_other_kinds_writes_nothing(runner, world, work, kind):
    result = invoke(runner, "send-reminders", "--kind", kind, "--dry-run")
    assert result.exit_code == 0, result.output
    assert OutboxMessage.select().count() == 0 and JobRun.select().count() == 0


def test_send_reminders_runs_once_per_period(runner, world, work):
    result = invoke(runner, "send-reminders", "--kind", "weekly")
    assert result.exit_code == 0, result.output
    assert "weekly_digest 2026-W20: 2 message(s) queued" in result.output
    result = invoke(runner, "send-reminders", "--kind", "weekly")
    assert "has already run: nothing queued" in result.output
    assert OutboxMessage.select().count() == 2 and JobRun.select().count() == 1


def test_send_reminders_at_another_moment(runner, world, work):
    # Sunday 17/05 23:59 local is still week 20; Monday 00:00 local is week 21.
    result = invoke(runner, "send-reminders", "--kind", "weekly", "--at", "2026-05-17T23:59")
    assert "weekly_digest 2026-W20" in result.output
    result = invoke(runner, "send-reminders", "--kind", "weekly", "--at", "2026-05-17T17:00+00:00")
    assert "weekly_digest 2026-W21" in result.output
    assert {r.period for r in JobRun.select()} == {"2026-W20", "2026-W21"}
    result = invoke(
        runner, "send-reminders", "--kind", "due-soon", "--at", "2026-05-18", "--dry-run"
    )
    assert "due_soon 2026-05-18" in result.output


def test_send_reminders_refuses_bad_input(runner, world):
    result = invoke(runner, "send-reminders", "--kind", "weekly", "--at", "thứ hai")
    assert result.exit_code != 0 and "not an ISO date-time" in result.output
    result = invoke(runner, "send-reminders", "--kind", "monthly")
    assert result.exit_code != 0
    assert OutboxMessage.select().count() == 0 and JobRun.select().count() == 0


def test_queueing_the_digests_of_many_units_takes_a_few_statements(app_ctx, factory, world, work):
    for i in range(30):
        unit = factory.unit(f"UBND xã Mới {i}", code=f"xa{i}", email=f"xa{i}@x.example")
        task = factory.task(world.meeting, f"Việc {i}", deadline=date(2026, 5, 12))
        factory.assignment(task, unit)
    assert len(digest.build(NOW)) == 2 + 30
    # The digests' few queries, the claim, one INSERT of all messages, the run's update: the
    # count does not grow with the units (it did: one INSERT per message).
    statements = count_queries(lambda: jobs.run_job("weekly_digest", NOW))
    assert OutboxMessage.select().count() == 32
    assert JobRun.get(JobRun.job == "weekly_digest").queued == 32
    assert statements <= 12
    # Run again for the same week: nothing more (the period is claimed).
    assert not jobs.run_job("weekly_digest", NOW).ran


# --- every unit's sections against a row-by-row reading -------------------------------------

# Deadlines on and around the week's edges (today Friday 15/05, Sunday 17/05, next Sunday
# 24/05) and none: most items share their deadline with others, so ties meet the cut.
DEADLINES = [
    None,
    date(2026, 5, 1),
    date(2026, 5, 14),
    date(2026, 5, 15),
    date(2026, 5, 16),
    date(2026, 5, 17),
    date(2026, 5, 18),
    date(2026, 5, 24),
    date(2026, 5, 25),
    date(2026, 6, 30),
]
STALE_BEFORE = NOW - timedelta(days=14)


def _random_open_work(rng, factory, world) -> None:
    closed = factory.unit("UBND phường Cũ", code="cu", active=False)
    units = [world.ward_a, world.ward_b, world.dept, closed]
    statuses = ["new", "new", "in_progress", "in_progress", "returned"]
    statuses += ["submitted", "paused", "done", "cancelled"]
    for n in range(300):
        kind = rng.choice(["date", "date", "date", "ongoing", "none"])
        deadline = rng.choice(DEADLINES) if kind == "date" or rng.random() < 0.1 else None
        cadence = rng.choice(["", "weekly", "monthly"]) if kind == "ongoing" else ""
        task = factory.task(
            world.meeting, f"Việc {n % 7}", deadline=deadline, deadline_kind=kind,
            report_cadence=cadence,
        )  # fmt: skip
        # Instants on and around the staleness edge (14 days before NOW), or recent.
        created = STALE_BEFORE + timedelta(seconds=rng.choice([-1, 0, 1, 86400 * 5]))
        reported = rng.choice([None, None, created, STALE_BEFORE, NOW - timedelta(days=1)])
        a = factory.assignment(
            task, rng.choice(units), status=rng.choice(statuses), deadline=deadline
        )
        Assignment.update(created_at=created, last_report_at=reported).where(
            Assignment.id == a.id
        ).execute()


@pytest.mark.parametrize("seed", [1, 2])
def test_every_section_equals_a_row_by_row_reading(app_ctx, factory, world, monkeypatch, seed):
    """Each active unit's sections hold the first SECTION_LIMIT of their items by deadline
    (none last), the older assignment first on a tie, plus all its ongoing work with a
    cadence, and count every item: the ranking in SQL (a window on SQLite, per-unit LATERAL
    subqueries over the indexes on PostgreSQL) against a plain reading of the rules."""
    import random

    monkeypatch.setattr(digest_items, "SECTION_LIMIT", 3)
    rng = random.Random(seed)
    _random_open_work(rng, factory, world)
    window = digest.Window.at_instant(NOW)
    expected: dict[int, dict[str, list[Assignment]]] = {}
    for a in Assignment.select():  # the world's own work too
        if a.status not in ("new", "in_progress", "returned") or not a.unit.active:
            continue
        if a.status == "returned":
            name = "returned"
        elif a.deadline_kind == "ongoing" and a.task.report_cadence:
            name = "report_due"  # no report in the current period: all are due
        else:
            name = window.section(a)
        if name is not None:
            expected.setdefault(a.unit_id, {}).setdefault(name, []).append(a)
    got = {d.unit.id: d for d in digest.digests(NOW)}
    assert set(got) == set(expected)
    for unit_id, sections in expected.items():
        found = got[unit_id]
        assert found.counts == {name: len(sections.get(name, [])) for name in digest.SECTIONS}
        for name, items in sections.items():
            if name != "report_due":  # listed whole, as before
                items = sorted(items, key=lambda a: (a.deadline is None, a.deadline, a.id))[:3]
            listed = [i.id for i in found.sections[name]]
            assert sorted(listed) == sorted(a.id for a in items), (unit_id, name)


# --- what a run costs ----------------------------------------------------------------------


class CountingCatalog(NullTranslations):
    """A catalog (no translation) that notes every message it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def gettext(self, message: str) -> str:
        self.asked.append(message)
        return message


def test_a_mail_asks_its_catalog_for_each_label_once(app_ctx, world, work):
    """A run renders tens of thousands of items: a label is translated once per catalog,
    however many items and mails say it."""
    found = digest.digests(NOW, world.ward_a.id)[0]
    catalog = CountingCatalog()
    gettext = catalog_gettext(catalog)
    assert catalog_gettext(catalog) is gettext
    first = render_mail("weekly_digest", digest=found, subject="", gettext=gettext)
    assert sum(len(items) for items in found.sections.values()) > 5
    assert len(catalog.asked) == len(set(catalog.asked))
    assert "Tiến độ" in catalog.asked and "Báo cáo gần nhất" in catalog.asked
    asked = len(catalog.asked)
    again = render_mail("weekly_digest", digest=found, subject="", gettext=gettext)
    assert again == first and len(catalog.asked) == asked


@pytest.mark.parametrize(
    "stored",
    [
        "2026-05-15 03:00:00",
        "2026-05-15 03:00:00.123456",
        "2026-05-15 03:00:00.5",
        "2026-05-15",
        datetime(2026, 5, 15, 3, 0),
        None,
    ],
)
def test_digest_rows_read_instants_as_their_field_does(stored):
    expected = Assignment.created_at.python_value(stored)
    found = digest_rows.instant(stored)
    assert found == expected
    assert getattr(found, "tzinfo", None) == getattr(expected, "tzinfo", None)


def test_item_addresses_are_those_the_route_builds(app_ctx):
    lines = Lines(NOW)
    for assignment_id in (1, 42, 918273645, 9182736450):
        path = path_for("assignments.view", assignment_id=assignment_id)
        assert lines.url(assignment_id) == f"{BASE}{path}"

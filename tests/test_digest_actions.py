"""The unit's weekly digest names what the unit must act on: work the leader returned (with the
leader's reason) and, for ongoing tasks, the day the current period's report is due.

Today is Friday 15/05/2026 (week 20, 11/05–17/05). Mails are delivered to a real SMTP server and
read back with Python's mail parser, text part and HTML part.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta

import pytest
from conftest import NOW
from flask import current_app
from smtp_support import SmtpServer

from tracker.mail.sender import send_pending
from tracker.models import Assignment, ProgressReport, Submission
from tracker.reminders import digest

BASE = "http://127.0.0.1:5000"


@pytest.fixture
def smtp(app_ctx):
    with SmtpServer() as server:
        app_ctx.config["SMTP_URL"] = server.url()
        yield server


def _ward_a(world) -> tuple[str, str, str]:
    """Ward A's digest as its mail client reads it: subject, text part, HTML part."""
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    (mail,) = [m for m in digest.build(NOW) if m.unit.id == world.ward_a.id]
    mail.queue()
    send_pending(current_app._get_current_object())
    (received,) = [r for r in SMTP.server.received if "ubnd.sodau@hongbang.example" in r.rcpt_tos]
    parsed = email.message_from_bytes(received.data, policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return parsed["Subject"], text, html


class SMTP:
    server: SmtpServer


@pytest.fixture(autouse=True)
def _server(smtp):
    SMTP.server = smtp


def test_returned_work_is_listed_with_the_leaders_reason(app_ctx, factory, world):
    # Far from its deadline and reported on recently: only the return makes it worth a mail.
    task = factory.task(world.meeting, "Lập hồ sơ chỉnh trang vỉa hè", deadline=date(2026, 7, 31))
    returned = factory.assignment(
        task, world.ward_a, status="returned", progress=80, last_report_at=NOW - timedelta(days=1)
    )
    Submission.create(
        assignment=returned,
        author=world.officer_a,
        summary="Đã hoàn thành",
        created_at=NOW - timedelta(days=3),
        decision="returned",
        decided_by=world.leader,
        decided_at=NOW - timedelta(days=1),
        decision_reason="Thiếu biên bản nghiệm thu <của phường>",
    )
    Assignment.update(status="done").where(Assignment.id == world.assignment_a.id).execute()
    subject, text, html = _ward_a(world)
    print(text)
    assert subject == (
        "[Giao việc] Tổng hợp nhiệm vụ tuần 20/2026 – UBND phường Sở Dầu: 1 bị trả lại"
    )
    assert "NHIỆM VỤ BỊ TRẢ LẠI, CẦN THỰC HIỆN LẠI (1)" in text
    section = text.split("NHIỆM VỤ BỊ TRẢ LẠI, CẦN THỰC HIỆN LẠI (1)")[1]
    assert "Lập hồ sơ chỉnh trang vỉa hè" in section
    assert "Trả lại ngày 14/05/2026: Thiếu biên bản nghiệm thu <của phường>" in section
    assert f"{BASE}/assignments/{returned.id}" in section
    assert "Thiếu biên bản nghiệm thu &lt;của phường&gt;" in html
    assert "Trả lại ngày 14/05/2026" in html


def test_returned_work_comes_first_and_once(app_ctx, factory, world):
    task = factory.task(world.meeting, "Báo cáo thu ngân sách", deadline=date(2026, 5, 12))
    returned = factory.assignment(task, world.ward_a, status="returned")
    Submission.create(
        assignment=returned,
        summary="Xong",
        created_at=NOW - timedelta(days=4),
        decision="returned",
        decided_at=NOW - timedelta(days=2),
        decision_reason="Số liệu chưa khớp",
    )
    subject, text, _html = _ward_a(world)
    assert "1 bị trả lại" in subject and "quá hạn" not in subject
    assert text.count("Báo cáo thu ngân sách") == 1
    assert "Hạn: 12/05/2026 – Quá hạn 3 ngày" in text
    assert "Trả lại ngày 13/05/2026: Số liệu chưa khớp" in text


@pytest.mark.parametrize(
    ("cadence", "due"),
    [("weekly", "17/05/2026"), ("monthly", "31/05/2026"), ("quarterly", "30/06/2026")],
)
def test_ongoing_work_shows_when_its_report_is_due(app_ctx, factory, world, cadence, due):
    task = factory.task(
        world.meeting,
        "Tuyên truyền cải cách hành chính",
        deadline_kind="ongoing",
        report_cadence=cadence,
    )
    ongoing = factory.assignment(task, world.ward_a, deadline_kind="ongoing")
    Assignment.update(created_at=NOW - timedelta(days=100)).where(
        Assignment.id == ongoing.id
    ).execute()
    subject, text, html = _ward_a(world)
    print(text)
    assert "1 đến kỳ báo cáo" in subject
    section = text.split("NHIỆM VỤ THƯỜNG XUYÊN ĐẾN KỲ BÁO CÁO (1)")[1]
    assert "Hạn: Chưa xác định" not in text and "Chưa xác định" not in html
    assert f"Hạn báo cáo kỳ này: {due}" in section
    assert f"Hạn báo cáo kỳ này: {due}" in html or f"{due}" in html


def test_ongoing_work_reported_this_period_shows_the_next_due_day(app_ctx, factory, world):
    """Ongoing work without a cadence, stale: it says it is ongoing, never "Chưa xác định";
    with a cadence and reported this period but long ago, the next period's day."""
    task = factory.task(
        world.meeting,
        "Kiểm tra vệ sinh môi trường",
        deadline_kind="ongoing",
        report_cadence="quarterly",
    )
    ongoing = factory.assignment(task, world.ward_a, deadline_kind="ongoing")
    # Reported on 01/04 (this quarter), 44 days ago: not due, but not updated for long.
    reported = NOW - timedelta(days=44)
    ProgressReport.create(
        assignment=ongoing,
        author=world.officer_a,
        text="Đã kiểm tra",
        progress=10,
        created_at=reported,
    )
    Assignment.update(created_at=NOW - timedelta(days=200), last_report_at=reported).where(
        Assignment.id == ongoing.id
    ).execute()
    loose = factory.task(world.meeting, "Theo dõi dư luận", deadline_kind="ongoing")
    plain = factory.assignment(loose, world.ward_a, deadline_kind="ongoing")
    Assignment.update(created_at=NOW - timedelta(days=30)).where(
        Assignment.id == plain.id
    ).execute()
    _subject, text, html = _ward_a(world)
    print(text)
    assert "Chưa xác định" not in text and "Chưa xác định" not in html
    assert "Hạn báo cáo kỳ tới: 30/09/2026" in text
    assert "Hạn: Thường xuyên" in text

"""What waits for the leader: the daily mail of submissions awaiting confirmation and extension
requests awaiting a decision, and the weekly summary's counts, call to action and plain text.

Mails are delivered to a real SMTP server and read back with Python's mail parser (the default
policy), as a mail client reads them: the text part and the HTML part.
"""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW
from smtp_support import SmtpServer

from tracker.mail.sender import send_pending
from tracker.models import (
    MAIL_KINDS,
    Assignment,
    ExtensionRequest,
    MailPreference,
    OutboxMessage,
    Submission,
    User,
)
from tracker.ops import scheduler
from tracker.reminders import jobs, summary, text_table

BASE = "http://127.0.0.1:5000"


@pytest.fixture
def smtp(app_ctx):
    with SmtpServer() as server:
        app_ctx.config["SMTP_URL"] = server.url()
        yield server


def _delivered(app, smtp: SmtpServer) -> list[email.message.EmailMessage]:
    send_pending(app)
    assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0
    return [email.message_from_bytes(r.data, policy=email.policy.default) for r in smtp.received]


def _parts(message: email.message.EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


class Waiting:
    """Two reports of completion awaiting confirmation and one extension request."""

    def __init__(self, f, world) -> None:
        User.update(email="lanhdao@hongbang.example").where(User.id == world.leader.id).execute()
        m = world.meeting
        self.old = f.assignment(
            f.task(m, "Rà soát thủ tục hành chính <khẩn>", deadline=date(2026, 5, 20)),
            world.ward_a,
            status="submitted",
            progress=100,
            submitted_at=NOW - timedelta(days=3),
        )
        Submission.create(
            assignment=self.old,
            author=world.officer_a,
            summary="Đã rà soát 45 thủ tục",
            created_at=NOW - timedelta(days=3),
        )
        self.new = f.assignment(
            f.task(m, "Báo cáo chuyển đổi số", deadline=date(2026, 5, 30)),
            world.dept,
            status="submitted",
            progress=100,
            submitted_at=NOW - timedelta(hours=2),
        )
        Submission.create(
            assignment=self.new,
            author=world.officer_dept,
            summary="Đã gửi báo cáo",
            created_at=NOW - timedelta(hours=2),
        )
        self.request = ExtensionRequest.create(
            assignment=world.assignment_b,
            requested_by=world.officer_b,
            previous_deadline=date(2026, 5, 30),
            requested_deadline=date(2026, 6, 30),
            reason="Chờ ý kiến của Sở Nội vụ",
            created_at=NOW - timedelta(days=1),
        )


@pytest.fixture
def waiting(factory, world) -> Waiting:
    return Waiting(factory, world)


def test_the_daily_mail_tells_the_leader_what_waits(app, smtp, world, waiting):
    outcome = jobs.run_job("leader_pending", NOW)
    assert outcome.ran and outcome.period == "2026-05-15" and outcome.queued == 1
    message = OutboxMessage.get(OutboxMessage.kind == "leader_pending")
    assert message.key == f"leader_pending:user:{world.leader.id}:2026-05-15"
    (parsed,) = _delivered(app, smtp)
    assert parsed["To"] == "lanhdao@hongbang.example"
    assert parsed["Subject"] == (
        "[Giao việc] Việc chờ đồng chí xử lý ngày 15/05/2026: "
        "2 báo cáo hoàn thành chờ xác nhận, 1 đề nghị gia hạn chờ cho ý kiến"
    )
    text, html = _parts(parsed)
    print(text)
    assert "Kính gửi đồng chí Lanhdao," in text
    assert "BÁO CÁO HOÀN THÀNH CHỜ XÁC NHẬN (2)" in text
    assert "ĐỀ NGHỊ GIA HẠN CHỜ CHO Ý KIẾN (1)" in text
    # Oldest first, each with its unit, when it came and where to decide.
    assert text.index("Rà soát thủ tục hành chính <khẩn>") < text.index("Báo cáo chuyển đổi số")
    assert "Đơn vị: UBND phường Sở Dầu" in text and "chờ 3 ngày" in text
    assert "Kết quả: Đã rà soát 45 thủ tục" in text
    assert "Hạn hiện tại: 30/05/2026 → đề nghị: 30/06/2026" in text
    assert "Lý do: Chờ ý kiến của Sở Nội vụ" in text
    assert f"{BASE}/queues/submitted" in text and f"{BASE}/queues/extensions" in text
    assert f"{BASE}/assignments/{waiting.old.id}" in text
    assert "Xem và cập nhật" not in text
    assert "Rà soát thủ tục hành chính &lt;khẩn&gt;" in html and "<khẩn>" not in html
    assert f'href="{BASE}/queues/submitted"' in html
    assert "Chờ ý kiến của Sở Nội vụ" in html
    # Once a day: a second run the same day queues nothing more.
    assert not jobs.run_job("leader_pending", NOW + timedelta(hours=5)).ran


def test_no_daily_mail_when_nothing_waits(app_ctx, world):
    User.update(email="lanhdao@hongbang.example").where(User.id == world.leader.id).execute()
    outcome = jobs.run_job("leader_pending", NOW)
    assert outcome.ran and outcome.queued == 0
    assert OutboxMessage.select().count() == 0


def test_only_requests_on_open_work_count(app_ctx, world, waiting):
    Assignment.update(status="cancelled").where(Assignment.id == world.assignment_b.id).execute()
    (mail,) = jobs.build("leader_pending", NOW)
    assert mail.counts == {"submitted": 2, "extensions": 0}
    assert "gia hạn" not in mail.subject


def test_the_daily_mail_respects_the_profile_choice(client, auth, world, waiting):
    auth.login("lanhdao")
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="leader_pending" checked' in page
    assert MAIL_KINDS["leader_pending"] in page
    kept = [k for k in MAIL_KINDS if k != "leader_pending"]
    response = client.post("/profile", data={"kinds": kept})
    assert response.status_code == 302
    assert MailPreference.get(user=world.leader, kind="leader_pending").enabled is False
    with client.application.app_context():
        assert jobs.build("leader_pending", NOW) == []
    auth.logout()
    auth.login("p.sodau")
    assert 'value="leader_pending"' not in client.get("/profile").get_data(as_text=True)


def test_the_daily_job_is_scheduled(app):
    app.config["LEADER_PENDING_AT"] = (7, 15)
    trigger = scheduler.triggers(app)["leader_pending"]
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    now = datetime(2026, 5, 15, 8, 0, tzinfo=hcm)
    assert trigger.get_next_fire_time(None, now) == datetime(2026, 5, 16, 7, 15, tzinfo=hcm)
    assert jobs.CLI_KINDS["pending"] == "leader_pending"


# --- the weekly summary ------------------------------------------------------------------------


def test_the_weekly_summary_states_what_waits_and_reads_as_a_table(app, smtp, world, waiting):
    mails = [m for m in summary.build(NOW) if m.user.id == world.leader.id]
    (mail,) = mails
    mail.queue()
    (parsed,) = _delivered(app, smtp)
    text, html = _parts(parsed)
    print(text)
    assert "Chờ xác nhận hoàn thành: 2" in text
    assert "Đề nghị gia hạn chờ cho ý kiến: 1" in text
    assert f"{BASE}/queues/submitted" in text and f"{BASE}/queues/extensions" in text
    # A leader's call to action, to the leader's pages, not an officer's "Xem và cập nhật".
    assert "Xem và cập nhật" not in text and "Xem và cập nhật" not in html
    assert f"Xem tình hình và xử lý: {BASE}/" in text
    assert "Xem tình hình và xử lý" in html
    assert f'href="{BASE}/queues/submitted"' in html
    # The units as an aligned table: headings, one line per unit, the total; every line's
    # numbers end in the same columns, under the ends of their headings.
    lines = text.splitlines()
    ward = next(line for line in lines if line.startswith("UBND phường Sở Dầu "))
    dept = next(line for line in lines if line.startswith("Phòng Nội vụ "))
    total = next(line for line in lines if line.startswith("Tổng cộng "))
    heading = next(line for line in lines if line.startswith("Đơn vị "))
    assert lines.index(heading) < lines.index(dept) < lines.index(ward) < lines.index(total)
    assert "hạn" in heading
    assert ";" not in ward and ";" not in total
    assert _number_ends(ward) == _number_ends(dept) == _number_ends(total)
    assert len(_number_ends(ward)) >= 4
    assert _number_ends(ward) <= {m.end() for m in re.finditer(r"\S+", heading)}
    assert max(len(line) for line in lines) <= 110


def _number_ends(line: str) -> set[int]:
    return {m.end() for m in re.finditer(r"(?<=\s)[\d,%—]+(?=\s|$)", line)}


def test_the_table_counts_a_decomposed_accent_as_one_column():
    # "Sở Dầu" typed with combining accents (as some word processors paste it) lines up too.
    decomposed = unicodedata.normalize("NFD", "UBND phường Sở Dầu")
    lines = text_table.render(
        "Đơn vị", ["Quá hạn", "Tổng số"], [[decomposed, "4", "12"], ["Phòng Nội vụ", "1", "1"]]
    )
    shown = [unicodedata.normalize("NFC", line) for line in lines]
    assert shown[0] == "                    Quá  Tổng"
    assert shown[1] == "Đơn vị              hạn    số"
    assert shown[3] == "UBND phường Sở Dầu    4    12"
    assert shown[-1] == "Phòng Nội vụ          1     1"

"""Urges (đôn đốc): a leader, secretary or admin presses a unit about one assignment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import NOW, AuthActions, CsrfClient
from smtp_support import SmtpServer

from tracker.mail.sender import send_pending
from tracker.models import Assignment, AuditEvent, OutboxMessage, User

# A second urge of the same assignment with the same text within this time is refused.
REPEAT_WINDOW = timedelta(minutes=10)


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def state(a: Assignment) -> tuple:
    return (
        Assignment.get_by_id(a.id).__data__,
        AuditEvent.select().where(AuditEvent.assignment.is_null(False)).count(),
        OutboxMessage.select().count(),
    )


def urge(client, auth, a: Assignment, username: str = "lanhdao", htmx: bool = False, **data):
    login(auth, username)
    return client.post(f"/assignments/{a.id}/urge", data=data, htmx=htmx)


@pytest.mark.parametrize("username", ["lanhdao", "tonghop", "admin"])
def test_urge_counts_goes_on_the_timeline_and_mails_the_unit(client, auth, world, username):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    message = "Đề nghị báo cáo trước thứ Sáu"
    response = urge(client, auth, world.assignment_a, username, message=message)
    assert response.status_code == 302
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.urge_count == 1
    event = AuditEvent.get(AuditEvent.action == "urge")
    assert event.assignment_id == a.id and event.message == "Đề nghị báo cáo trước thứ Sáu"
    mail = OutboxMessage.get(OutboxMessage.kind == "urge")
    assert mail.assignment_id == a.id and mail.status == "queued"
    assert "ubnd.sodau@hongbang.example" in mail.recipients
    assert "p.sodau@hongbang.example" in mail.recipients
    assert "Đề nghị báo cáo trước thứ Sáu" in mail.body_text
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Đôn đốc 1 lần" in page and "Đề nghị báo cáo trước thứ Sáu" in page


def test_each_urge_mails_once(client, auth, world, clock):
    urge(client, auth, world.assignment_a)
    clock.set(NOW + REPEAT_WINDOW)  # the same urge again, once the repeat window has passed
    client.post(f"/assignments/{world.assignment_a.id}/urge", data={})
    assert Assignment.get_by_id(world.assignment_a.id).urge_count == 2
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 2
    assert AuditEvent.select().where(AuditEvent.action == "urge").count() == 2


# --- the same urge twice ------------------------------------------------------------------
#
# Urging twice in a minute (a double click, or a second leader who did not see the first urge)
# sent the unit two identical mails. A second urge of the same assignment with the same text
# within ten minutes is refused, and nothing changes: the count, the timeline and the outbox
# keep the one urge the unit actually received. The refusal says when the first urge was made
# and by whom, that its mail went to the unit, and how to urge again (another text, or after
# the window) — what a user who pressed twice expects to read.


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config["SMTP_URL"] = server.url()
        yield server


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_same_urge_twice_in_a_minute_mails_once(app, client, auth, world, clock, smtp, htmx):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    message = "Đề nghị báo cáo trước thứ Sáu"
    assert urge(client, auth, world.assignment_a, message=message).status_code == 302
    before = state(world.assignment_a)
    clock.set(NOW + timedelta(seconds=40))
    # The same text, typed again with other spaces: the same urge.
    again = client.post(
        f"/assignments/{world.assignment_a.id}/urge",
        data={"message": "  Đề nghị báo cáo   trước thứ Sáu "},
        htmx=htmx,
    )
    assert again.status_code == (200 if htmx else 400)
    body = again.get_data(as_text=True)
    assert (
        "Bạn đã đôn đốc nhiệm vụ này với cùng nội dung lúc 10:00, thư đôn đốc đã được gửi cho "
        "đơn vị. Muốn đôn đốc thêm, vui lòng nhập nội dung khác hoặc đôn đốc lại từ 10:10."
    ) in body
    assert state(world.assignment_a) == before
    assert Assignment.get_by_id(world.assignment_a.id).urge_count == 1
    assert AuditEvent.select().where(AuditEvent.action == "urge").count() == 1
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 1
    send_pending(app)
    assert [r.rcpt_tos for r in smtp.received] == [["ubnd.sodau@hongbang.example"]]


def test_the_same_urge_by_another_leader_names_who_urged(client, auth, world, clock):
    assert urge(client, auth, world.assignment_a, "lanhdao").status_code == 302
    clock.set(NOW + timedelta(minutes=9, seconds=59))
    response = urge(client, auth, world.assignment_a, "tonghop")
    assert response.status_code == 400
    assert (
        "Đồng chí Lanhdao đã đôn đốc nhiệm vụ này với cùng nội dung lúc 10:00"
        in response.get_data(as_text=True)
    )
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 1


def test_another_text_or_after_ten_minutes_is_a_new_urge(app, client, auth, world, clock, smtp):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    assert urge(client, auth, world.assignment_a, message="Khẩn trương").status_code == 302
    clock.set(NOW + timedelta(minutes=1))
    other = client.post(
        f"/assignments/{world.assignment_a.id}/urge", data={"message": "Báo cáo ngay hôm nay"}
    )
    assert other.status_code == 302
    clock.set(NOW + REPEAT_WINDOW)
    later = client.post(
        f"/assignments/{world.assignment_a.id}/urge", data={"message": "Khẩn trương"}
    )
    assert later.status_code == 302
    assert Assignment.get_by_id(world.assignment_a.id).urge_count == 3
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 3
    send_pending(app)
    assert len(smtp.received) == 3


def test_two_leaders_urging_at_the_same_moment_mail_once(app, world):
    """Two identical urges at once, from pages that sent no version: exactly one goes through
    (the second waits for the first's row lock, then finds its urge)."""
    clients = []
    for username in ("lanhdao", "tonghop"):
        app.test_client_class = CsrfClient
        client = app.test_client()
        assert AuthActions(client).login(username).status_code == 302
        clients.append((client, client.csrf_token()))
    start = threading.Barrier(2)
    statuses: dict[int, int] = {}

    def post(i: int) -> None:
        client, token = clients[i]
        start.wait()
        response = client.post(
            f"/assignments/{world.assignment_a.id}/urge",
            data={"message": "Khẩn trương", "csrf_token": token},
        )
        statuses[i] = response.status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses.values()) == [302, 400]
    assert Assignment.get_by_id(world.assignment_a.id).urge_count == 1
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 1


def test_the_same_text_for_another_assignment_is_not_a_repeat(client, auth, world):
    assert urge(client, auth, world.assignment_a, message="Khẩn trương").status_code == 302
    response = client.post(
        f"/assignments/{world.assignment_b.id}/urge", data={"message": "Khẩn trương"}
    )
    assert response.status_code == 302
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 2


def test_urge_through_htmx_answers_with_the_panel(client, auth, world):
    response = urge(client, auth, world.assignment_a, htmx=True, message="Khẩn trương")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="urge-panel"' in body and "Đã đôn đốc đơn vị." in body and "<html" not in body
    assert "Đã đôn đốc 1 lần" in body


def test_urge_count_shows_on_the_rows(client, auth, world):
    Assignment.update(urge_count=2).where(Assignment.id == world.assignment_a.id).execute()
    login(auth, "lanhdao")
    unit_page = client.get(f"/units/{world.ward_a.id}").get_data(as_text=True)
    assert "Đôn đốc 2 lần" in unit_page
    task_page = client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    assert "Đôn đốc 2 lần" in task_page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_message_too_long_is_refused(client, auth, world, htmx):
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a, htmx=htmx, message="x" * 1001)
    assert response.status_code == (200 if htmx else 400)
    assert "Tối đa 1000 ký tự." in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("status", ["done", "cancelled", "submitted", "paused"])
def test_closed_or_waiting_work_is_not_urged(client, auth, world, status):
    Assignment.update(status=status).where(Assignment.id == world.assignment_a.id).execute()
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a)
    assert response.status_code == 400
    assert "Không thể đôn đốc" in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("username", ["p.sodau", "p.hoangvanthu", "theodoi"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_officers_and_viewers_may_not_urge(client, auth, world, username, htmx):
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a, username, htmx=htmx, message="x")
    assert response.status_code == 403
    assert state(world.assignment_a) == before
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert "/urge" not in page


def test_unknown_assignment_is_404(client, auth, world):
    assert urge(client, auth, Assignment(id=999999)).status_code == 404

"""Notifications in the application: left by the events that mail a unit, shown by the bell
and the /notifications list, read one by one or all at once, chosen per kind on the profile."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from conftest import NOW
from query_support import count_queries

from tracker.core import signals
from tracker.core.db import database
from tracker.models import Assignment, AuditEvent, Notification, OutboxMessage, User
from tracker.notifications.preferences import KINDS
from tracker.reminders import jobs


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def urge(client, auth, a: Assignment, message: str = "Đề nghị báo cáo trước thứ Sáu") -> None:
    login(auth, "lanhdao")
    response = client.post(f"/assignments/{a.id}/urge", data={"message": message})
    assert response.status_code == 302


def unread(user: User) -> list[Notification]:
    return list(Notification.of(user).where(Notification.read_at.is_null()))


def bell(client) -> str:
    response = client.hx_get("/bell")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def bell_count(client) -> int | None:
    found = re.search(r'data-unread="(\d+)"', bell(client))
    return int(found.group(1)) if found else None


# --- an urge, from the leader's click to the officer's bell ---------------------------------


def test_an_urge_reaches_the_bell_the_list_and_is_read(client, auth, world):
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    assert notification.kind == "urge"
    assert notification.assignment_id == world.assignment_a.id
    assert notification.title == "Tăng cường tuyên truyền CCHC"
    assert notification.created_at == NOW
    # Only the unit's officer: not the other ward, not the leader who urged.
    assert Notification.select().count() == 1

    login(auth, "p.sodau")
    assert bell_count(client) == 1
    assert 'aria-label="Thông báo (1 chưa đọc)"' in bell(client)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'id="notification-{notification.id}" class="unread"' in page
    assert "Đôn đốc thực hiện nhiệm vụ" in page and "Tăng cường tuyên truyền CCHC" in page
    assert "1 thông báo chưa đọc." in page

    response = client.post("/notifications", data={"read": notification.id})
    assert response.status_code == 302
    assert Notification.get_by_id(notification.id).read_at == NOW
    assert bell_count(client) is None
    assert 'aria-label="Thông báo"' in bell(client)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'id="notification-{notification.id}" class="read"' in page
    assert "Không có thông báo chưa đọc." in page


def test_opening_marks_read_and_leads_to_the_assignment(client, auth, world):
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    login(auth, "p.sodau")
    response = client.post("/notifications", data={"open": notification.id})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/assignments/{world.assignment_a.id}"
    assert Notification.get_by_id(notification.id).read_at is not None
    assert client.get(response.headers["Location"]).status_code == 200


def test_opening_with_htmx_redirects_the_whole_page(client, auth, world):
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    login(auth, "p.sodau")
    response = client.post("/notifications", data={"open": notification.id}, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/assignments/{world.assignment_a.id}"


def test_a_link_still_goes_through_the_policy(client, auth, world):
    """A notification naming work the user may no longer read leads to a refusal, not the work."""
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    Assignment.update(unit=world.dept).where(Assignment.id == world.assignment_a.id).execute()
    login(auth, "p.sodau")
    target = client.post("/notifications", data={"open": notification.id}).headers["Location"]
    assert client.get(target).status_code in (403, 404)


def test_mark_all_read(client, auth, world, clock):
    urge(client, auth, world.assignment_a, "Lần thứ nhất")
    clock.set(NOW + timedelta(minutes=1))
    urge(client, auth, world.assignment_a, "Lần thứ hai")
    assert len(unread(world.officer_a)) == 2
    login(auth, "p.sodau")
    assert bell_count(client) == 2
    page = client.get("/notifications").get_data(as_text=True)
    assert "Đánh dấu tất cả đã đọc" in page
    response = client.post("/notifications", data={"all": "1"}, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="notifications"' in body
    assert "notify" in json.loads(response.headers["HX-Trigger"])
    assert unread(world.officer_a) == []
    assert bell_count(client) is None
    assert "Đánh dấu tất cả đã đọc" not in client.get("/notifications").get_data(as_text=True)


def test_newest_first_and_paginated(client, auth, world, clock):
    for n in range(25):
        clock.set(NOW + timedelta(minutes=11 * n))
        urge(client, auth, world.assignment_a, f"Lần {n}")
    login(auth, "p.sodau")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Trang 1 / 2" in page
    ids = [int(i) for i in re.findall(r'id="notification-(\d+)"', page)]
    assert len(ids) == 20 and ids == sorted(ids, reverse=True)
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert len(re.findall(r'id="notification-(\d+)"', second)) == 5


def test_the_list_writes_its_sql_once(client, auth, world, clock, monkeypatch):
    # The bell leads every user here: its count and page are fixed-shape statements, built
    # the first time and then only run with the user, limit and offset (tracker.core.prepared).
    for n in range(3):
        clock.set(NOW + timedelta(minutes=n))
        urge(client, auth, world.assignment_a, f"Lần {n}")
    login(auth, "p.sodau")
    assert client.get("/notifications").status_code == 200
    built = []
    original = Notification.select.__func__
    monkeypatch.setattr(
        Notification, "select", classmethod(lambda cls, *f: built.append(f) or original(cls, *f))
    )
    page = client.get("/notifications?page=1").get_data(as_text=True)
    assert len(re.findall(r'id="notification-(\d+)"', page)) == 3
    assert built == []


def test_a_page_past_the_end_shows_the_last(client, auth, world, clock):
    for n in range(21):
        clock.set(NOW + timedelta(minutes=n))
        urge(client, auth, world.assignment_a, f"Lần {n}")
    login(auth, "p.sodau")
    page = client.get("/notifications?page=9").get_data(as_text=True)
    assert "Trang 2 / 2" in page
    assert len(re.findall(r'id="notification-(\d+)"', page)) == 1


def test_empty_state(client, auth, world):
    login(auth, "p.sodau")
    page = client.get("/notifications").get_data(as_text=True)
    assert "Bạn chưa có thông báo nào." in page
    assert bell_count(client) is None


# --- one's own only -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["read", "open"])
def test_another_user_cannot_mark_or_open_someone_elses(client, auth, world, action):
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    login(auth, "p.hoangvanthu")
    response = client.post("/notifications", data={action: notification.id})
    assert response.status_code == 404
    assert Notification.get_by_id(notification.id).read_at is None
    assert "Tăng cường" not in client.get("/notifications").get_data(as_text=True)
    # Marking all read is one's own all: the officer's stays unread.
    client.post("/notifications", data={"all": "1"})
    assert Notification.get_by_id(notification.id).read_at is None
    assert AuditEvent.select().where(AuditEvent.action == "denied").exists()


def test_mark_read_is_a_post_with_csrf(client, auth, world):
    urge(client, auth, world.assignment_a)
    [notification] = unread(world.officer_a)
    login(auth, "p.sodau")
    assert client.get(f"/notifications?read={notification.id}").status_code == 200
    response = client.post("/notifications", data={"read": notification.id}, csrf=False)
    assert response.status_code == 400
    assert Notification.get_by_id(notification.id).read_at is None


def test_the_bell_without_a_login_stops_polling(client, world):
    response = client.hx_get("/bell")
    assert response.status_code == 286 and response.get_data() == b""
    assert "HX-Redirect" not in response.headers


def test_the_bell_is_one_count_and_not_on_the_page(client, auth, world):
    urge(client, auth, world.assignment_a)
    login(auth, "p.sodau")
    page = client.get("/notifications").get_data(as_text=True)
    assert 'hx-get="/bell" hx-trigger="load,every 60s,notify from:body"' in page
    # The user's row (Flask-Login) and the COUNT.
    assert count_queries(lambda: client.hx_get("/bell")) == 2


@pytest.mark.sqlite_only
def test_the_count_reads_the_index(app_ctx, world):
    """The COUNT is answered from the index (recipient, read_at, created_at)."""
    query = Notification.select().where(
        Notification.recipient == world.officer_a.id, Notification.read_at.is_null()
    )
    sql, params = query.sql()
    plan = " ".join(str(row) for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "notification_recipient_id_read_at_created_at" in plan


def test_the_poll_interval_is_a_setting(app, client, auth, world):
    app.config["NOTIFICATION_POLL_SECONDS"] = 2
    login(auth, "p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert 'hx-trigger="load,every 2s,notify from:body"' in page


def test_htmx_posts_announce_the_bell(client, auth, world):
    login(auth, "p.sodau")
    response = client.post("/profile", data={"kinds": ["urge"]}, htmx=True)
    assert json.loads(response.headers["HX-Trigger"])["notify"] is True
    # A manager's POST keeps the queues' event beside it.
    login(auth, "lanhdao")
    response = client.post(
        f"/assignments/{world.assignment_a.id}/urge", data={"message": "Nhanh"}, htmx=True
    )
    events = json.loads(response.headers["HX-Trigger"])
    assert events.get("notify") is True and events.get("queues-changed") is True


# --- the choice per kind --------------------------------------------------------------------


def test_profile_offers_the_in_app_column(client, auth, world):
    login(auth, "p.sodau")
    page = client.get("/profile").get_data(as_text=True)
    assert "Trong ứng dụng" in page and "Thư" in page
    for kind in ("urge", "new_assignment", "due_soon"):
        assert f'name="app_kinds" value="{kind}" checked' in page


def test_a_kind_turned_off_leaves_no_notification(app, client, auth, world):
    login(auth, "p.sodau")
    kept = [k for k in KINDS if k not in ("urge", "leader_pending")]
    response = client.post("/profile", data={"app": "1", "app_kinds": kept, "kinds": ["urge"]})
    assert response.status_code == 302
    event = AuditEvent.get(AuditEvent.action == "notification_preferences")
    assert json.loads(event.after) == {"urge": False}
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="app_kinds" value="urge" checked' not in page
    assert 'name="app_kinds" value="urge"' in page
    urge(client, auth, world.assignment_a)
    assert unread(world.officer_a) == []
    # The mail still goes: the choices are apart.
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 1
    # Other kinds still come.
    with app.app_context(), signals.batched():
        signals.assignment_created.send(world.assignment_a, actor=world.leader)
    assert [n.kind for n in unread(world.officer_a)] == ["new_assignment"]


def test_a_post_without_the_in_app_column_keeps_its_choices(client, auth, world):
    login(auth, "p.sodau")
    client.post("/profile", data={"kinds": []})
    assert not AuditEvent.select().where(AuditEvent.action == "notification_preferences").exists()


def test_a_kind_outside_the_choices_is_refused(client, auth, world):
    login(auth, "p.sodau")
    response = client.post("/profile", data={"app": "1", "app_kinds": ["weekly_digest"]})
    assert response.status_code == 400
    assert "Loại thư không hợp lệ." in response.get_data(as_text=True)


# --- every event that mails the unit --------------------------------------------------------


def test_each_event_notifies_the_officers_once(app_ctx, world, factory):
    second = factory.user("p.sodau2", "officer", world.ward_a)
    factory.user("p.sodau.off", "officer", world.ward_a, active=False)
    a = world.assignment_a
    sends = [
        (signals.assignment_urged, {"actor": world.leader, "message": "m", "event_id": 7}),
        (
            signals.extension_decided,
            {
                "actor": world.leader,
                "approved": True,
                "deadline": date(2026, 6, 30),
                "reason": "",
                "event_id": 8,
            },
        ),
        (signals.assignment_returned, {"actor": world.leader, "reason": "r", "event_id": 9}),
        (signals.work_confirmed, {"actor": world.leader, "event_id": 10}),
    ]
    for signal, kwargs in sends + sends:  # each twice: the second changes nothing
        signal.send(a, **kwargs)
    for officer in (world.officer_a, second):
        kinds = sorted(n.kind for n in unread(officer))
        assert kinds == sorted(
            ["urge", "extension_decided", "submission_returned", "submission_confirmed"]
        )
    assert Notification.select().count() == 8  # not the inactive officer, nobody else


def test_new_assignments_of_one_action_notify_once_per_unit(app_ctx, world, factory):
    more = factory.assignment(factory.task(world.meeting, "Việc thứ hai"), world.ward_a)
    with signals.batched():
        signals.assignment_created.send(world.assignment_a, actor=world.leader)
        signals.assignment_created.send(more, actor=world.leader)
        signals.assignment_created.send(world.assignment_b, actor=world.leader)
    [many] = unread(world.officer_a)
    assert many.kind == "new_assignment" and many.assignment_id is None
    assert many.title == "Tăng cường tuyên truyền CCHC và 1 nhiệm vụ khác"
    [one] = unread(world.officer_b)
    assert one.assignment_id == world.assignment_b.id


def test_a_rolled_back_change_notifies_nobody(app_ctx, world):
    with pytest.raises(RuntimeError):
        with database.atomic():
            signals.assignment_urged.send(
                world.assignment_a, actor=world.leader, message="m", event_id=1
            )
            raise RuntimeError("the change failed")
    assert Notification.select().count() == 0


def test_the_daily_reminders_notify(app_ctx, world, factory):
    factory.assignment(factory.task(world.meeting, "Còn ba ngày", date(2026, 5, 18)), world.ward_a)
    Assignment.update(status="submitted", submitted_at=NOW).where(
        Assignment.id == world.assignment_b.id
    ).execute()
    assert jobs.run_job("due_soon", NOW).ran
    assert jobs.run_job("leader_pending", NOW).ran
    [due] = unread(world.officer_a)
    assert due.kind == "due_soon" and due.title.startswith("Nhắc việc sắp đến hạn ngày 15/05/2026")
    [pending] = unread(world.leader)
    assert pending.kind == "leader_pending"
    assert pending.title.startswith("Việc chờ đồng chí xử lý ngày 15/05/2026")
    assert unread(world.officer_b) == []


# --- retention ------------------------------------------------------------------------------


def test_read_notifications_are_purged_after_the_kept_days(app, app_ctx, world):
    from tracker.ops import scheduler

    def make(key: str, read_days_ago: int | None) -> Notification:
        read_at = None if read_days_ago is None else NOW - timedelta(days=read_days_ago)
        return Notification.create(
            key=key,
            recipient=world.officer_a,
            kind="urge",
            title="t",
            created_at=NOW - timedelta(days=400),
            read_at=read_at,
        )

    old = make("old", 91)
    recent = make("recent", 89)
    unread_old = make("unread", None)
    assert app.config["NOTIFICATION_KEEP_DAYS"] == 90
    assert scheduler.purge_notifications(app) == 1
    left = {n.id for n in Notification.select()}
    assert left == {recent.id, unread_old.id} and old.id not in left
    app.config["NOTIFICATION_KEEP_DAYS"] = 0
    make("older", 500)
    assert scheduler.purge_notifications(app) == 0


def test_marking_read_with_htmx_keeps_the_page_and_its_pager(client, auth, world, clock):
    for n in range(25):
        clock.set(NOW + timedelta(minutes=11 * n))
        urge(client, auth, world.assignment_a, f"Lần {n}")
    login(auth, "p.sodau")
    oldest = Notification.select().order_by(Notification.id).first()
    response = client.post("/notifications?page=2", data={"read": oldest.id}, htmx=True)
    body = response.get_data(as_text=True)
    assert f'id="notification-{oldest.id}" class="read"' in body
    assert "Trang 2 / 2" in body
    assert 'href="/notifications?page=1"' in body


def test_a_full_page_of_notifications_within_the_page_budget(client, auth, world, factory):
    from test_page_budget import MAX_HTML

    task = factory.task(
        world.meeting,
        "Rà soát, đánh giá công tác tuyên truyền cải cách hành chính trên địa bàn phường",
    )
    a = factory.assignment(task, world.dept)
    for n in range(30):
        Notification.create(
            key=f"k{n}",
            recipient=world.officer_a,
            kind="extension_decided",
            assignment=a,
            title=task.title,
            created_at=NOW + timedelta(minutes=n),
        )
    login(auth, "p.sodau")
    response = client.get("/notifications")
    assert "Trang 1 / 2" in response.get_data(as_text=True)
    assert len(response.get_data()) <= MAX_HTML, len(response.get_data())


@pytest.mark.parametrize(
    ("data", "status"),
    [({"read": "abc"}, 404), ({"open": "99999"}, 404), ({"read": "-1"}, 404), ({}, 400)],
)
def test_junk_in_the_list_form_changes_nothing(client, auth, world, data, status):
    urge(client, auth, world.assignment_a)
    login(auth, "p.sodau")
    assert client.post("/notifications", data=data).status_code == status
    assert len(unread(world.officer_a)) == 1

"""Notifications of the work inside a unit: the handler given an assignment, the unit head
when a handler's draft waits for approval, the handler whose draft was returned, the unit
head when a handler's internal deadline passed unreported. Each to its person only, once per
event, never to the one who acted, as each person chose on /profile."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.assignments import handlers
from tracker.assignments.errors import WorkflowError
from tracker.core import signals
from tracker.core.db import database
from tracker.followup import drafts
from tracker.models import (
    MailPreference,
    Notification,
    NotificationPreference,
    OutboxMessage,
    ReportDraft,
    Unit,
    User,
)
from tracker.reminders import jobs

TITLE = "Tăng cường tuyên truyền CCHC"


class Inside:
    """The world, with ward A's head and a handler, ward B's head and an officer of ward A
    who handles nothing."""

    def __init__(self, world, factory) -> None:
        self.world = world
        self.head = factory.user("ld.sodau", "unit_head", world.ward_a, email="ld@x.vn")
        self.handler = factory.user("cv.sodau", "officer", world.ward_a, email="cv@x.vn")
        self.head_b = factory.user("ld.hvt", "unit_head", world.ward_b, email="ldb@x.vn")
        self.a = world.assignment_a
        Unit.update(requires_head_approval=True).where(Unit.id == world.ward_a.id).execute()


@pytest.fixture
def inside(world, factory) -> Inside:
    return Inside(world, factory)


def notes(user: User) -> list[tuple[str, int | None, str]]:
    return [(n.kind, n.assignment_id, n.title) for n in Notification.of(user)]


def turn_off(user: User, kind: str) -> None:
    NotificationPreference.create(user=user, kind=kind, enabled=False)


def assigned(app, inside: Inside, deadline: date = date(2026, 5, 25)) -> None:
    with app.test_request_context():
        handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], deadline)


def drafted(app, inside: Inside) -> ReportDraft:
    with app.test_request_context():
        return drafts.draft_report(inside.a, inside.handler, "Đã làm 50%", 50)


def test_the_handler_is_told_of_the_assignment_and_nobody_else(app_ctx, inside):
    assigned(app_ctx, inside)
    assert notes(inside.handler) == [("handler_assigned", inside.a.id, TITLE)]
    # Not the head who gave it, not the unit's other officer, not ward B's head.
    assert Notification.select().count() == 1


def test_the_head_giving_it_to_himself_is_not_told(app_ctx, inside):
    with app_ctx.test_request_context():
        handlers.assign_handlers(
            inside.a, inside.head, [inside.head.id, inside.handler.id], date(2026, 5, 25)
        )
    assert notes(inside.head) == []
    assert [n[0] for n in notes(inside.handler)] == ["handler_assigned"]


def test_a_draft_waits_with_the_units_head_only(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    assert notes(inside.head) == [("draft_submitted", inside.a.id, TITLE)]
    # The handler who sent it, the focal point officer (the unit has a head), ward B's head:
    # none of them.
    assert [n[0] for n in notes(inside.handler)] == ["handler_assigned"]
    assert notes(inside.world.officer_a) == []
    assert notes(inside.head_b) == []
    # The same people the mail goes to.
    mailed = OutboxMessage.select().where(OutboxMessage.kind == "draft_submitted")
    told = Notification.select().where(Notification.kind == "draft_submitted")
    assert [m.user_id for m in mailed] == [n.recipient_id for n in told] == [inside.head.id]
    assert told.get().key == f"draft_submitted:draft:{draft.id}:user:{inside.head.id}"


def test_without_an_active_head_the_focal_point_officers_are_told(app_ctx, inside):
    assigned(app_ctx, inside)
    User.update(active=False).where(User.id == inside.head.id).execute()
    drafted(app_ctx, inside)
    assert notes(inside.world.officer_a) == [("draft_submitted", inside.a.id, TITLE)]
    assert notes(inside.head) == []


def test_a_returned_draft_is_told_to_its_author(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    with app_ctx.test_request_context():
        drafts.return_draft(draft, inside.head, "Bổ sung số liệu")
    assert [n[0] for n in notes(inside.handler)] == ["draft_returned", "handler_assigned"]
    assert notes(inside.handler)[0] == ("draft_returned", inside.a.id, TITLE)
    # The head who returned it hears only of the draft that came to him.
    assert [n[0] for n in notes(inside.head)] == ["draft_submitted"]
    assert notes(inside.head_b) == [] and notes(inside.world.officer_a) == []


def test_an_approved_draft_leaves_no_return_notification(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    with app_ctx.test_request_context():
        drafts.approve(draft, inside.head)
    assert not Notification.select().where(Notification.kind == "draft_returned").exists()


def test_each_event_notifies_each_person_once(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    a, head, handler = inside.a, inside.head, inside.handler
    for _ in range(2):
        signals.handlers_assigned.send(a, actor=head, handler=handler, event_id=70)
        signals.draft_submitted.send(a, actor=handler, draft=draft, event_id=71)
        signals.draft_returned.send(a, actor=head, draft=draft, reason="r", event_id=72)
    # The assignment anew (another event) is told again; the draft, once in all.
    assert sorted(n[0] for n in notes(handler)) == [
        "draft_returned",
        "handler_assigned",
        "handler_assigned",
    ]
    assert [n[0] for n in notes(head)] == ["draft_submitted"]


@pytest.mark.parametrize("kind", ["handler_assigned", "draft_returned"])
def test_the_handlers_opt_out_is_respected(app_ctx, inside, kind):
    turn_off(inside.handler, kind)
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    with app_ctx.test_request_context():
        drafts.return_draft(draft, inside.head, "Bổ sung")
    assert kind not in [n[0] for n in notes(inside.handler)]
    assert len(notes(inside.handler)) == 1  # the other kind still comes
    # The mail is a choice apart: it still goes.
    assert OutboxMessage.select().where(OutboxMessage.kind == kind).count() == 1


def test_the_heads_opt_out_is_respected(app_ctx, inside):
    turn_off(inside.head, "draft_submitted")
    assigned(app_ctx, inside)
    drafted(app_ctx, inside)
    assert notes(inside.head) == []
    assert OutboxMessage.select().where(OutboxMessage.kind == "draft_submitted").count() == 1


def test_the_profile_offers_the_kinds_inside_a_unit(client, auth, inside):
    auth.login("cv.sodau")
    page = client.get("/profile").get_data(as_text=True)
    for kind in ("handler_assigned", "draft_submitted", "draft_returned", "internal_overdue"):
        assert f'name="app_kinds" value="{kind}" checked' in page
    assert "Được phân công xử lý nhiệm vụ" in page
    kept = ["urge", "draft_submitted", "draft_returned", "internal_overdue"]
    response = client.post("/profile", data={"app": "1", "app_kinds": kept, "kinds": ["urge"]})
    assert response.status_code == 302
    off = NotificationPreference.get(NotificationPreference.kind == "handler_assigned")
    assert off.user_id == inside.handler.id and not off.enabled
    with client.application.app_context():
        assigned(client.application, inside)
    assert notes(inside.handler) == []


def test_a_rolled_back_change_notifies_nobody(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    before = Notification.select().count()
    with pytest.raises(RuntimeError), database.atomic():
        signals.handlers_assigned.send(
            inside.a, actor=inside.head, handler=inside.handler, event_id=80
        )
        signals.draft_submitted.send(inside.a, actor=inside.handler, draft=draft, event_id=81)
        signals.draft_returned.send(
            inside.a, actor=inside.head, draft=draft, reason="r", event_id=82
        )
        raise RuntimeError("the change failed")
    assert Notification.select().count() == before


def test_a_refused_return_notifies_nobody(app_ctx, inside):
    assigned(app_ctx, inside)
    draft = drafted(app_ctx, inside)
    with app_ctx.test_request_context(), pytest.raises(WorkflowError):
        drafts.return_draft(draft, inside.head_b, "Không phải đơn vị mình")
    assert not Notification.select().where(Notification.kind == "draft_returned").exists()


# --- the daily reminder of a passed internal deadline -----------------------------------------


def test_a_passed_internal_deadline_is_told_to_the_head_once(app_ctx, inside):
    assigned(app_ctx, inside, date(2026, 5, 16))
    # 07:30 on 16/05 in Hà Nội: the internal deadline is today, not passed.
    assert jobs.run_job("due_soon", datetime(2026, 5, 16, 0, 30, tzinfo=UTC)).ran
    assert not Notification.select().where(Notification.kind == "internal_overdue").exists()
    assert jobs.run_job("due_soon", datetime(2026, 5, 17, 0, 30, tzinfo=UTC)).ran
    assert jobs.run_job("due_soon", datetime(2026, 5, 18, 0, 30, tzinfo=UTC)).ran
    [overdue] = Notification.select().where(Notification.kind == "internal_overdue")
    assert overdue.recipient_id == inside.head.id
    assert overdue.assignment_id == inside.a.id
    assert overdue.title == f"{TITLE} – {inside.handler.full_name}"
    assert overdue.key.endswith(f":2026-05-16:user:{inside.head.id}")
    assert OutboxMessage.select().where(OutboxMessage.kind == "internal_overdue").count() == 1
    # Of its own kind, not a due-soon reminder; nobody else.
    assert not Notification.select().where(Notification.kind == "due_soon").exists()
    assert [n[0] for n in notes(inside.handler)] == ["handler_assigned"]
    assert notes(inside.head_b) == [] and notes(inside.world.officer_a) == []


def test_no_internal_deadline_notification_once_the_handler_reported(app_ctx, inside):
    assigned(app_ctx, inside, date(2026, 5, 16))
    drafted(app_ctx, inside)
    jobs.run_job("due_soon", datetime(2026, 5, 17, 0, 30, tzinfo=UTC))
    assert not Notification.select().where(Notification.kind == "internal_overdue").exists()


def test_the_internal_deadline_choices_of_mail_and_notification_are_apart(app_ctx, inside):
    turn_off(inside.head, "internal_overdue")
    MailPreference.create(user=inside.head_b, kind="internal_overdue", enabled=False)
    assigned(app_ctx, inside, date(2026, 5, 16))
    b = inside.world.assignment_b
    with app_ctx.test_request_context():
        handlers.assign_handlers(b, inside.head_b, [inside.world.officer_b.id], date(2026, 5, 16))
    jobs.run_job("due_soon", datetime(2026, 5, 17, 0, 30, tzinfo=UTC))
    # Ward A's head: the mail, no notification; ward B's head: the notification, no mail.
    mails = OutboxMessage.select().where(OutboxMessage.kind == "internal_overdue")
    assert [m.user_id for m in mails] == [inside.head.id]
    told = Notification.select().where(Notification.kind == "internal_overdue")
    assert [(n.recipient_id, n.assignment_id) for n in told] == [(inside.head_b.id, b.id)]

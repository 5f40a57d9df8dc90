"""Queueing into the outbox: unique keys, the caller's transaction, missing addresses."""

from __future__ import annotations

import pytest

from tracker.core.db import database
from tracker.mail.outbox import enqueue
from tracker.mail.recipients import unit_recipients
from tracker.models import MailPreference, OutboxMessage, User


def _queue(key="weekly:1:2026-W20", recipients=("a@example.vn",)):
    return enqueue(
        key=key,
        kind="weekly_digest",
        recipients=list(recipients),
        subject="Tổng hợp công việc tuần",
        body_text="Nội dung",
    )


def test_same_key_is_queued_once(app_ctx, world):
    assert _queue() is not None
    assert _queue() is None
    assert OutboxMessage.select().count() == 1


def test_rolled_back_change_queues_nothing(app_ctx, world):
    with pytest.raises(RuntimeError), database.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert OutboxMessage.select().count() == 0


def test_no_address_is_reported_not_dropped(app_ctx, world):
    message = _queue(recipients=())
    assert message.status == "dead" and "email" in message.last_error


def test_unit_recipients_skip_opt_outs_and_report_missing(app_ctx, world):
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    second = User.create(
        username="p.sodau2",
        full_name="Cán bộ thứ hai",
        role="officer",
        unit=world.ward_a,
        password_hash="x",
        created_at=world.task.created_at,
    )
    world.ward_a.email = "ubndsodau@hongbang.example"
    addresses, missing = unit_recipients(world.ward_a, "weekly_digest")
    assert addresses == ["p.sodau@hongbang.example", "ubndsodau@hongbang.example"]
    assert missing == ["Cán bộ thứ hai"]
    MailPreference.create(user=world.officer_a, kind="weekly_digest", enabled=False)
    MailPreference.create(user=second, kind="weekly_digest", enabled=False)
    assert unit_recipients(world.ward_a, "weekly_digest") == (["ubndsodau@hongbang.example"], [])


def test_many_messages_are_queued_in_a_few_statements(app_ctx, world):
    from query_support import count_queries

    from tracker.mail.outbox import BATCH, enqueue_many

    _queue(key="weekly:7")  # queued before: skipped, as by enqueue
    messages = [
        {
            "key": f"weekly:{n}",
            "kind": "weekly_digest",
            "recipients": [f"u{n}@example.vn"] if n % 10 else [],
            "subject": f"Tổng hợp tuần {n}",
            "body_text": "Nội dung",
        }
        for n in range(2 * BATCH + 5)
    ]
    queued: list[int] = []
    statements = count_queries(lambda: queued.append(enqueue_many(messages)))
    assert queued == [2 * BATCH + 4]
    assert statements <= 3  # one INSERT per BATCH messages, nothing read back
    assert OutboxMessage.select().count() == 2 * BATCH + 5
    dead = OutboxMessage.get(OutboxMessage.key == "weekly:10")
    assert dead.status == "dead" and "email" in dead.last_error
    assert OutboxMessage.get(OutboxMessage.key == "weekly:11").search_text.startswith("tong hop")
    assert enqueue_many(messages) == 0


@pytest.mark.postgres_only
def test_outbox_bodies_are_compressed_with_lz4_on_postgresql(app_ctx):
    """A weekly run writes tens of megabytes of bodies in one transaction: lz4, not pglz
    (migration 0029), where the server has it (SQLite does not compress)."""
    rows = database.execute_sql(
        "SELECT attname, attcompression FROM pg_attribute "
        "WHERE attrelid = 'outbox_message'::regclass AND attname IN ('body_text', 'body_html')"
    ).fetchall()
    assert dict(rows) == {"body_text": "l", "body_html": "l"}
    message = enqueue(
        key="big",
        kind="weekly_digest",
        recipients=["a@x.example"],
        subject="s",
        body_text="Nhiệm vụ quá hạn\n" * 20_000,
        body_html="<td>Nhiệm vụ</td>" * 20_000,
    )
    (method,) = database.execute_sql(
        "SELECT pg_column_compression(body_html) FROM outbox_message WHERE id = %s",
        (message.id,),
    ).fetchone()
    assert method == "lz4"

"""Permission matrix of the webhooks' administration (/admin/webhooks): admins only."""

from __future__ import annotations

from conftest import NOW

from tracker.models import Webhook

ADMIN = {"admin"}

GETS = [
    ("/admin/webhooks", ADMIN),
    ("/admin/webhooks/new", ADMIN),
    ("/admin/webhooks/{webhook}", ADMIN),
    ("/admin/webhooks/{webhook}/edit", ADMIN),
    ("/admin/webhooks/{webhook}/deactivate", ADMIN),
    ("/admin/webhooks/{webhook}/secret", ADMIN),
    ("/admin/webhooks/{webhook}/delete", ADMIN),
]

FORM = {"name": "Nhóm chat mới", "url": "https://chat.hongbang.example/hooks/n", "scope": "all"}

POSTS = [
    ("/admin/webhooks/new", FORM, ADMIN),
    ("/admin/webhooks/{webhook}/edit", {**FORM, "name": "Đổi tên"}, ADMIN),
    # Nothing listens on the discard port: the test fails at once, and is recorded.
    ("/admin/webhooks/{webhook}/test", {}, ADMIN),
    ("/admin/webhooks/{webhook}/deactivate", {"confirm": "yes"}, ADMIN),
    ("/admin/webhooks/{webhook}/reactivate", {}, ADMIN),
    ("/admin/webhooks/{webhook}/secret", {"confirm": "yes"}, ADMIN),
    ("/admin/webhooks/{webhook}/delete", {"confirm": "yes"}, ADMIN),
]


def extra_ids(app, world, factory, ids) -> dict[str, int]:
    hook = Webhook.create(
        name="Nhóm chat", url="http://127.0.0.1:9/hook", scope="all", created_at=NOW
    )
    return {"webhook": hook.id}

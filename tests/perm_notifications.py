"""Permission matrix of the notifications: everyone reads and marks their own; another
user's notification does not exist for one (404) and stays unread. The bell (/bell) is
exempt in test_permissions: without a login it answers 286, tested in test_notifications."""

from __future__ import annotations

from conftest import NOW

from tracker.models import Notification, User

EVERYONE = {"admin", "lanhdao", "tonghop", "theodoi", "p.sodau", "p.hoangvanthu", "pb.noivu"}
INSIDER = "pb.noivu"

GETS = [
    ("/notifications", EVERYONE),
]

POSTS = [
    ("/notifications", {"read": "{notification}"}, {INSIDER}),
    ("/notifications", {"open": "{notification}"}, {INSIDER}),
    ("/notifications", {"all": "1"}, EVERYONE),
]


def extra_ids(app, world, factory, ids) -> dict:
    """One unread notification for every user; the department officer's is the one named."""
    mine = None
    for user in User.select():
        notification = Notification.create(
            key=f"urge:matrix:user:{user.id}",
            recipient=user,
            kind="urge",
            assignment=ids["assignment"],
            title="Việc riêng của Phòng Nội vụ",
            created_at=NOW,
        )
        if user.username == INSIDER:
            mine = notification
    return {"notification": mine.id}

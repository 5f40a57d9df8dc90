"""Permission matrix of the profile's API-token routes (the API itself: test_api_permissions.py).

The token in ``{apitoken}`` belongs to the insider (pb.noivu): only he may revoke it; for
everyone else it does not exist (404). Everyone logged in may make a token of their own.
"""

from __future__ import annotations

from conftest import NOW

from tracker.models import ApiToken
from tracker.models.api_tokens import hash_token

EVERYONE = {"admin", "lanhdao", "tonghop", "theodoi", "p.sodau", "p.hoangvanthu", "pb.noivu"}

GETS = [
    ("/profile/tokens/{apitoken}/revoke", {"pb.noivu"}),
]

POSTS = [
    ("/profile/tokens", {"name": "Phần mềm văn bản"}, EVERYONE),
    ("/profile/tokens/{apitoken}/revoke", {"confirm": "yes"}, {"pb.noivu"}),
]


def extra_ids(app, world, factory, ids) -> dict:
    token = ApiToken.create(
        user=world.officer_dept,
        name="Kết nối phần mềm",
        token_hash=hash_token("gv_matrix-token"),
        prefix="gv_matrix-",
        created_at=NOW,
    )
    return {"apitoken": token.id}

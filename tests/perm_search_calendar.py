"""Permission matrix of search and the calendar (the .ics feed itself is public-by-token and
tested in tests/test_calendar.py).

The feed in ``{feed}`` belongs to the insider (pb.noivu): only he may revoke it; for everyone
else it does not exist (404). ``{unit}`` is the insider's department: wards' officers may
neither look at its calendar nor make a feed of it.
"""

from __future__ import annotations

from conftest import NOW

from tracker.models import CalendarFeed, User

EVERYONE = {"admin", "lanhdao", "tonghop", "theodoi", "p.sodau", "p.hoangvanthu", "pb.noivu"}
READERS = {"admin", "lanhdao", "tonghop", "theodoi"}
INSIDER = "pb.noivu"

GETS = [
    ("/search", EVERYONE),
    ("/search?q=cai+cach&kind=report", EVERYONE),
    ("/calendar", EVERYONE),
    ("/calendar?unit={unit}&month=2026-05", READERS | {INSIDER}),
    ("/calendar?day=2026-05-30", EVERYONE),
    ("/calendar?unit={unit}&day=2026-05-30", READERS | {INSIDER}),
    ("/calendar/feeds", EVERYONE),
    ("/calendar/feeds/{feed}/revoke", {INSIDER}),
]

POSTS = [
    ("/calendar/feeds", {"scope": "user"}, EVERYONE),
    ("/calendar/feeds", {"scope": "unit", "unit": "{unit}"}, READERS | {INSIDER}),
    ("/calendar/feeds/{feed}/revoke", {}, {INSIDER}),
]


def extra_ids(app, world, factory, ids) -> dict:
    owner = User.get(User.username == INSIDER)
    feed, _token = CalendarFeed.issue(owner, None, NOW)
    return {"feed": feed.id}

"""Every list's ``q`` searches as /search does: without accents or case, every word the start of
a word of the row (tracker/core/search_index.py ``matching``), and FTS syntax typed into it is
only text (never a 500)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import NOW

from tracker.api.tokens import create_token
from tracker.models import ExtensionRequest, OutboxMessage, UnitGroup

TITLE = "Cải cách hành chính năm 2026, đợt một"
FOUND = ["cai cach hanh chinh", "CẢI CÁCH", "Hành   chính", "cải cách hành chính năm 2026"]
MISSING = ["khong co gi ca", "cai cach giao thong", "cách mạng"]
# FTS5 and tsquery syntax, LIKE wildcards, SQL quoting: all only text.
GARBAGE = [
    '"',
    "'",
    '"cai',
    "cai*",
    "-cai",
    "cai OR cach",
    "NEAR(cai cach)",
    "cai NOT cach",
    "(",
    "a) OR (b",
    "cai:* & cach",
    "!cai | cach",
    "%",
    "_",
    "\\",
    "*",
    "^cai",
    "cai'; DROP TABLE task; --",
    "x²",
    "中文",
    "cai " * 30,
]


@dataclass
class Case:
    """A list with a ``q``: who reads it, its address (``{q}`` for the search) and the row."""

    user: str
    path: str
    make: str  # what row to create, titled TITLE (see _make)
    api: bool = False


CASES = {
    "meetings": Case("lanhdao", "/meetings?q={q}", "meeting"),
    "dashboard list": Case("lanhdao", "/dashboard/assignments?q={q}", "assignment"),
    "dashboard meeting filter": Case("lanhdao", "/dashboard/meeting-options?mq={q}", "meeting"),
    "submitted queue": Case("lanhdao", "/queues/submitted?q={q}", "submitted"),
    "extensions queue": Case("lanhdao", "/queues/extensions?q={q}", "extension"),
    "officer home": Case("p.sodau", "/?q={q}", "assignment"),
    "unit work": Case("lanhdao", "/units/{ward}?q={q}", "assignment"),
    "admin units": Case("admin", "/admin/units?q={q}", "unit"),
    "admin users": Case("admin", "/admin/users?q={q}", "user"),
    "admin groups": Case("admin", "/admin/groups?q={q}", "group"),
    "outbox": Case("admin", "/outbox?q={q}", "mail"),
    "api meetings": Case("lanhdao", "/api/v1/meetings?q={q}", "meeting", api=True),
    "api tasks": Case("lanhdao", "/api/v1/tasks?q={q}", "assignment", api=True),
    "api assignments": Case("lanhdao", "/api/v1/assignments?q={q}", "assignment", api=True),
}


def _make(kind: str, factory, world) -> None:
    """The row titled TITLE that the list of ``kind`` shows."""
    if kind == "meeting":
        factory.meeting(TITLE)
    elif kind == "unit":
        factory.unit(TITLE, kind="agency", code="cchc2026")
    elif kind == "user":
        factory.user("tocongtac", "viewer", full_name=TITLE)
    elif kind == "group":
        UnitGroup.create(name=TITLE)
    elif kind == "mail":
        OutboxMessage.create(
            key="test:cchc",
            kind="urge",
            subject=TITLE,
            recipients="tocongtac@example.org",
            body_text="…",
            next_attempt_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
    else:
        task = factory.task(world.meeting, TITLE, date(2026, 6, 30))
        status = "submitted" if kind == "submitted" else "in_progress"
        assignment = factory.assignment(task, world.ward_a, status=status)
        if kind == "extension":
            ExtensionRequest.create(
                assignment=assignment,
                requested_by=world.officer_a,
                previous_deadline=date(2026, 6, 30),
                requested_deadline=date(2026, 7, 30),
                reason="Cần thêm thời gian",
                created_at=NOW,
            )


@pytest.fixture
def lists(app, client, auth, factory, world):
    """``get(case, q)``: (status, body) of the list of ``case`` searched for ``q``."""
    made: set[str] = set()
    tokens: dict[str, dict[str, str]] = {}

    def get(case: Case, q: str) -> tuple[int, str]:
        if case.make not in made:
            _make(case.make, factory, world)
            made.add(case.make)
        url = case.path.format(q=quote(q), ward=world.ward_a.id)
        if case.api:
            if case.user not in tokens:
                user = {"lanhdao": world.leader}[case.user]
                with app.app_context():
                    _token, secret = create_token(user, "test")
                tokens[case.user] = {"Authorization": f"Bearer {secret}"}
            response = client.get(url, headers=tokens[case.user])
        else:
            auth.login(case.user)
            response = client.get(url)
        return response.status_code, response.get_data(as_text=True)

    return get


def _shows_title(body: str) -> bool:
    # HTML escapes nothing of TITLE; JSON may escape its non-ASCII letters.
    return TITLE in body or TITLE in body.encode().decode("unicode_escape", "ignore")


@pytest.mark.parametrize("name", list(CASES))
def test_every_list_searches_without_accents_or_case(lists, name):
    case = CASES[name]
    for q in FOUND:
        status, body = lists(case, q)
        assert status == 200, (q, body[:500])
        assert _shows_title(body), f"{name}: {q!r} does not find {TITLE!r}"
    for q in MISSING:
        status, body = lists(case, q)
        assert status == 200, (q, body[:500])
        assert not _shows_title(body), f"{name}: {q!r} finds {TITLE!r}"


@pytest.mark.parametrize("name", list(CASES))
def test_search_syntax_in_q_is_only_text(lists, name):
    case = CASES[name]
    for q in GARBAGE:
        status, body = lists(case, q)
        assert status == 200, (name, q, body[:500])
    # Text around the syntax is still searched for: "cai*" is the word "cai".
    assert _shows_title(lists(case, "cai*")[1])
    assert _shows_title(lists(case, '"CẢI" (cách)* -hành')[1])
    assert not _shows_title(lists(case, "cai OR giao")[1])  # every word, "or" one of them


def test_no_list_searches_with_like_of_its_own():
    """One search for every list: a LIKE written elsewhere would be a second, disagreeing one."""
    root = Path(__file__).resolve().parent.parent / "tracker"
    allowed = {root / "core" / "search_index.py"}
    pattern = re.compile(
        r"\.contains\(|[A-Z]\w*\.\w+\.(startswith|endswith|i?regexp)\(|OP\.I?LIKE|I?LIKE ['\"%?]"
    )
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []

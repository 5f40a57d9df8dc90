"""English, the second language: a complete catalog, English pages, and the switch back.

The source strings are Vietnamese; translations/en/LC_MESSAGES/messages.po holds English.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import tempfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tracker.core.extensions import babel
from tracker.models import AuditEvent, Meeting, ProgressReport, Task, Unit, UnitGroup, User

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

# The same keywords as `make extract` (-k _l -k N_ -k NP_:1c,2).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "NP_": ((1, "c"), 2)}

# Letters of Vietnamese (and other accented Latin) text; English UI text has none.
ACCENTED = re.compile(r"[\u00C0-\u024F\u1E00-\u1EFF]")


def _read_catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="session")
def english_catalog():
    """Compile the English .po into the (git-ignored) .mo the application loads."""
    catalog = _read_catalog()
    # Written beside the target and renamed, so parallel workers never read half a file.
    fd, tmp = tempfile.mkstemp(dir=MO.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    os.replace(tmp, MO)
    # Flask-Babel keeps loaded translations for the process: forget any loaded before.
    domain = vars(babel).get("domain_instance")  # a cached property, once first used
    if domain is not None:
        domain.cache.clear()
    return catalog


def _extracted() -> set[tuple[str | None, str]]:
    """Every (context, msgid) that `make extract` finds in tracker/ and templates/."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add((context, msgid))
    return found


def test_every_string_has_an_english_translation():
    catalog = _read_catalog()
    extracted = _extracted()
    assert len(extracted) > 300
    untranslated = []
    for context, msgid in sorted(extracted, key=lambda k: (k[0] or "", k[1])):
        message = catalog.get(msgid, context=context)
        strings = message.string if message else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(f"{context + ': ' if context else ''}{msgid}")
    assert not untranslated, (
        "Untranslated strings (run `make extract`, then translate them in "
        f"{PO.relative_to(ROOT)}):\n" + "\n".join(untranslated)
    )


def test_translations_are_english_with_the_same_placeholders():
    catalog = _read_catalog()
    problems = [f"{m.id}: {errors}" for m, errors in catalog.check()]
    assert not problems, "\n".join(problems)
    for message in catalog:
        if message.id:
            assert not ACCENTED.search(message.string), message.id


class _Text(HTMLParser):
    """The text a reader sees: text nodes and the attributes shown as text."""

    SHOWN = ("title", "placeholder", "aria-label", "data-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            # The switch names the other language in that language: "Tiếng Việt" stays.
            if name in self.SHOWN and value and value != "Tiếng Việt":
                self.parts.append(value)

    def handle_data(self, data) -> None:
        self.parts.append(data)


def _user_data(app) -> list[str]:
    """What users typed (names, titles, reports): shown as entered, in any language."""
    with app.app_context():
        values = [v for u in Unit.select() for v in (u.name, u.short_name)]
        values += [v for m in Meeting.select() for v in (m.title, m.place, m.chair_name)]
        values += [v for t in Task.select() for v in (t.title, t.content)]
        values += [g.name for g in UnitGroup.select()]
        values += [u.full_name for u in User.select()]
        values += [r.text for r in ProgressReport.select()]
    return sorted((v for v in values if v), key=len, reverse=True)


def _vietnamese_left(app, html: str) -> list[str]:
    """Pieces of fixed UI text still in Vietnamese (user data removed first)."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in _user_data(app):
        text = text.replace(value, "")
    return [line.strip() for line in text.splitlines() if ACCENTED.search(line)]


def _switch(client, locale: str, next_url: str = "/"):
    return client.post("/language", data={"locale": locale, "next": next_url})


def _english_page(app, client, url: str, *words: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    text = htmllib.unescape(html)
    for word in ("Log out", "Meetings", *words):
        assert word in text, (url, word)
    for word in ("Đăng xuất", "Cuộc họp", "Quá hạn"):
        assert word not in text, (url, word)
    assert _vietnamese_left(app, html) == [], url
    return html


def test_officer_pages_in_english(app, client, auth, world, english_catalog):
    auth.login("p.sodau")
    assert _switch(client, "en").status_code == 302
    _english_page(app, client, "/", "Unit's work", "Overdue", "On schedule", "Due soon")
    a = world.assignment_a.id
    posted = client.post(
        f"/assignments/{a}/reports",
        data={"text": "Đã triển khai tuyên truyền", "progress": "40", "next": "/"},
    )
    assert posted.status_code == 302
    assert "Progress report submitted." in client.get("/").get_data(as_text=True)
    client.post(
        f"/assignments/{a}/submit",
        data={"summary": "Done", "doc_number": "12/BC", "doc_date": "2026-05-14"},
    )
    html = _english_page(app, client, f"/assignments/{a}", "History", "Progress report")
    assert "Completion report" in html and "Awaiting confirmation" in html
    _english_page(app, client, f"/assignments/{a}/submit", "Completion report")
    _english_page(app, client, "/meetings", "Notice no.", "Tasks")
    _english_page(app, client, f"/meetings/{world.meeting.id}", "Assigned units", "leading jointly")
    _english_page(app, client, f"/tasks/{world.task.id}", "Assigned units", "Progress")


def test_leader_and_admin_pages_in_english(app, client, auth, world, english_catalog):
    auth.login("lanhdao")
    _switch(client, "en")
    _english_page(app, client, "/", "Overview", "Overdue tasks", "Overdue", "Completed on time")
    _english_page(app, client, "/dashboard/assignments?category=overdue", "Task list")
    # A deadline moved by editing the task: the timeline's own message is shown in English.
    task = world.task
    edited = client.post(
        f"/tasks/{task.id}/edit",
        data={
            "number": "1",
            "title": task.title,
            "content": "",
            "field": "khac",
            "deadline_kind": "date",
            "deadline": "2026-06-15",
        },
    )
    assert edited.status_code == 302
    html = _english_page(
        app, client, f"/assignments/{world.assignment_a.id}", "Deadline changed", "Changes saved."
    )
    assert "The task's deadline was changed." in htmllib.unescape(html)
    with app.app_context():
        assert Task.get_by_id(task.id).deadline == date(2026, 6, 15)
        # The audit keeps the plain Vietnamese message, whatever the language of the page.
        event = AuditEvent.get(AuditEvent.action == "deadline")
        assert event.message == "Hạn của nhiệm vụ được điều chỉnh."
    auth.logout()
    auth.login("admin")
    _switch(client, "en")
    _english_page(app, client, "/admin/users", "Users", "Username", "Observer", "Focal officer")
    _english_page(app, client, "/admin/units", "Units", "Ward People's Committees")


def test_form_errors_follow_the_users_language(app, client, auth, world, english_catalog):
    a = world.assignment_a.id
    auth.login("p.sodau")
    _switch(client, "en")
    empty = client.post(f"/assignments/{a}/reports", data={"text": "", "progress": ""})
    assert empty.status_code == 400
    html = empty.get_data(as_text=True)
    assert "This field is required." in html and "Trường này là bắt buộc." not in html
    long = client.post(f"/assignments/{a}/reports", data={"text": "x" * 5001, "progress": "10"})
    assert "At most 5000 characters." in long.get_data(as_text=True)
    inline = client.post(
        f"/assignments/{a}/reports", data={"text": "", "progress": "200"}, htmx=True
    )
    assert "Progress must be between 0 and 100." in inline.get_data(as_text=True)
    auth.logout()

    # A Vietnamese user sees the same errors in Vietnamese (the browser's choice of English
    # outlives the logout, so they choose Vietnamese on the login page).
    _switch(client, "vi", "/login")
    auth.login("p.hoangvanthu")
    b = world.assignment_b.id
    html = client.post(f"/assignments/{b}/reports", data={"text": "", "progress": ""}).get_data(
        as_text=True
    )
    assert "Trường này là bắt buộc." in html and "This field is required." not in html
    auth.logout()

    # A refusal of the workflow (pausing without a reason), in each language.
    auth.login("lanhdao")
    refused = client.post(f"/assignments/{a}/status", data={"status": "paused", "reason": ""})
    assert "Vui lòng nêu lý do." in refused.get_data(as_text=True)
    _switch(client, "en")
    refused = client.post(f"/assignments/{a}/status", data={"status": "paused", "reason": ""})
    html = refused.get_data(as_text=True)
    assert "Please give a reason." in html and "Vui lòng nêu lý do." not in html
    with app.app_context():
        assert ProgressReport.select().count() == 0


def test_anonymous_pages_and_error_pages_in_english(client, world, english_catalog):
    _switch(client, "en", "/login")
    login = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Please log in to continue." in login
    assert "Username" in login and "Password" in login and "Tên đăng nhập" not in login
    wrong = client.post("/login", data={"username": "lanhdao", "password": "nope"})
    assert "Incorrect username or password." in wrong.get_data(as_text=True)
    client.post("/login", data={"username": "lanhdao", "password": "demo"})
    _switch(client, "en")
    missing = client.get("/assignments/999999")
    assert missing.status_code == 404
    assert "The requested page or data was not found." in missing.get_data(as_text=True)


def test_switching_back_restores_vietnamese(app, client, auth, world, english_catalog):
    auth.login("p.sodau")
    _switch(client, "en")
    assert "Log out" in client.get("/").get_data(as_text=True)
    # The choice is kept on the account: it survives logging out and in again.
    auth.logout()
    auth.login("p.sodau")
    with app.app_context():
        assert User.get(User.username == "p.sodau").locale == "en"
    html = client.get("/").get_data(as_text=True)
    assert "Log out" in html and "Overdue" in html
    _switch(client, "vi")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    for word in ("Đăng xuất", "Cuộc họp", "Việc của đơn vị", "Quá hạn", "Trong hạn"):
        assert word in html
    for word in ("Log out", "Meetings", "Overdue", "On schedule"):
        assert word not in html
    assert "Chưa thực hiện" in client.get(f"/assignments/{world.assignment_a.id}").get_data(
        as_text=True
    )


def test_profile_mail_kinds_in_english(app, client, auth, world, english_catalog):
    """The kinds of mail one may choose on /profile are named in English, each of them."""
    from tracker.models import MAIL_KINDS

    catalog = _read_catalog()
    missing = [label for label in MAIL_KINDS.values() if not catalog.get(label)]
    assert missing == []
    auth.login("lanhdao")  # a leader is offered every kind
    _switch(client, "en")
    html = _english_page(
        app, client, "/profile", "Weekly summary for leaders", "Weekly digest of the unit's work"
    )
    for label in MAIL_KINDS.values():
        assert label not in htmllib.unescape(html), label

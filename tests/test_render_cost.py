"""What rendering a page costs must not grow with its rows (issue 13, item 1).

A unit's work list draws up to eight rows; each row used to ask Flask-Babel for the catalog a
dozen times (about 16 µs each) and to include three further templates. These tests count what
a page asks for, with the whole-page store off, for a page of one row and a page of eight.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import Domain, force_locale
from jinja2 import Environment

from tracker.core import i18n
from tracker.overview.unit_work import WORK_PAGE_SIZE


class Counter:
    """Counts the calls of one method (patched on its class) while a block runs."""

    def __init__(self, monkeypatch, cls, name: str) -> None:
        self.calls = 0
        original = getattr(cls, name)

        def counting(this, *args, **kwargs):
            self.calls += 1
            return original(this, *args, **kwargs)

        monkeypatch.setattr(cls, name, counting)


def _add_rows(factory, world, n: int) -> None:
    for i in range(n):
        task = factory.task(world.meeting, f"Việc số {i}", deadline=date(2026, 5, 20 + i % 5))
        factory.assignment(task, world.ward_a, status="in_progress", progress=10, urge_count=1)


def _officer_home(client, monkeypatch, locale: str = "vi") -> tuple[int, int, str]:
    """(catalog lookups, templates loaded, page) of one uncached officer's home."""
    lookups = Counter(monkeypatch, Domain, "get_translations")
    loads = Counter(monkeypatch, Environment, "get_template")
    page = client.get("/").get_data(as_text=True)
    monkeypatch.undo()
    return lookups.calls, loads.calls, page


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_officer_home_asks_for_the_catalog_once_however_many_rows(
    app, client, auth, factory, world, monkeypatch, locale
):
    app.config["PAGE_CACHE_SIZE"] = 0
    auth.login("p.sodau")
    if locale == "en":
        client.post("/language", data={"locale": "en", "next": "/"})
    client.get("/")  # templates compiled, nothing else first-time

    one_lookups, one_loads, one_page = _officer_home(client, monkeypatch)
    assert one_page.count('<tr id="assignment-') == 1
    _add_rows(factory, world, WORK_PAGE_SIZE)
    lookups, loads, page = _officer_home(client, monkeypatch)
    assert page.count('<tr id="assignment-') == WORK_PAGE_SIZE

    # Once per request (Flask-Babel's own lookup for its locale), not once per word per row.
    assert lookups == one_lookups
    assert lookups <= 2
    # No template is included per row: eight rows load what one row loads.
    assert loads == one_loads
    # The rows still speak the user's language.
    if locale == "en":
        assert 'data-label="Role"' in page and ">In progress<" in page
        assert page.count("<summary>Update</summary>") == WORK_PAGE_SIZE
    else:
        assert 'data-label="Vai trò"' in page and ">Đang thực hiện<" in page
        assert page.count("<summary>Cập nhật</summary>") == WORK_PAGE_SIZE
        assert "Đôn đốc 1 lần" in page


def test_the_request_catalog_follows_force_locale(app):
    """A mail written in its recipient's language inside a request gets that language's
    catalog, and the request's own comes back after it."""
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = "en"
        assert i18n.gettext("Vai trò") == "Role"
        with force_locale("vi"):
            assert i18n.gettext("Vai trò") == "Vai trò"
            assert i18n.pgettext("plural", "Cuộc họp") == "Cuộc họp"
        assert i18n.gettext("Vai trò") == "Role"
        assert i18n.gettext("Quá hạn %(n)s ngày", n=3) == "3 days overdue"


def test_a_prepared_query_is_built_once_and_runs_with_each_runs_values(app_ctx, factory, world):
    from tracker.core import prepared
    from tracker.core.prepared import slot
    from tracker.models import Assignment

    _add_rows(factory, world, 3)
    built = []

    def build():
        built.append(1)
        query = Assignment.select(Assignment.id).where(Assignment.unit == slot(0))
        return query.order_by(Assignment.id).limit(slot(1)).tuples()

    key = ("test-prepared", id(test_a_prepared_query_is_built_once_and_runs_with_each_runs_values))
    for unit, limit in ((world.ward_a, 2), (world.ward_b, 5), (world.ward_a, 10)):
        expected = [
            a.id for a in Assignment.select().where(Assignment.unit == unit).order_by(Assignment.id)
        ]
        assert [r[0] for r in prepared.select(key, build, [unit.id, limit])] == expected[:limit]
        # A count counts what the query selects, its LIMIT included (as peewee's count does).
        assert prepared.count(key, build, [unit.id, limit]) == min(limit, len(expected))
    assert len(built) == 2  # once for the rows, once for their count


def test_a_prepared_query_must_place_every_value(app_ctx):
    from tracker.core import prepared
    from tracker.models import Assignment

    with pytest.raises(ValueError):
        prepared.select(("test-missing-slot",), lambda: Assignment.select(), [1])


def test_the_templates_underscore_escapes_values_as_jinja_does(app):
    with app.test_request_context("/"):
        got = app.jinja_env.from_string(
            '{% autoescape true %}{{ _("Đôn đốc %(n)s lần", n=name) }}{% endautoescape %}'
        ).render(name="<b>&</b>")
        plain = app.jinja_env.from_string(
            '{% autoescape false %}{{ _("Đôn đốc %(n)s lần", n=name) }}{% endautoescape %}'
        ).render(name="<b>&</b>")
    assert got == "Đôn đốc &lt;b&gt;&amp;&lt;/b&gt; lần"
    assert plain == "Đôn đốc <b>&</b> lần"


def test_a_gettext_put_in_the_context_is_the_one_underscore_calls(app):
    with app.test_request_context("/"):
        got = app.jinja_env.from_string('{{ _("Giao việc") }}').render(
            gettext=lambda s, **kw: f"[{s}]"
        )
    assert got == "[Giao việc]"


@pytest.mark.parametrize(
    "value",
    [
        date(2026, 1, 5),
        date(2026, 12, 31),
        date(999, 3, 4),
    ],
)
def test_the_date_filter_writes_what_babel_wrote(app, value):
    from flask_babel import format_date

    with app.test_request_context("/"):
        assert app.jinja_env.filters["d"](value) == format_date(value, "dd/MM/yyyy")
        assert app.jinja_env.filters["d"](None) == ""


def test_the_datetime_filter_writes_what_babel_wrote_in_the_configured_zone(app):
    from datetime import UTC, datetime

    from flask_babel import format_datetime

    with app.test_request_context("/"):
        for value in (
            datetime(2026, 5, 31, 17, 5, tzinfo=UTC),  # 00:05 on 1 June in Hà Nội
            datetime(2026, 5, 31, 16, 59),  # naive: UTC
        ):
            got = app.jinja_env.filters["dt"](value)
            assert got == format_datetime(value, "HH:mm dd/MM/yyyy")
        assert app.jinja_env.filters["dt"](datetime(2026, 5, 31, 17, 5, tzinfo=UTC)) == (
            "00:05 01/06/2026"
        )

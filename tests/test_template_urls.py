"""Templates' ``url_for`` builds each route's URL once and gives what Flask's would."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from tracker.web import urls
from tracker.web.urls import template_url_for


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("assignments.view", {"assignment_id": 7}),
        ("assignments.view", {"assignment_id": 2_147_483_647}),
        ("assignments.actions", {"assignment_id": 12, "next": "/units/3?page=2"}),
        ("units.view", {"unit_id": 3, "page": 2}),
        ("units.view", {"unit_id": 3}),
        ("tasks.detail", {"task_id": 41}),
        ("meetings.index", {}),
        ("static", {"filename": "css/app.css"}),
        ("home.index", {"_anchor": "x"}),
    ],
)
def test_same_url_as_flask(app, endpoint, values):
    with app.test_request_context("/"):
        assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
        # The second call comes from the pattern (or the static name) and is still the same.
        assert template_url_for(endpoint, **values) == url_for(endpoint, **values)


def test_under_a_script_root_the_pattern_follows_it(app):
    with app.test_request_context("/"):
        plain = template_url_for("assignments.view", assignment_id=5)
    with app.test_request_context("/", base_url="http://localhost/giaoviec/"):
        rooted = template_url_for("assignments.view", assignment_id=5)
        assert rooted == url_for("assignments.view", assignment_id=5)
    assert rooted == "/giaoviec" + plain


def test_other_values_go_to_flask(app):
    with app.test_request_context("/"):
        template_url_for("assignments.view", assignment_id=1)
        for value in (2**31, -1, True, "7"):
            got = template_url_for("assignments.view", assignment_id=value)
            assert got == url_for("assignments.view", assignment_id=value)
        with pytest.raises(BuildError):
            template_url_for("assignments.view", task_id=3)


def test_a_route_is_built_by_flask_once(app, monkeypatch):
    calls = []
    real = urls.url_for

    def counting(endpoint, **values):
        calls.append(endpoint)
        return real(endpoint, **values)

    monkeypatch.setattr(urls, "url_for", counting)
    app.extensions.pop(urls._KEY, None)
    with app.test_request_context("/"):
        got = [template_url_for("assignments.view", assignment_id=i) for i in (1, 2, 3)]
    assert got == ["/assignments/1", "/assignments/2", "/assignments/3"]
    assert calls == ["assignments.view"]


def test_templates_use_it(app):
    assert app.jinja_env.globals["url_for"] is template_url_for

"""Hostile or odd requests: huge ids, url_for's own arguments in the query, hand-made links."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from tracker.core.params import MAX_ID, optional_id, parse_id
from tracker.web.urls import safe_next

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HREF_RE = re.compile(r'(?:href|hx-get)="([^"]*)"')
OVERDUE = date(2026, 5, 1)  # before the tests' today, 15/05/2026


def _id_routes(app) -> list[tuple[str, str]]:
    """Every route with an id in its path, and the method to try it with."""
    routes = []
    for rule in app.url_map.iter_rules():
        ids = [c for c in rule._converters.values() if isinstance(c, IntegerConverter)]
        if ids:
            assert all(c.max == MAX_ID and c.regex == "[0-9]+" for c in ids), rule.rule
            routes.append((rule.rule, "GET" if "GET" in rule.methods else "POST"))
    return routes


def _fill(rule: str, value: str) -> str:
    return re.sub(r"<int:\w+>", value, rule)


@pytest.mark.parametrize("value", [str(2**64), str(MAX_ID + 1), "²", "١", str(MAX_ID)])
def test_every_id_route_answers_404_to_an_id_it_cannot_hold(app, client, auth, world, value):
    """Past PostgreSQL's integer (or not ASCII digits), an id matches no route: 404, not 500."""
    routes = _id_routes(app)
    assert len(routes) > 20
    auth.login("admin")
    for rule, method in routes:
        url = _fill(rule, value)
        response = client.get(url) if method == "GET" else client.post(url)
        if rule.startswith("/api/") and value == str(MAX_ID):
            # The id is valid, so the route matches: the API asks for its token first.
            assert response.status_code == 401, (rule, response.status_code)
            continue
        assert response.status_code == 404, (rule, response.status_code)


def test_the_largest_id_still_matches(client, auth, world):
    auth.login("admin")
    assert client.get(f"/assignments/{MAX_ID}").status_code == 404  # matched, then not found
    assert client.get(f"/admin/units/{world.ward_a.id}/edit").status_code == 200


@pytest.mark.parametrize("raw", ["²", "١", "-1", "0", "1.5", str(MAX_ID + 1), "abc", True])
def test_parse_id_refuses_what_is_not_a_row_id(raw):
    with pytest.raises(ValueError):
        parse_id(raw)


def test_parse_id_and_optional_id_accept_ids():
    assert parse_id(" 42 ") == 42 and parse_id(MAX_ID) == MAX_ID
    assert optional_id("") is None and optional_id(None) is None and optional_id("7") == 7


@pytest.mark.parametrize("unit", ["²", "99999999999", "abc", "-3"])
def test_user_list_ignores_a_unit_filter_that_is_no_id(client, auth, world, unit):
    auth.login("admin")
    response = client.get("/admin/users", query_string={"unit": unit})
    assert response.status_code == 200 and ">p.hoangvanthu<" in response.text


@pytest.mark.parametrize("value", ["²", "99999999999"])
@pytest.mark.parametrize("name", ["unit", "meeting"])
def test_dashboard_refuses_a_filter_id_it_cannot_hold(client, auth, world, name, value):
    auth.login("lanhdao")
    response = client.get("/dashboard/assignments", query_string={name: value})
    assert response.status_code == 400


LISTS = [
    ("p.sodau", "/"),
    ("lanhdao", "/"),
    ("lanhdao", "/meetings"),
    ("lanhdao", "/dashboard/assignments"),
    ("lanhdao", "/units/{ward_a}"),
    ("admin", "/admin/users"),
    ("admin", "/admin/units"),
    ("admin", "/admin/groups"),
]


@pytest.mark.parametrize(("username", "path"), LISTS)
def test_query_arguments_cannot_pose_as_url_for_arguments(
    app, client, auth, world, factory, username, path
):
    """Sort headers and pagers keep the query as query: no BuildError, no other host/anchor."""
    app.config["PAGE_SIZE"] = 1
    factory.meeting("Họp thứ hai")
    # More than a page of everything, the leader's overdue list (10 a page) included.
    for n in range(11):
        factory.assignment(factory.task(world.meeting, f"Việc {n}", OVERDUE), world.ward_a)
    auth.login(username)
    hostile = "_method=POST&_external=1&_scheme=https&_anchor=x&_ns=1"
    response = client.get(path.format(ward_a=world.ward_a.id) + "?" + hostile)
    assert response.status_code == 200
    links = [html.unescape(h) for h in HREF_RE.findall(response.text)]
    kept = [h for h in links if "_method=POST" in h]
    assert kept, "no sort header or pager on the page"
    for link in kept:
        assert link.startswith("/") and "#" not in link and "_anchor=x" in link


def test_pager_keeps_repeated_arguments(app, client, auth, world, factory):
    app.config["PAGE_SIZE"] = 1
    factory.assignment(factory.task(world.meeting, "Việc thứ hai", OVERDUE), world.ward_a)
    auth.login("p.sodau")
    page = client.get("/?status=new&x=1&x=2&page=1").text
    assert 'href="/?status=new&amp;x=1&amp;x=2&amp;page=2"' in page


def test_templates_build_their_links_with_url_for():
    """No path is glued together in a template: under a prefix such a link would break."""
    glued = re.compile(r'(?:href|action|src|hx-get|hx-post)="/[^"]*\{\{|\{\{ *base_url *\}\}')
    found = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if glued.search(line)
    ]
    assert found == []


def test_links_follow_the_prefix_the_app_is_mounted_under(client, auth, world):
    auth.login("lanhdao")
    page = client.get("/", base_url="http://localhost/giaoviec").text
    assert f'href="/giaoviec/units/{world.ward_a.id}"' in page
    detail = client.get(
        f"/assignments/{world.assignment_a.id}", base_url="http://localhost/giaoviec"
    ).text
    assert f'href="/giaoviec/tasks/{world.task.id}"' in detail
    assert f'href="/giaoviec/meetings/{world.meeting.id}"' in detail


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/a\nb",
        "/a b",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_safe_next_refuses_anything_but_a_plain_path(target):
    assert safe_next(target) is None


def test_safe_next_keeps_a_path_and_its_query():
    assert safe_next("/units/3?category=overdue&page=2") == "/units/3?category=overdue&page=2"

"""A request after the session ended: htmx is told to load the login page, not to swap it in.

htmx follows a redirect inside its request and would swap the login page into the element it
targets (a table row's forms, a panel). So an htmx request from a visitor whose session ended
(logged out elsewhere, password changed, account locked) gets 401 with ``HX-Redirect`` to the
login page, ``next`` being the page the browser shows; a plain request keeps the 302.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import CsrfClient

from tracker.auth.sessions import end_sessions
from tracker.models import User

PAGE = "http://localhost/?sort=deadline&q=tuy%C3%AAn"  # the officer's home, sorted and searched


def _client(app) -> CsrfClient:
    app.test_client_class = CsrfClient
    return app.test_client()


def _officer(app) -> CsrfClient:
    """A browser where the ward's officer is logged in."""
    officer = _client(app)
    officer.get("/login")
    assert (
        officer.post("/login", data={"username": "p.sodau", "password": "demo"}).status_code == 302
    )
    return officer


def _end_session(app, world, how: str) -> None:
    """End the officer's session from elsewhere, as the application does."""
    if how == "logout elsewhere":
        other = _officer(app)
        assert other.post("/logout").status_code == 302
    elif how == "ended by the server":
        with app.app_context():
            end_sessions(world.officer_a)
    else:  # "account locked": the admin's deactivation
        admin = _client(app)
        admin.get("/login")
        admin.post("/login", data={"username": "admin", "password": "demo"})
        url = f"/admin/users/{world.officer_a.id}/deactivate"
        assert admin.post(url, data={"confirm": "yes"}).status_code == 302
        assert User.get_by_id(world.officer_a.id).active is False


def _login_target(location: str) -> tuple[str, str | None]:
    """The login page's path and its ``next`` (None if absent)."""
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


ENDINGS = ["logout elsewhere", "ended by the server", "account locked"]


@pytest.mark.parametrize("how", ENDINGS)
def test_htmx_fragment_after_the_session_ended_is_401_with_hx_redirect(app, world, how):
    officer = _officer(app)
    fragment = f"/assignments/{world.assignment_a.id}/actions?next=/"
    assert officer.hx_get(fragment, headers={"HX-Current-URL": PAGE}).status_code == 200
    _end_session(app, world, how)
    response = officer.hx_get(fragment, headers={"HX-Current-URL": PAGE})
    assert response.status_code == 401
    assert "Location" not in response.headers
    target = _login_target(response.headers["HX-Redirect"])
    assert target == ("/login", "/?sort=deadline&q=tuy%C3%AAn")  # the page, not the fragment
    assert 'name="username"' not in response.get_data(as_text=True)  # nothing to swap in
    # The login page it leads to says why.
    assert "Vui lòng đăng nhập để tiếp tục." in officer.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("how", ENDINGS)
def test_a_plain_request_after_the_session_ended_is_still_redirected(app, world, how):
    officer = _officer(app)
    _end_session(app, world, how)
    response = officer.get(f"/assignments/{world.assignment_a.id}?tab=1")
    assert response.status_code == 302 and "HX-Redirect" not in response.headers
    assert _login_target(response.headers["Location"]) == (
        "/login",
        f"/assignments/{world.assignment_a.id}?tab=1",
    )


def test_htmx_post_after_the_session_ended_is_401_with_hx_redirect(app, world):
    officer = _officer(app)
    token = officer.csrf_token()  # the page's token: the session keeps it, only the login ends
    _end_session(app, world, "ended by the server")
    response = officer.post(
        f"/assignments/{world.assignment_a.id}/reports",
        data={"text": "Đã triển khai", "progress": "30", "csrf_token": token},
        headers={"HX-Current-URL": "http://localhost/"},
        htmx=True,
    )
    assert response.status_code == 401
    assert _login_target(response.headers["HX-Redirect"]) == ("/login", "/")


def test_htmx_post_without_a_session_at_all_is_401_with_hx_redirect(app, world):
    """The session cookie is gone (the browser was closed and its page restored): the CSRF
    check refuses the post before the login is asked for, with the same answer to htmx."""
    officer = _officer(app)
    token = officer.csrf_token()
    officer.delete_cookie("session")
    response = officer.post(
        f"/assignments/{world.assignment_a.id}/reports",
        data={"text": "Đã triển khai", "progress": "30", "csrf_token": token},
        headers={"HX-Current-URL": "http://localhost/units/1"},
        htmx=True,
        csrf=False,
    )
    assert response.status_code == 401
    assert _login_target(response.headers["HX-Redirect"]) == ("/login", "/units/1")
    # Without htmx the refused form keeps its own page (400), as before.
    response = officer.post(
        f"/assignments/{world.assignment_a.id}/reports",
        data={"text": "Đã triển khai", "progress": "30", "csrf_token": token},
        csrf=False,
    )
    assert response.status_code == 400


def test_a_logged_in_user_failing_the_csrf_check_is_not_sent_to_the_login(client, auth, world):
    auth.login("p.sodau")
    response = client.post(
        f"/assignments/{world.assignment_a.id}/reports",
        data={"text": "Đã triển khai", "progress": "30"},
        htmx=True,
        csrf=False,
    )
    assert response.status_code == 400 and "HX-Redirect" not in response.headers


@pytest.mark.parametrize(
    "current",
    [
        None,
        "",
        "https://evil.example/meetings",
        "http://localhost//evil.example/x",
        "http://localhost/\\evil.example",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_next_is_only_a_path_of_this_site(app, world, current):
    officer = _officer(app)
    _end_session(app, world, "ended by the server")
    headers = {} if current is None else {"HX-Current-URL": current}
    response = officer.hx_get(f"/assignments/{world.assignment_a.id}/actions", headers=headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_the_api_keeps_its_json_401(client, world):
    response = client.get(
        "/api/v1/meetings", headers={"HX-Request": "true", "HX-Current-URL": PAGE}
    )
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert "HX-Redirect" not in response.headers

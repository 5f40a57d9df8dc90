"""Login, logout, password change, deactivated users, language choice."""

from urllib.parse import urlencode

import pytest
from werkzeug.security import check_password_hash

import tracker.auth.views
import tracker.models.users
from tracker.models import AuditEvent, User


def test_login_page_is_vietnamese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_login_success_and_logout(client, auth, world):
    response = auth.login("lanhdao")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.select().where(AuditEvent.action == "login").count() == 1
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_same_message(client, auth, world):
    wrong = auth.login("lanhdao", "nope").get_data(as_text=True)
    unknown = auth.login("nobody", "nope").get_data(as_text=True)
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong and message in unknown


def test_login_requires_csrf(client, world):
    response = client.post("/login", data={"username": "lanhdao", "password": "demo"}, csrf=False)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_redirect_stays_on_site(client, world):
    token = client.csrf_token()
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": "lanhdao", "password": "demo", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_deactivated_user_refused_on_next_request(client, auth, world):
    auth.login("p.sodau")
    assert client.get("/").status_code == 200
    User.update(active=False).where(User.id == world.officer_a.id).execute()
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(client, auth, world):
    User.update(active=False).where(User.id == world.officer_a.id).execute()
    assert auth.login("p.sodau").status_code == 401


def test_change_password(client, auth, world):
    auth.login("p.sodau")
    bad = client.post(
        "/password", data={"current": "wrong", "new": "newpass123", "confirm": "newpass123"}
    )
    assert "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    mismatch = client.post(
        "/password", data={"current": "demo", "new": "newpass123", "confirm": "other"}
    )
    assert "Hai mật khẩu không khớp." in mismatch.get_data(as_text=True)
    ok = client.post(
        "/password", data={"current": "demo", "new": "newpass123", "confirm": "newpass123"}
    )
    assert ok.status_code == 302
    assert User.get(User.username == "p.sodau").check_password("newpass123")


def test_language_switch_remembered_per_user(client, auth, world):
    auth.login("lanhdao")
    client.post("/language", data={"locale": "en", "next": "/"})
    assert User.get(User.username == "lanhdao").locale == "en"
    client.post("/language", data={"locale": "xx", "next": "/"})
    assert User.get(User.username == "lanhdao").locale == "vi"


def test_unknown_or_locked_user_costs_the_same_password_check(client, auth, world, monkeypatch):
    """Every failed login checks one hash of the app's method, so timing tells no usernames."""
    checked: list[str] = []

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(tracker.auth.views, "check_password_hash", spy)
    monkeypatch.setattr(tracker.models.users, "check_password_hash", spy)
    User.update(active=False).where(User.id == world.officer_a.id).execute()
    assert auth.login("nobody", "nope").status_code == 401
    assert auth.login("lanhdao", "nope").status_code == 401
    assert auth.login("p.sodau", "nope").status_code == 401
    assert auth.login("p.sodau", "demo").status_code == 401
    method = client.application.config["PASSWORD_HASH_METHOD"]
    assert len(checked) == 4 and all(h.startswith(f"{method}$") for h in checked)


def test_chosen_language_survives_login_and_logout(client, auth, world):
    client.post("/language", data={"locale": "en", "next": "/login"})
    assert auth.login("lanhdao").status_code == 302
    with client.session_transaction() as session:
        assert session["locale"] == "en" and "_user_id" in session
    auth.logout()
    with client.session_transaction() as session:
        assert session.get("locale") == "en" and "_user_id" not in session
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil", "/x y"]
)
def test_login_and_language_follow_only_safe_paths(client, world, target):
    response = client.post("/language", data={"locale": "vi", "next": target})
    assert response.headers["Location"] == "/"
    response = client.post(
        "/login?" + urlencode({"next": target}), data={"username": "lanhdao", "password": "demo"}
    )
    assert response.headers["Location"] == "/"


def test_login_follows_a_path_on_the_site(client, world):
    response = client.post(
        "/login?next=/meetings%3Fq%3Dh%E1%BB%8Dp", data={"username": "lanhdao", "password": "demo"}
    )
    assert response.headers["Location"] == "/meetings?q=h%E1%BB%8Dp"

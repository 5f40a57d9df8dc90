"""Issue 7, authentication and sessions: login limits shared by all workers, a new session at
login, logout and password change ending every other session, cookie flags, safe ``next``."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from conftest import FAST_HASH, NOW, CsrfClient

from tracker import create_app
from tracker.auth import limits
from tracker.config import Config
from tracker.core.clock import Clock
from tracker.models import AuditEvent, LoginAttempt, User

GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng."
TOO_MANY = "Bạn đã đăng nhập sai quá nhiều lần"
DEVICE_COOKIE = "tracker_device"


def _login(client, username, password="demo", address="10.0.0.1", next_=None, remember=False):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    path = "/login" + ("?" + urlencode({"next": next_}) if next_ else "")
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": address})


def _client(app) -> CsrfClient:
    app.test_client_class = CsrfClient
    return app.test_client()


# Brute-force protection


def test_account_limit_answers_429_in_vietnamese_then_lifts(app, client, world, clock):
    for _ in range(4):
        response = _login(client, "lanhdao", "sai")
        assert response.status_code == 401 and GENERIC in response.get_data(as_text=True)
    fifth = _login(client, "lanhdao", "sai")
    assert fifth.status_code == 429
    assert TOO_MANY in fifth.get_data(as_text=True) and "1 phút" in fifth.get_data(as_text=True)
    assert int(fifth.headers["Retry-After"]) == 60
    # Even the right password, even from another address, waits (a browser without a device
    # cookie for the account; see the device cookie tests below).
    refused = _login(client, "lanhdao", "demo", address="10.9.9.9")
    assert refused.status_code == 429 and "_user_id" not in _session(client)
    assert LoginAttempt.select().count() == 5  # refused attempts are not counted again
    clock.set(NOW + timedelta(seconds=59))
    response = _login(client, "lanhdao", "demo")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) == 1
    assert "1 phút" in response.get_data(as_text=True)
    clock.set(NOW + timedelta(seconds=61))
    assert _login(client, "lanhdao", "demo").status_code == 302


def test_account_delay_grows_with_each_failure(client, world, clock):
    """Past the limit, a browser without a device cookie gets one attempt per interval, and
    each failure doubles it: 1, 2, 4 minutes (at most the window)."""
    for _ in range(5):
        _login(client, "lanhdao", "sai")
    at = NOW
    for wait in (60, 120, 240):
        refused = _login(client, "lanhdao", "demo", address="10.9.9.9")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == wait
        at += timedelta(seconds=wait + 1)
        clock.set(at)
        response = _login(client, "lanhdao", "sai")
        assert response.status_code == 429 and int(response.headers["Retry-After"]) == 2 * wait
    assert LoginAttempt.select().count() == 8


def test_unknown_account_is_limited_the_same_way(client, world):
    statuses = [_login(client, "khong.co.ai", "sai").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_success_clears_the_account_count(client, world):
    for _ in range(4):
        _login(client, "lanhdao", "sai")
    assert _login(client, "lanhdao", "demo").status_code == 302
    client.post("/logout")
    assert [_login(client, "lanhdao", "sai").status_code for _ in range(4)] == [401] * 4


def test_address_limit_counts_failures_only(app, client, world, factory):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    # Many correct logins from one office address are never limited.
    for _ in range(6):
        assert _login(client, "p.sodau", address="10.1.1.1").status_code == 302
        client.post("/logout")
    for name in ("a", "b"):
        assert _login(client, name, "sai", address="10.1.1.1").status_code == 401
    assert _login(client, "c", "sai", address="10.1.1.1").status_code == 429
    assert _login(client, "lanhdao", address="10.1.1.1").status_code == 429
    # Another address is not affected.
    assert _login(client, "lanhdao", address="10.2.2.2").status_code == 302


def test_limit_holds_across_two_workers_sharing_the_database(app, client, world, database_url):
    """Two create_app on the same DATABASE_URL are two gunicorn workers (or two machines)."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": app.config["INSTANCE_PATH"],
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    other.extensions["clock"] = Clock(other.config["TIMEZONE"], lambda: NOW)
    other_client = _client(other)
    for i in range(4):
        worker = client if i % 2 else other_client
        assert _login(worker, "tonghop", "sai").status_code == 401
    assert _login(other_client, "tonghop", "sai").status_code == 429
    assert _login(client, "tonghop", "demo").status_code == 429


# Device cookies (issue 14, item 16): failures from elsewhere do not lock the real user out


def _device(client) -> str | None:
    cookie = client.get_cookie(DEVICE_COOKIE)
    return cookie.value if cookie else None


def _attack(app, account: str, count: int) -> None:
    """``count`` wrong passwords for ``account`` from a browser of its own, spread over
    addresses so that the per-address limit does not stop them first."""
    attacker = _client(app)
    for i in range(count):
        _login(attacker, account, "sai", address=f"10.66.{i // 10}.{i % 10}")


def test_login_sets_a_signed_long_lived_device_cookie(app, client, world):
    response = _login(client, "lanhdao")
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "=")
    )
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=" in header
    assert int(header.split("Max-Age=")[1].split(";")[0]) >= 180 * 24 * 3600
    assert _device(client) != "lanhdao" and "." in _device(client)  # signed, not a bare name


def test_device_cookie_is_secure_over_https(app, client, world):
    app.config["HTTPS"] = True
    app.config["SESSION_COOKIE_SECURE"] = True
    response = _login(client, "lanhdao")
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "=")
    )
    assert "Secure" in header


def test_browser_that_signed_in_before_is_not_locked_out_by_an_attacker(app, client, world):
    assert _login(client, "lanhdao").status_code == 302
    client.post("/logout")
    _attack(app, "lanhdao", 40)
    # The chairman's own browser signs in at once, whatever the attacker did.
    assert _login(client, "lanhdao", address="10.0.0.1").status_code == 302
    assert "_user_id" in _session(client)


def test_fresh_browser_is_slowed_not_shut_out(app, client, world, clock):
    _attack(app, "lanhdao", 5)
    fresh = _client(app)
    response = _login(fresh, "lanhdao", address="10.3.3.3")
    assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 60  # not the whole 15-minute window
    clock.set(NOW + timedelta(seconds=61))
    assert _login(fresh, "lanhdao", address="10.3.3.3").status_code == 302


def test_failures_with_a_device_cookie_have_their_own_limit(app, client, world):
    assert _login(client, "lanhdao").status_code == 302
    client.post("/logout")
    statuses = [_login(client, "lanhdao", "sai").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert _login(client, "lanhdao").status_code == 429
    # They are the device's failures, not the account's: another browser is not slowed.
    assert _login(_client(app), "lanhdao", address="10.4.4.4").status_code == 302


def test_address_limit_still_stops_the_attacker(app, client, world):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    assert _login(client, "lanhdao").status_code == 302
    client.post("/logout")
    attacker = _client(app)
    statuses = [
        _login(attacker, name, "sai", address="10.5.5.5").status_code
        for name in ("lanhdao", "tonghop", "admin", "p.sodau")
    ]
    assert statuses == [401, 401, 429, 429]
    assert _login(attacker, "lanhdao", address="10.5.5.5").status_code == 429
    # The address limit holds even for a browser with a device cookie at that address.
    assert _login(client, "lanhdao", address="10.5.5.5").status_code == 429
    assert _login(client, "lanhdao", address="10.0.0.1").status_code == 302


def test_forged_or_other_users_device_cookie_gives_no_bypass(app, client, world):
    assert _login(client, "tonghop").status_code == 302
    client.post("/logout")
    assert _device(client)  # the browser holds tonghop's device cookie
    _attack(app, "lanhdao", 5)
    # A device cookie for another account does not exempt this one.
    assert _login(client, "lanhdao", address="10.0.0.1").status_code == 429
    forged = _client(app)
    forged.set_cookie(DEVICE_COOKIE, "lanhdao")
    assert _login(forged, "lanhdao", address="10.0.0.2").status_code == 429
    # A cookie for the right name, signed with another key (another site, or made up).
    original, app.secret_key = app.secret_key, "khoa-khac"
    with app.app_context():
        value = limits.device_token("lanhdao")
    app.secret_key = original
    other_key = _client(app)
    other_key.set_cookie(DEVICE_COOKIE, value)
    assert _login(other_key, "lanhdao", address="10.0.0.3").status_code == 429


def test_client_address_comes_from_the_proxy_only_when_configured(app, world, database_url):
    def failures_from(proxy_fix: bool) -> set[str]:
        LoginAttempt.delete().execute()
        application = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": app.config["INSTANCE_PATH"],
                "PROXY_FIX": proxy_fix,
            }
        )
        application.extensions["clock"] = Clock(application.config["TIMEZONE"], lambda: NOW)
        c = _client(application)
        c.post(
            "/login",
            data={"username": "x", "password": "y"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        return {a.address for a in LoginAttempt.select()}

    assert failures_from(False) == {"127.0.0.1"}
    assert failures_from(True) == {"203.0.113.7"}


def test_limits_are_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS", "50")
    monkeypatch.setenv("TRACKER_LOGIN_WINDOW_MINUTES", "30")
    config = Config(tmp_path).as_dict()
    assert (config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"]) == (3, 50)
    assert config["LOGIN_WINDOW_MINUTES"] == 30
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES", "0")
    with pytest.raises(Exception, match="TRACKER_LOGIN_MAX_FAILURES"):
        Config(tmp_path)


# Sessions


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_login_starts_a_new_session(client, world):
    client.get("/login")
    before = _session(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    _login(client, "lanhdao")
    client.get("/")
    after = _session(client)
    assert "planted" not in after
    assert after["csrf_token"] != before["csrf_token"]
    assert after["_user_id"] == f"{world.leader.id}:1"


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_replayed_session_cookie_is_refused_after_logout(app, client, world):
    _login(client, "lanhdao")
    old = _cookie(client, "session")
    client.post("/logout")
    assert client.get("/").status_code == 302
    replay = _client(app)
    replay.set_cookie("session", old)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_replayed_remember_cookie_is_refused_after_logout(app, client, world):
    _login(client, "lanhdao", remember=True)
    remember = _cookie(client, "remember_token")
    assert remember
    # The remember cookie alone logs in (a new browser session) while it is valid ...
    fresh = _client(app)
    fresh.set_cookie("remember_token", remember)
    assert fresh.get("/").status_code == 200
    client.post("/logout")
    # ... and no longer once the user logged out anywhere.
    replay = _client(app)
    replay.set_cookie("remember_token", remember)
    assert replay.get("/").status_code == 302


def test_password_change_ends_every_other_session(app, client, world):
    _login(client, "p.sodau", remember=True)
    other_pc = _client(app)
    _login(other_pc, "p.sodau", address="10.0.0.2", remember=True)
    old_remember = _cookie(other_pc, "remember_token")
    assert other_pc.get("/").status_code == 200
    response = client.post(
        "/password", data={"current": "demo", "new": "mat-khau-moi", "confirm": "mat-khau-moi"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other_pc.get("/").status_code == 302  # the other one has ended
    replay = _client(app)
    replay.set_cookie("remember_token", old_remember)
    assert replay.get("/").status_code == 302
    assert _cookie(client, "remember_token") != old_remember


def test_admin_lock_and_password_reset_end_the_users_sessions(app, client, world):
    officer = _client(app)
    _login(officer, "p.sodau", address="10.0.0.3")
    assert officer.get("/").status_code == 200
    _login(client, "admin")
    response = client.post(
        f"/admin/users/{world.officer_a.id}/edit",
        data={
            "full_name": "P. Sở Dầu",
            "email": "",
            "role": "officer",
            "unit": str(world.ward_a.id),
            "password": "mat-khau-dat-lai",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert officer.get("/").status_code == 302
    officer = _client(app)
    _login(officer, "p.sodau", "mat-khau-dat-lai", address="10.0.0.3")
    assert officer.get("/").status_code == 200
    client.post(f"/admin/users/{world.officer_a.id}/deactivate", data={"confirm": "yes"})
    assert User.get_by_id(world.officer_a.id).active is False
    User.update(active=True).where(User.id == world.officer_a.id).execute()
    assert officer.get("/").status_code == 302  # unlocking does not revive the old session


def test_cookies_are_httponly_lax_and_secure_behind_https(
    app, client, world, monkeypatch, tmp_path
):
    response = _login(client, "lanhdao", remember=True)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client.post("/logout")
    response = _login(client, "lanhdao", remember=True)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert all("Secure" in cookies[name] for name in ("session", "remember_token"))
    for env in ({"TRACKER_HTTPS": "1"}, {"TRACKER_BASE_URL": "https://giaoviec.example.vn"}):
        for key in ("TRACKER_HTTPS", "TRACKER_BASE_URL"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        config = Config(tmp_path).as_dict()
        assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
        assert config["HTTPS"]
    monkeypatch.delenv("TRACKER_BASE_URL")
    assert not Config(tmp_path).as_dict()["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(
    "target", ["//evil.com", "https://evil", "/\\evil", "javascript:alert(1)", "\\\\evil.com"]
)
def test_next_stays_on_the_site(client, world, target):
    response = _login(client, "lanhdao", next_=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_audit_keeps_name_and_address_never_the_password(client, world):
    _login(client, "lanhdao", "mat-khau-sai-123", address="10.7.7.7")
    _login(client, "lanhdao", address="10.7.7.7")
    client.post("/logout")
    events = {e.action: e for e in AuditEvent.select()}
    assert {"login.failed", "login", "logout"} <= set(events)
    assert '"username": "lanhdao"' in events["login.failed"].after
    assert "10.7.7.7" in events["login.failed"].after and "10.7.7.7" in events["login"].after
    every = " ".join(e.before + e.after + e.message for e in AuditEvent.select())
    assert "mat-khau-sai-123" not in every and "demo" not in every

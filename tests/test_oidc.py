"""Single sign-on against a real OpenID provider process (tests/oidc_support.py)."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from oidc_support import query_of, running_provider, s256, with_query

from tracker.config import Config
from tracker.core.settings import ConfigError
from tracker.models import AuditEvent, User

CLIENT_ID = "giao-viec"
BASE = "http://127.0.0.1:5000"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as server:
        yield server


@pytest.fixture(scope="module")
def expired_provider():
    """A provider whose ID tokens expired ten minutes before they were issued."""
    with running_provider(token_max_age=timedelta(minutes=-10)) as server:
        yield server


def configure(app, provider, **settings):
    app.config.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET="bi-mat",
        BASE_URL=BASE,
        **settings,
    )


@pytest.fixture
def sso(app, provider):
    configure(app, provider)
    return provider


def start(client, next_path: str = "") -> str:
    """Press the SSO button: the provider's authorization address the app redirects to."""
    answer = client.get("/login/oidc" + (f"?next={next_path}" if next_path else ""))
    assert answer.status_code == 302
    return answer.headers["Location"]


def come_back(client, provider_redirect: str):
    """The browser arriving at the app's callback from the provider."""
    back = urlsplit(provider_redirect)
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{BASE}/login/oidc/callback"
    return client.get(f"{back.path}?{back.query}")


def sso_login(client, provider, sub: str, next_path: str = ""):
    return come_back(client, provider.authorize(start(client, next_path), sub))


def logged_in_as(client) -> str | None:
    with client.session_transaction() as sess:
        user_id = sess.get("_user_id")
    return user_id.split(":")[0] if user_id else None


def login_page_text(client) -> str:
    return client.get("/login").get_data(as_text=True)


def test_discovery_gives_the_authorization_request(client, sso):
    url = start(client)
    assert url.startswith(f"{sso.issuer}/oauth2/authorize?")
    params = query_of(url)
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == f"{BASE}/login/oidc/callback"
    assert set(params["scope"].split()) >= {"openid", "profile", "email"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43
    assert params["state"] and params["nonce"]
    metadata = requests.get(f"{sso.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert url.split("?")[0] == metadata["authorization_endpoint"]


def test_login_page_offers_sso_only_when_configured(app, client, provider):
    page = login_page_text(client)
    assert "Đăng nhập bằng tài khoản một cửa (SSO)" not in page
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404
    configure(app, provider)
    page = login_page_text(client)
    assert "Đăng nhập bằng tài khoản một cửa (SSO)" in page
    assert 'name="password"' in page


def test_code_flow_with_pkce_logs_an_existing_user_in(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao", name="Lãnh đạo")
    url = start(client, "/profile")
    back = sso.authorize(url, "sub-lanhdao")
    answer = come_back(client, back)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/profile"
    assert logged_in_as(client) == str(world.leader.id)
    assert client.get("/profile").status_code == 200
    # PKCE: the verifier sent with the code is the one whose S256 the authorization asked for.
    verifier = sso.token_requests[-1]["code_verifier"][0]
    assert s256(verifier) == query_of(url)["code_challenge"]
    event = AuditEvent.select().where(AuditEvent.action == "login").get()
    assert event.actor_id == world.leader.id
    assert '"oidc"' in event.after
    # The same answer of the provider cannot log in a second time (its state was used).
    client.post("/logout")
    come_back(client, back)
    assert logged_in_as(client) is None


def test_the_client_authenticates_at_the_token_endpoint(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, sso, "sub-lanhdao")
    expected = base64.b64encode(f"{CLIENT_ID}:bi-mat".encode()).decode()
    assert sso.token_authorizations[-1] == f"Basic {expected}"


def test_state_mismatch_is_refused(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    back = sso.authorize(start(client), "sub-lanhdao")
    answer = come_back(client, with_query(back, state="trang-thai-gia"))
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/login"
    assert logged_in_as(client) is None
    assert "Không xác thực được lượt đăng nhập từ hệ thống một cửa" in login_page_text(client)
    assert not sso.token_requests or "trang-thai-gia" not in str(sso.token_requests[-1])


def test_a_callback_without_a_started_login_is_refused(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    back = sso.authorize(start(client), "sub-lanhdao")
    client.delete_cookie("session")
    come_back(client, back)
    assert logged_in_as(client) is None


def test_nonce_mismatch_is_refused(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    url = with_query(start(client), nonce="nonce-cua-ke-khac")
    come_back(client, sso.authorize(url, "sub-lanhdao"))
    assert logged_in_as(client) is None
    assert "Không xác thực được lượt đăng nhập" in login_page_text(client)


def test_a_token_issued_to_another_application_is_refused(client, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    url = start(client)
    # A genuine answer of the same provider, with the right nonce, for another client.
    other = sso.token_response_for("ung-dung-khac", "sub-lanhdao", query_of(url)["nonce"])
    back = sso.authorize(url, "sub-lanhdao")
    sso.next_token_response = other
    come_back(client, back)
    assert sso.next_token_response is None, "the app did not ask for the token"
    assert logged_in_as(client) is None
    assert "Không xác thực được lượt đăng nhập" in login_page_text(client)
    refusal = AuditEvent.select().where(AuditEvent.action == "login.oidc_invalid").get()
    assert "InvalidClaimError" in refusal.after


def test_an_expired_id_token_is_refused(app, client, world, expired_provider):
    configure(app, expired_provider)
    expired_provider.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, expired_provider, "sub-lanhdao")
    assert logged_in_as(client) is None
    refusal = AuditEvent.select().where(AuditEvent.action == "login.oidc_invalid").get()
    assert "ExpiredTokenError" in refusal.after


def test_an_unknown_identity_is_refused_and_no_account_created(client, world, sso):
    sso.set_user("sub-x", preferred_username="nguoi.la", name="Người Lạ")
    before = User.select().count()
    sso_login(client, sso, "sub-x")
    assert logged_in_as(client) is None
    assert User.select().count() == before
    page = login_page_text(client)
    assert "Tài khoản một cửa “nguoi.la” chưa được cấp quyền sử dụng" in page


def test_refused_callbacks_count_against_the_address(app, client, world, sso):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 2
    sso.set_user("sub-x", preferred_username="nguoi.la")
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, sso, "sub-x")
    sso_login(client, sso, "sub-x")
    requests_before = len(sso.token_requests)
    sso_login(client, sso, "sub-lanhdao")
    assert logged_in_as(client) is None
    assert len(sso.token_requests) == requests_before, "a blocked callback redeemed its code"
    assert "Bạn đã đăng nhập sai quá nhiều lần" in login_page_text(client)
    assert AuditEvent.select().where(AuditEvent.action == "login.blocked").exists()


def test_an_inactive_account_is_refused(client, world, sso):
    User.update(active=False).where(User.id == world.leader.id).execute()
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, sso, "sub-lanhdao")
    assert logged_in_as(client) is None
    assert "Tài khoản của bạn đã bị khóa" in login_page_text(client)


def test_accounts_are_created_read_only_when_allowed(app, client, world, sso):
    app.config["OIDC_CREATE_USERS"] = True
    sso.set_user(
        "sub-moi", preferred_username="can.bo.moi", name="Cán Bộ Mới", email="moi@ubnd.gov.vn"
    )
    sso_login(client, sso, "sub-moi")
    created = User.get(User.username == "can.bo.moi")
    assert (created.role, created.unit_id, created.full_name) == ("viewer", None, "Cán Bộ Mới")
    assert logged_in_as(client) == str(created.id)


def test_the_username_claim_is_configurable(app, client, world, sso):
    app.config["OIDC_USERNAME_CLAIM"] = "ma_can_bo"
    sso.set_user("sub-khac", preferred_username="p.sodau", ma_can_bo="lanhdao")
    sso_login(client, sso, "sub-khac")
    assert logged_in_as(client) == str(world.leader.id)


def test_an_identity_without_the_claim_is_refused(client, world, sso):
    sso.set_user("sub-trong", name="Không Tên")
    sso.paths.clear()
    sso_login(client, sso, "sub-trong")
    assert logged_in_as(client) is None
    # Not in the ID token: the userinfo endpoint was asked too, in vain.
    assert sso.paths[-1] == "/userinfo"
    assert "không cung cấp tên đăng nhập" in login_page_text(client)


def test_match_by_verified_email(app, client, world, sso):
    app.config["OIDC_MATCH"] = "email"
    User.update(email="LanhDao@UBND.gov.vn").where(User.id == world.leader.id).execute()
    sso.set_user("sub-mail", email="lanhdao@ubnd.gov.vn", email_verified=False)
    sso_login(client, sso, "sub-mail")
    assert logged_in_as(client) is None
    sso.set_user("sub-mail", email="lanhdao@ubnd.gov.vn", email_verified=True)
    sso_login(client, sso, "sub-mail")
    assert logged_in_as(client) == str(world.leader.id)


def test_without_local_passwords_the_password_post_is_refused(app, client, auth, world, sso):
    app.config["OIDC_LOCAL_PASSWORDS"] = False
    page = login_page_text(client)
    assert 'name="password"' not in page
    assert "Đăng nhập bằng tài khoản một cửa (SSO)" in page
    answer = auth.login("lanhdao", "demo")
    assert answer.status_code == 403
    assert "Đăng nhập bằng mật khẩu đã tắt" in answer.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert AuditEvent.select().where(AuditEvent.action == "login.password_disabled").exists()
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, sso, "sub-lanhdao")
    assert logged_in_as(client) == str(world.leader.id)


def test_logout_offers_the_providers_logout(client, auth, world, sso):
    sso.set_user("sub-lanhdao", preferred_username="lanhdao")
    sso_login(client, sso, "sub-lanhdao")
    answer = client.post("/logout", follow_redirects=True)
    assert logged_in_as(client) is None
    page = answer.get_data(as_text=True)
    assert "Đăng xuất khỏi hệ thống một cửa" in page
    link = page.split("Bạn vẫn đang đăng nhập ở hệ thống một cửa.")[1].split('href="')[1]
    link = link.split('"')[0].replace("&amp;", "&")
    assert link.startswith(f"{sso.issuer}/oauth2/end_session?")
    assert query_of(link)["post_logout_redirect_uri"] == f"{BASE}/login"
    assert requests.get(link, timeout=10).status_code == 200
    # Shown once, and never after a password login.
    assert "Đăng xuất khỏi hệ thống một cửa" not in login_page_text(client)
    auth.login("lanhdao", "demo")
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "Đăng xuất khỏi hệ thống một cửa" not in page


def test_an_unreachable_provider_is_a_clear_message(app, client, world):
    app.config.update(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID=CLIENT_ID)
    answer = client.get("/login/oidc")
    assert answer.headers["Location"] == "/login"
    assert "Không kết nối được với hệ thống một cửa" in login_page_text(client)


def test_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "k")
    config = Config(tmp_path)
    assert (config.OIDC_ISSUER, config.OIDC_MATCH, config.OIDC_USERNAME_CLAIM) == (
        "",
        "username",
        "preferred_username",
    )
    assert config.OIDC_LOCAL_PASSWORDS is True and config.OIDC_CREATE_USERS is False
    monkeypatch.setenv("TRACKER_OIDC_ISSUER", "https://sso.example.vn/realms/tinh/")
    with pytest.raises(ConfigError, match="TRACKER_OIDC_CLIENT_ID"):
        Config(tmp_path)
    monkeypatch.setenv("TRACKER_OIDC_CLIENT_ID", "giao-viec")
    with pytest.raises(ConfigError, match="TRACKER_OIDC_CLIENT_SECRET"):
        Config(tmp_path)
    monkeypatch.setenv("TRACKER_OIDC_CLIENT_SECRET", "bi-mat")
    monkeypatch.setenv("TRACKER_OIDC_LOCAL_PASSWORDS", "0")
    config = Config(tmp_path)
    assert config.OIDC_ISSUER == "https://sso.example.vn/realms/tinh"
    assert config.OIDC_LOCAL_PASSWORDS is False
    monkeypatch.setenv("TRACKER_OIDC_MATCH", "sdt")
    with pytest.raises(ConfigError, match="TRACKER_OIDC_MATCH"):
        Config(tmp_path)
    monkeypatch.setenv("TRACKER_OIDC_MATCH", "email")
    monkeypatch.setenv("TRACKER_OIDC_CREATE_USERS", "co")
    with pytest.raises(ConfigError, match="TRACKER_OIDC_CREATE_USERS"):
        Config(tmp_path)

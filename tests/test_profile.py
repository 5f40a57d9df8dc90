"""The profile page: one's details and the kinds of mail one receives."""

from __future__ import annotations

import json

import pytest

from tracker.auth.profile import OFFICER_KINDS, kinds_for
from tracker.mail.recipients import unit_recipients
from tracker.models import MAIL_KINDS, AuditEvent, MailPreference, User


def prefs(user: User) -> dict[str, bool]:
    return {p.kind: p.enabled for p in MailPreference.select().where(MailPreference.user == user)}


@pytest.mark.parametrize(
    ("role", "offered", "not_offered"),
    [
        ("p.sodau", ["weekly_digest", "urge", "submission_confirmed"], ["leader_summary"]),
        ("lanhdao", ["leader_summary", "weekly_digest"], []),
        ("tonghop", ["leader_summary", "due_soon"], []),
        ("admin", ["leader_summary", "new_assignment"], []),
        ("theodoi", ["leader_summary"], ["weekly_digest", "urge"]),
    ],
)
def test_page_offers_the_kinds_of_the_role(client, auth, world, role, offered, not_offered):
    auth.login(role)
    response = client.get("/profile")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for kind in offered:
        assert f'value="{kind}" checked' in page, kind
    for kind in not_offered:
        assert f'value="{kind}"' not in page, kind
    assert 'href="/password"' in page


def test_kinds_for_each_role(world):
    assert kinds_for(world.officer_a) == OFFICER_KINDS
    assert kinds_for(world.viewer) == ("leader_summary",)
    assert set(kinds_for(world.leader)) == set(MAIL_KINDS)


def test_page_shows_details_and_warns_without_email(client, auth, world):
    auth.login("p.sodau")
    page = client.get("/profile").get_data(as_text=True)
    assert world.officer_a.full_name in page and "UBND phường Sở Dầu" in page
    assert "bạn sẽ không nhận được thư" in page


def test_name_in_the_nav_links_to_the_profile(client, auth, world):
    auth.login("p.sodau")
    page = client.get("/meetings").get_data(as_text=True)
    assert (
        f'<a href="/profile" title="Hồ sơ cá nhân: {world.officer_a.full_name}">'
        f"{world.officer_a.full_name}</a>"
    ) in page


def test_saving_turns_kinds_off_and_the_unit_mail_skips_the_user(client, auth, world):
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    world.ward_a.email = "ubndsodau@hongbang.example"
    before = unit_recipients(world.ward_a, "weekly_digest")
    assert before == (["p.sodau@hongbang.example", "ubndsodau@hongbang.example"], [])
    auth.login("p.sodau")
    kept = [k for k in OFFICER_KINDS if k not in ("weekly_digest", "due_soon")]
    response = client.post("/profile", data={"kinds": kept})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert prefs(world.officer_a) == {"weekly_digest": False, "due_soon": False}
    assert unit_recipients(world.ward_a, "weekly_digest") == (["ubndsodau@hongbang.example"], [])
    assert unit_recipients(world.ward_a, "urge")[0][0] == "p.sodau@hongbang.example"
    event = AuditEvent.get(AuditEvent.action == "mail_preferences")
    assert json.loads(event.after) == {"weekly_digest": False, "due_soon": False}
    page = client.get("/profile").get_data(as_text=True)
    assert "Đã lưu lựa chọn nhận thư." in page
    assert 'value="weekly_digest" >' in page or 'value="weekly_digest">' in page
    assert 'value="urge" checked' in page


def test_turning_a_kind_back_on(client, auth, world):
    MailPreference.create(user=world.officer_a, kind="urge", enabled=False)
    auth.login("p.sodau")
    client.post("/profile", data={"kinds": list(OFFICER_KINDS)})
    assert prefs(world.officer_a) == {"urge": True}


def test_unchecking_everything(client, auth, world):
    auth.login("theodoi")
    assert client.post("/profile", data={}).status_code == 302
    assert prefs(world.viewer) == {"leader_summary": False}


def test_saving_the_same_choice_writes_nothing(client, auth, world):
    auth.login("p.sodau")
    client.post("/profile", data={"kinds": list(OFFICER_KINDS)})
    assert prefs(world.officer_a) == {}
    assert not AuditEvent.select().where(AuditEvent.action == "mail_preferences").exists()


def test_htmx_save_returns_the_block(client, auth, world):
    auth.login("p.sodau")
    response = client.post("/profile", data={"kinds": ["urge"]}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="mail-prefs"' in body
    assert "Đã lưu lựa chọn nhận thư." in body
    assert 'value="urge" checked' in body
    assert prefs(world.officer_a)["weekly_digest"] is False


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("kinds", [["leader_summary"], ["bogus"], ["urge", "bogus"]])
def test_kind_outside_the_role_is_refused(client, auth, world, kinds, htmx):
    auth.login("p.sodau")
    response = client.post("/profile", data={"kinds": kinds}, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    assert "Loại thư không hợp lệ." in response.get_data(as_text=True)
    assert prefs(world.officer_a) == {}


def test_without_csrf_nothing_is_saved(client, auth, world):
    auth.login("p.sodau")
    assert client.post("/profile", data={"kinds": []}, csrf=False).status_code == 400
    assert prefs(world.officer_a) == {}


def test_one_user_cannot_change_another(client, auth, world):
    auth.login("p.sodau")
    client.post("/profile", data={"kinds": [], "user": str(world.officer_b.id)})
    assert prefs(world.officer_b) == {}
    assert set(prefs(world.officer_a)) == set(OFFICER_KINDS)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/profile", data={"kinds": []}, csrf=False)
    assert response.status_code in (302, 400)
    assert MailPreference.select().count() == 0

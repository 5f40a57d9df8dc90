"""The frames of the mail previews: the mail's HTML alone, under a policy of its own that allows
inline styles and nothing else, sandboxed and framable only by the site's own pages; the pages
that frame them keep the site's policy. (The browser's count of violations is in
tests/test_browser_mail_preview.py.)"""

from __future__ import annotations

from datetime import date

import pytest
from test_outbox_views import make

from tracker.core.security import CSP as SITE_CSP


def _directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def _check_frame(response) -> None:
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == "'none'"
    assert csp["style-src"] == "'unsafe-inline'"
    assert "script-src" not in csp  # default-src 'none': no script at all
    assert csp["frame-ancestors"] == "'self'" and csp["form-action"] == "'none'"
    assert "allow-scripts" not in csp["sandbox"] and "allow-same-origin" not in csp["sandbox"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_outbox_frames_the_message_alone(client, auth, world):
    message = make(
        "due_soon:1",
        body_html='<!doctype html><html><head></head><body><p style="color:#b91c1c">Xin chào</p>'
        '<a href="http://127.0.0.1:5000/assignments/1">Mở</a><a href="#top">Lên</a>'
        "<script>alert(1)</script></body></html>",
    )
    auth.login("admin")
    page = client.get(f"/outbox/{message.id}")
    assert page.headers["Content-Security-Policy"] == SITE_CSP
    text = page.get_data(as_text=True)
    assert f'src="/outbox/{message.id}/html"' in text
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox' in text
    frame = client.get(f"/outbox/{message.id}/html")
    _check_frame(frame)
    body = frame.get_data(as_text=True)
    assert '<p style="color:#b91c1c">Xin chào</p>' in body
    # Links to pages open in the page holding the frame; a link within the mail stays.
    assert '<a target="_top" href="http://127.0.0.1:5000/assignments/1">' in body
    assert '<a href="#top">' in body


def test_a_message_without_html_has_no_frame(client, auth, world):
    message = make("urge:1", body_html="")
    auth.login("admin")
    assert "<iframe" not in client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert client.get(f"/outbox/{message.id}/html").status_code == 404


@pytest.mark.parametrize("username", ["lanhdao", "p.sodau"])
def test_the_digest_preview_frames_the_mail(client, auth, factory, world, username):
    task = factory.task(world.meeting, "Chỉnh trang vỉa hè", deadline=date(2026, 5, 5))
    factory.assignment(task, world.ward_a)
    auth.login(username)
    page = client.get(f"/units/{world.ward_a.id}/digest")
    assert page.headers["Content-Security-Policy"] == SITE_CSP
    text = page.get_data(as_text=True)
    assert 'style="' not in text  # nothing the site's policy refuses
    assert f'src="/units/{world.ward_a.id}/digest/mail"' in text
    frame = client.get(f"/units/{world.ward_a.id}/digest/mail")
    _check_frame(frame)
    body = frame.get_data(as_text=True)
    assert "Chỉnh trang vỉa hè" in body and 'style="' in body
    # The mail as it is sent: its links carry the configured address.
    assert 'target="_top" href="http://127.0.0.1:5000/assignments/' in body


def test_the_digest_frame_follows_the_page(client, auth, world):
    auth.login("lanhdao")
    # Nothing to say: no mail, no frame.
    assert client.get(f"/units/{world.ward_b.id}/digest/mail").status_code == 404
    auth.logout()
    auth.login("p.hoangvanthu")
    assert client.get(f"/units/{world.ward_a.id}/digest/mail").status_code == 403

"""The mail previews show the mail as it will look without breaking the page's
Content-Security-Policy: the admin's outbox message and a unit's weekly digest preview count no
CSP violation, and the mail's own inline styles apply (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import LiveServer, artifact, chromium, log_in, new_page, shot
from conftest import NOW
from playwright.sync_api import expect
from test_leader_mail import Waiting

from tracker.models import OutboxMessage
from tracker.reminders import digest, pending, summary

pytestmark = pytest.mark.browser

# Counts the violations the page itself sees (the event does not cross into frames, whose
# violations the console reports).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _queue_digest(app, factory, world) -> OutboxMessage:
    for title, deadline in [
        ("Chỉnh trang vỉa hè", date(2026, 5, 5)),
        ("Rà soát hồ sơ một cửa", date(2026, 5, 15)),
        ("Báo cáo chuyển đổi số", date(2026, 5, 24)),
    ]:
        factory.assignment(factory.task(world.meeting, title, deadline=deadline), world.ward_a)
    with app.app_context():
        (mail,) = [m for m in digest.build(NOW) if m.unit.id == world.ward_a.id]
        return mail.queue()


def _queue_leader_mails(app, factory, world) -> dict[str, OutboxMessage]:
    """The leader's daily mail and weekly summary, queued."""
    Waiting(factory, world)
    with app.app_context():
        (daily,) = pending.build(NOW)
        weekly = next(m for m in summary.build(NOW) if m.user.id == world.leader.id)
        return {"pending": daily.queue(), "summary": weekly.queue()}


HEADINGS = {
    "outbox": "Tổng hợp nhiệm vụ tuần",
    "digest": "Tổng hợp nhiệm vụ tuần",
    "pending": "Việc chờ đồng chí xử lý",
    "summary": "Báo cáo tổng hợp tình hình thực hiện nhiệm vụ",
}


@pytest.mark.parametrize("which", ["outbox", "digest", "pending", "summary"])
def test_the_mail_preview_breaks_no_csp_rule(app, factory, world, which):
    message = _queue_digest(app, factory, world)
    if which in ("pending", "summary"):
        message = _queue_leader_mails(app, factory, world)[which]
    server = LiveServer(app).start()
    console: list[str] = []
    try:
        with chromium() as browser:
            page = new_page(browser, 1366)
            page.on("console", lambda m: console.append(m.text))
            log_in(page, server.url, "admin", check=False)
            page.add_init_script(WATCH)
            if which == "digest":
                page.goto(f"{server.url}/units/{world.ward_a.id}/digest")
            else:
                page.goto(f"{server.url}/outbox/{message.id}")
            expect(page.locator("iframe.mail-html")).to_be_visible()
            frame = page.frame_locator("iframe.mail-html")
            heading = frame.locator("h1")
            expect(heading).to_contain_text(HEADINGS[which])
            if which in ("outbox", "digest"):
                expect(frame.locator("body")).to_contain_text("Chỉnh trang vỉa hè")
            size = heading.evaluate("e => getComputedStyle(e).fontSize")
            page.wait_for_timeout(300)
            violations = page.evaluate("window.__cspViolations")
            shot(page, f"mail-preview-{which}")
            # The frame itself, scrolled into view (a full-page shot may leave it unpainted).
            framed = page.locator("iframe.mail-html")
            framed.scroll_into_view_if_needed()
            framed.screenshot(path=artifact(f"mail-preview-{which}-frame.png"))
    finally:
        server.stop()
    reported = [text for text in console if "Content Security Policy" in text]
    assert violations == [], violations
    assert reported == [], reported
    # The mail's inline styles apply inside the preview (18px, not a browser's 2em).
    assert size == "18px"

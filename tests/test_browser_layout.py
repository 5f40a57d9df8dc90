"""The layout at an office laptop's width and on a phone, measured in a real Chromium (issue 14,
item 11): the opened update form fits the work table, the header keeps to one line at 1280 and
1366 px and folds up at 390 px without widening the page, and the search boxes' magnifier never
covers their text. Screenshots go to test-artifacts/layout-*.png for a person to look at.
"""

from __future__ import annotations

import pytest
from browser_pages import ROLES, login, main_pages
from browser_support import LiveServer, chromium, require_chromium, shot
from playwright.sync_api import Page, expect

from tracker.cli import cli
from tracker.models import Unit, User

pytestmark = pytest.mark.browser

# A long name, as people's names with their post often are: the header must still fit.
LONG_NAME = "Nguyễn Thị Phương Thảo, Chuyên viên tổng hợp Văn phòng HĐND và UBND quận"


@pytest.fixture
def demo(app, runner):
    """The demo on a live server and a Chromium: (base URL, browser)."""
    require_chromium()  # before the demo is loaded
    result = runner.invoke(cli, ["load-demo"])
    assert result.exit_code == 0, result.output
    User.update(full_name=LONG_NAME).where(User.username == "tonghop").execute()
    server = LiveServer(app).start()
    with chromium() as browser:
        yield server.url, browser
    server.stop()


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


# --- (a) the inline update form inside the work table ----------------------------------------


@pytest.mark.parametrize("width", [1366, 1280])
def test_opened_update_form_fits_the_work_table(demo, width):
    """The officer's report form on their home, the leader's status buttons on a unit's page."""
    base, browser = demo
    ward = Unit.get(Unit.code == "sodau")
    for username, path, expected in (
        ("p.sodau", "/", "Gửi báo cáo"),
        ("lanhdao", f"/units/{ward.id}", "Tạm dừng"),
    ):
        page = login(browser, base, username, width)
        page.goto(base + path)
        row = page.locator("table.work-table tbody tr", has=page.locator("details")).first
        row.locator("summary").click()
        expect(row.get_by_role("button", name=expected)).to_be_visible()
        wrap = page.locator(".table-wrap").first
        inner = wrap.evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth})")
        assert inner["scroll"] <= inner["client"], f"{username}: the table overflows: {inner}"
        frame = wrap.bounding_box()
        buttons = row.locator("button").all()
        assert buttons
        for button in buttons:
            b = button.bounding_box()
            label = f"{username}: {button.inner_text()}"
            assert b["x"] >= frame["x"] - 0.5, label
            assert b["x"] + b["width"] <= frame["x"] + frame["width"] + 0.5, label
            assert b["x"] + b["width"] <= width, label
        buttons[-1].scroll_into_view_if_needed()
        shot(page, f"layout-update-form-{username}-{width}", full_page=False)
        page.context.close()


# --- (b) the header: one line on a laptop, folded on a phone ---------------------------------


def header_lines(page: Page) -> list[float]:
    """The distinct vertical centres of the header's items (one per line of the header)."""
    centres = page.eval_on_selector_all(
        "header nav > ul > li",
        "items => items.filter(li => li.offsetParent).map(li => {"
        " const r = li.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })",
    )
    lines: list[float] = []
    for c in sorted(centres):
        if not lines or c - lines[-1] > 4:
            lines.append(c)
    return lines


@pytest.mark.parametrize("width", [1280, 1366])
def test_header_keeps_to_one_line_on_a_laptop(demo, width):
    base, browser = demo
    for username in ("admin", "lanhdao", "tonghop", "p.sodau"):
        page = login(browser, base, username, width)
        for lang in ("vi", "en"):
            if lang == "en":
                page.get_by_role("button", name="EN").click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
                page.wait_for_load_state()
            lines = header_lines(page)
            nav = box(page, "header nav")
            tallest = max(
                page.eval_on_selector_all(
                    "header nav > ul > li", "items => items.map(li => li.offsetHeight)"
                )
            )
            if lang == "vi":
                assert len(lines) == 1, f"{username} header on {len(lines)} lines at {width}"
                assert nav["height"] <= tallest + 1, f"{username}: {nav} vs {tallest}"
            else:  # longer labels: the account group may move below, whole
                assert len(lines) <= 2, f"{username} (en) header on {len(lines)} lines"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{username} ({lang}): page {scroll} px wide at {width}"
            if username == "tonghop" and lang == "vi":
                shot(page, f"layout-header-{width}", full_page=False)
        page.context.close()


# Pages laid out as a sheet of A4 paper (the printed report), not as screens.
PAPER = {"reports-print"}


def test_header_folds_up_on_a_phone_without_widening_the_page(demo):
    """At 390 px every page of each role stays 390 px wide, and the header leaves room."""
    base, browser = demo
    for role, username in {**ROLES, "secretary": "tonghop"}.items():
        page = login(browser, base, username, 390)
        header = box(page, "header")
        assert header["height"] <= 220, f"{role}: the header takes {header['height']} px"
        for name, path in main_pages(username).items():
            if name in PAPER:
                continue
            response = page.goto(base + path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= 390, f"{role} {name} ({path}) is {scroll} px wide at 390"
            if name in ("home", "unit-work", "assignment", "search", "queue-submitted", "calendar"):
                shot(page, f"layout-390-{role}-{name}", full_page=False)
        page.context.close()


# --- (c) the search boxes' magnifier ---------------------------------------------------------

ICON = """el => {
  const s = getComputedStyle(el);
  const x = parseFloat(s.backgroundPositionX.replace(/^left\\s*/, ''));
  const w = parseFloat(s.backgroundSize);
  return {image: s.backgroundImage !== 'none', iconRight: x + w,
          padding: parseFloat(s.paddingLeft), name: el.name, placeholder: el.placeholder};
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_search_icon_leaves_the_text_clear(demo, width):
    base, browser = demo
    page = login(browser, base, "lanhdao", width)
    for path in ("/", "/search", "/meetings", "/dashboard/assignments", "/queues/submitted"):
        page.goto(base + path)
        boxes = page.locator("input[type=search]")
        assert boxes.count() > 0, path
        for i in range(boxes.count()):
            field = boxes.nth(i)
            if not field.is_visible():
                continue
            icon = field.evaluate(ICON)
            if icon["image"]:
                assert icon["padding"] >= icon["iconRight"] + 2, f"{path}: {icon}"
    page.goto(base + "/")
    shot(page, f"layout-search-{width}", full_page=False)

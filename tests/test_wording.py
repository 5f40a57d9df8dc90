"""Vietnamese wording: one phrase for one thing, labels that say what they do, one brand."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _sources() -> dict[Path, str]:
    """Every template, the Python code and the English catalog: where wording lives."""
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]
    files += [*(ROOT / "tracker").rglob("*.py"), PO]
    return {path: path.read_text(encoding="utf-8") for path in files}


def _found(phrase: str) -> list[str]:
    return [str(p.relative_to(ROOT)) for p, text in _sources().items() if phrase in text]


def test_days_late_has_one_phrase_everywhere():
    """ "Chậm %(n)s ngày" and "Quá hạn %(n)s ngày" said the same thing: only the second stays."""
    assert _found("Chậm %(n)s ngày") == []
    assert _found("Quá hạn %(n)s ngày")


def test_vague_labels_are_gone():
    # "Nhận ra:" (the parser's units) and "Mở trang giao việc" (a link whose action is unclear).
    assert _found('"Nhận ra:"') == []
    assert _found("Mở trang giao việc") == []


def test_the_brand_is_giao_viec_in_header_and_title(client, auth, world):
    """The header says "Giao việc"; every page title ends with it, never "Theo dõi nhiệm vụ"."""
    assert _found('"Theo dõi nhiệm vụ"') == []
    login = client.get("/login").get_data(as_text=True)
    assert re.search(r"<title>Đăng nhập – Giao việc</title>", login)
    auth.login("p.sodau")
    for url in ("/", "/meetings", f"/assignments/{world.assignment_a.id}", "/profile"):
        page = client.get(url).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert title.endswith(" – Giao việc"), (url, title)
        assert title.count("Giao việc") == 1, (url, title)
        assert "Theo dõi nhiệm vụ" not in title
        assert 'class="brand">Giao việc</a>' in page


def test_work_row_links_say_what_they_open(client, auth, world):
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert "Cập nhật trên trang nhiệm vụ" in page
    assert "Mở trang giao việc" not in page

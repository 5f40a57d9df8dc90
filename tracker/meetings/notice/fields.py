"""A directive's field (lĩnh vực) from its words: the six reform areas, else "khac"."""

from __future__ import annotations

import re

from tracker.meetings.notice.text import fold

# Field code (keys of tracker.models.FIELDS) → folded keywords; more hits win, ties go first.
KEYWORDS = {
    "chinh_quyen_so": [
        "chuyen doi so",
        "chinh quyen so",
        "chinh quyen dien tu",
        "cong nghe thong tin",
        "phan mem",
        "chu ky so",
        "nen tang so",
        "ha tang so",
        "du lieu",
        "dien tu",
        "ha tang",
    ],
    "thu_tuc": [
        "thu tuc hanh chinh",
        "tthc",
        "mot cua",
        "dich vu cong",
        "ho so",
        "buu chinh cong ich",
        "giai quyet thu tuc",
    ],
    "the_che": [
        "van ban quy pham",
        "quy pham phap luat",
        "the che",
        "ra soat van ban",
        "kiem tra van ban",
        "phap che",
    ],
    "bo_may": [
        "to chuc bo may",
        "bo may",
        "sap xep",
        "sap nhap",
        "tinh gian bien che",
        "bien che",
        "vi tri viec lam",
        "don vi hanh chinh",
    ],
    "cong_vu": [
        "cong chuc",
        "vien chuc",
        "cong vu",
        "ky luat, ky cuong",
        "ky cuong",
        "dao duc",
        "can bo",
        "boi duong",
    ],
    "tai_chinh": [
        "tai chinh",
        "ngan sach",
        "kinh phi",
        "tu chu",
        "dau tu cong",
        "giai ngan",
        "thu ngan sach",
    ],
}


def classify(text: str) -> str:
    """The field whose keywords occur most often in ``text`` ("khac" when none does)."""
    folded = fold(text)
    best, score = "khac", 0
    for code, words in KEYWORDS.items():
        hits = sum(len(re.findall(rf"(?<![a-z]){re.escape(w)}(?![a-z])", folded)) for w in words)
        if hits > score:
            best, score = code, hits
    return best

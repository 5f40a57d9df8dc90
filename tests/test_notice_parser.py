"""The notice parser on its own (no database): splitting, units, deadlines, fields, and the
quality figures over the annotated notices in tests/fixtures/notices."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.meetings.notice import Catalog, UnitInfo, parse_notice
from tracker.meetings.notice.deadlines import find_deadline
from tracker.meetings.notice.fields import classify
from tracker.meetings.notice.quality import by_level, evaluate
from tracker.meetings.notice.units import WARDS, abbreviation
from tracker.tasks.workdays import WorkCalendar

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
DAY = date(2022, 5, 10)  # a Tuesday
ADD = WorkCalendar().add  # public holidays only: no database

UNITS = [
    UnitInfo(1, "Phòng Nội vụ", "Phòng Nội vụ", "department"),
    UnitInfo(2, "Phòng Văn hóa và Thông tin", "Phòng VH-TT", "department"),
    UnitInfo(3, "Phòng Tài chính – Kế hoạch", "Phòng TC-KH", "department"),
    UnitInfo(4, "Văn phòng HĐND và UBND quận", "Văn phòng", "department", ("Văn phòng UBND quận",)),
    UnitInfo(5, "UBND phường Sở Dầu", "Phường Sở Dầu", "ward"),
    UnitInfo(6, "UBND phường Minh Khai", "Phường Minh Khai", "ward"),
    UnitInfo(7, "Bưu điện quận Hồng Bàng", "Bưu điện quận", "agency", ("VNPost Hồng Bàng",)),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(UNITS, {"UBND các phường": [5, 6]})


def _names(refs) -> list[str]:
    return [r.label for r in refs]


def _deadline(text: str):
    return find_deadline(text, DAY, ADD)


@pytest.mark.parametrize(
    ("phrase", "kind", "day"),
    [
        ("hoàn thành trước ngày 30/6/2022.", "date", date(2022, 6, 30)),
        ("báo cáo chậm nhất ngày 15-7-2022", "date", date(2022, 7, 15)),
        ("trình UBND quận trước ngày 20 tháng 5 năm 2022", "date", date(2022, 5, 20)),
        ("xong trước 31/7", "date", date(2022, 7, 31)),  # the year of the notice
        ("hoàn thành trong tháng 5/2022", "date", date(2022, 5, 31)),
        ("thực hiện trong tháng 2 năm 2024", "date", date(2024, 2, 29)),
        ("hoàn thành trong quý II/2022", "date", date(2022, 6, 30)),
        ("trình trong quý 4 năm 2022", "date", date(2022, 12, 31)),
        ("hoàn thành trong 10 ngày làm việc", "date", date(2022, 5, 24)),
        ("báo cáo trong 20 ngày kể từ ngày ký", "date", date(2022, 5, 30)),
        ("hoàn thành trong năm 2022", "date", date(2022, 12, 31)),
        ("thường xuyên kiểm tra, đôn đốc", "ongoing", None),
        ("tăng cường tuyên truyền về chuyển đổi số", "none", None),
    ],
)
def test_deadline_phrases(phrase, kind, day):
    found = _deadline(phrase)
    assert (found.kind, found.day) == (kind, day)


def test_working_days_skip_holidays():
    # 10 working days from 26/4/2022 skip 30/4–3/5 (Reunification Day, Labour Day, observed).
    found = find_deadline("trong 10 ngày làm việc", date(2022, 4, 26), ADD)
    assert found.working_days == 10 and found.day == date(2022, 5, 12)


def test_reference_dates_are_not_deadlines():
    found = _deadline("Thực hiện Kế hoạch số 35/KH-UBND ngày 15/3/2022 của UBND quận.")
    assert found.kind == "none"


def test_impossible_date_is_flagged_not_raised():
    found = _deadline("trình UBND quận trước ngày 30/02/2023")
    assert found.kind == "date" and found.day is None
    assert found.bad_date == "30/02/2023" and "không tồn tại" in found.problem


def test_impossible_date_on_its_draft(catalog):
    drafts = parse_notice(
        "Kết luận như sau:\n1. Phòng Nội vụ trình trước ngày 30/02/2023.\n"
        "2. Phòng TC-KH xong trước ngày 28/02/2023.",
        catalog,
        DAY,
        ADD,
    )
    assert [d.deadline.problem != "" for d in drafts] == [True, False]
    assert drafts[1].deadline.day == date(2023, 2, 28)


def test_abbreviations_from_initials():
    assert abbreviation("Phòng Văn hóa và Thông tin") == "phong vh tt"
    assert abbreviation("Phòng Lao động - Thương binh và Xã hội") == "phong ld tb xh"
    assert abbreviation("Văn phòng HĐND và UBND quận") is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Phòng VH-TT chủ trì", "Phòng Văn hóa và Thông tin"),
        ("phòng văn hoá - thông tin chủ trì", "Phòng Văn hóa và Thông tin"),  # accents, case
        ("PHONG VAN HOA VA THONG TIN chủ trì", "Phòng Văn hóa và Thông tin"),
        ("Phòng TC-KH chủ trì", "Phòng Tài chính – Kế hoạch"),
        ("Phòng Tài chính - Kế hoạch chủ trì", "Phòng Tài chính – Kế hoạch"),
        ("Phòng TCKH chủ trì", "Phòng Tài chính – Kế hoạch"),
        ("Văn phòng UBND quận chủ trì", "Văn phòng HĐND và UBND quận"),  # explicit alias
        (
            "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận chủ trì",
            "Văn phòng HĐND và UBND quận",
        ),
        ("phường Sở Dầu chủ trì", "UBND phường Sở Dầu"),
        ("VNPost Hồng Bàng chủ trì", "Bưu điện quận Hồng Bàng"),
    ],
)
def test_units_by_name_short_name_alias(catalog, text, unit):
    assert [m.ref.label for m in catalog.mentions(text)[:1]] == [unit]


def test_groups(catalog):
    (wards,) = catalog.mentions("Ủy ban nhân dân các phường triển khai")
    assert set(wards.ref.ids) == {5, 6}
    (depts,) = catalog.mentions("yêu cầu các phòng, ban, cơ quan, đơn vị thực hiện")
    assert set(depts.ref.ids) == {1, 2, 3, 4}
    refs, unknown = catalog.resolve("UBND các phường; Phòng Nội vụ")
    assert not unknown and [r.ids for r in refs] == [(5, 6), (1,)]


def test_lead_and_coordinating(catalog):
    (draft,) = parse_notice(
        "Kết luận:\n- Giao Phòng Nội vụ chủ trì, phối hợp với Phòng VH-TT, UBND các phường "
        "xây dựng kế hoạch, báo cáo kết quả về Văn phòng UBND quận trước ngày 30/6/2022.\n"
        "- Phòng TC-KH bố trí kinh phí.",
        catalog,
        DAY,
        ADD,
    )[:1]
    assert _names(draft.lead) == ["Phòng Nội vụ"]
    # The office receives the report: it is not given the task.
    assert _names(draft.coordinating) == ["Phòng Văn hóa và Thông tin", "UBND các phường"]
    assert draft.title == "Xây dựng kế hoạch, báo cáo kết quả về Văn phòng UBND quận"


def test_nested_items_inherit_their_heading_units(catalog):
    drafts = parse_notice(
        "I. ĐÁNH GIÁ\n1. Kết quả tốt.\nII. NHIỆM VỤ\n1. Phòng Nội vụ:\na) Rà soát vị trí việc "
        "làm;\nb) Phối hợp với Phòng VH-TT tuyên truyền thường xuyên.\n2. UBND phường Minh "
        "Khai chỉnh trang đô thị trong quý III/2022.",
        catalog,
        DAY,
        ADD,
    )
    assert [d.title for d in drafts] == [
        "Rà soát vị trí việc làm",
        "Tuyên truyền thường xuyên",
        "Chỉnh trang đô thị",  # the deadline is its own field
    ]
    assert [_names(d.lead) for d in drafts] == [
        ["Phòng Nội vụ"],
        ["Phòng Nội vụ"],
        ["UBND phường Minh Khai"],
    ]
    assert _names(drafts[1].coordinating) == ["Phòng Văn hóa và Thông tin"]
    assert [d.deadline.kind for d in drafts] == ["none", "ongoing", "date"]
    assert drafts[0].field == "bo_may"


def test_clauses_of_one_sentence(catalog):
    drafts = parse_notice(
        "Đồng chí Chủ tịch yêu cầu các phòng, ban, UBND các phường cần: rà soát thủ tục hành "
        "chính; đẩy mạnh chuyển đổi số; phối hợp với Bưu điện quận trả kết quả thủ tục hành "
        "chính qua bưu chính công ích.",
        catalog,
        DAY,
        ADD,
    )
    assert len(drafts) == 3
    assert all(WARDS not in [r.key for r in d.lead] for d in drafts)  # the named group is used
    assert [len({i for r in d.lead for i in r.ids}) for d in drafts] == [6, 6, 6]
    assert _names(drafts[2].coordinating) == ["Bưu điện quận Hồng Bàng"]
    assert [d.field for d in drafts] == ["thu_tuc", "chinh_quyen_so", "thu_tuc"]


def test_header_and_footer_ignored(catalog):
    drafts = parse_notice(
        "ỦY BAN NHÂN DÂN QUẬN\nSố: 45/TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nKết luận như sau:\n1. Phòng Nội vụ rà soát.\n"
        "2. Phòng VH-TT tuyên truyền.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH",
        catalog,
        DAY,
        ADD,
    )
    assert [d.text for d in drafts] == ["Phòng Nội vụ rà soát.", "Phòng VH-TT tuyên truyền."]


def test_no_directive_gives_one_draft_with_the_whole_text(catalog):
    text = "THÔNG BÁO\nLịch họp được lùi sang chiều thứ Năm.\nThành phần không thay đổi."
    (draft,) = parse_notice(text, catalog, DAY, ADD)
    assert draft.whole and "Thành phần không thay đổi" in draft.text
    assert draft.deadline.kind == "none" and not draft.lead
    assert parse_notice("", catalog, DAY, ADD)[0].whole


def test_unknown_unit_flagged_with_close_names(catalog):
    refs, unknown = catalog.resolve("Phòng Nội vu; Phòng Văn hoá Thông tn")
    assert [r.label for r in refs] == ["Phòng Nội vụ"]  # accents do not matter
    assert unknown[0].text == "Phòng Văn hoá Thông tn"
    assert unknown[0].suggestions[0] == "Phòng Văn hóa và Thông tin"
    (draft,) = parse_notice(
        "Kết luận:\n- Phòng Kinh tế - Hạ tầng chủ trì kiểm tra.\n- Phòng Nội vụ rà soát.",
        catalog,
        DAY,
        ADD,
    )[:1]
    assert [u.text for u in draft.unknown] == ["Phòng Kinh tế - Hạ tầng"]


def test_fields():
    assert classify("Rà soát văn bản quy phạm pháp luật") == "the_che"
    assert classify("Giải ngân vốn đầu tư công, bố trí kinh phí") == "tai_chinh"
    assert classify("Tổ chức hội nghị") == "khac"


def test_quality_targets_over_all_fixtures():
    results, _total = evaluate(FIXTURES, ADD)
    assert len(results) >= 12
    assert any(r.name.startswith("01-hong-bang") for r in results)
    levels = by_level(results)
    assert {"district-2022", "province", "commune"} <= set(levels)
    for level, total in levels.items():
        for name, target in {"directives": 0.95, "units": 0.95, "deadlines": 0.9}.items():
            score = total[name]
            assert score.precision >= target and score.recall >= target, (level, name, score)


def test_a_long_clause_keeps_what_completes_it(catalog):
    # "… đảm bảo các điều kiện" read as a cut-off title: the purpose ("để …") completes it.
    text = (
        "Kết luận:\n- Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện "
        "để thực hiện chuyển đổi số, xây dựng Chính quyền số quận, phường; tăng cường ứng "
        "dụng các phần mềm.\n- Phòng Nội vụ rà soát."
    )
    draft = parse_notice(text, catalog, DAY, ADD)[0]
    assert draft.title == (
        "Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện để thực hiện "
        "chuyển đổi số, xây dựng Chính quyền số quận, phường"
    )

"""The parser on a province's and a commune's notices, its collective phrases given as data
(the unit kinds), never built in: the same text reads differently with different kinds."""

from __future__ import annotations

from datetime import date

from tracker.core.org_levels import COMMUNE_KINDS, PROVINCE_KINDS
from tracker.meetings.notice import Catalog, UnitInfo, parse_notice
from tracker.meetings.notice.units import KindInfo, kind_key

DAY = date(2025, 10, 14)

PROVINCE_UNITS = [
    UnitInfo(1, "Sở Nội vụ", "Sở Nội vụ", "sector"),
    UnitInfo(2, "Sở Tài chính", "Sở Tài chính", "sector"),
    UnitInfo(3, "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", "sector"),
    UnitInfo(4, "UBND phường Bình Minh", "Phường Bình Minh", "commune"),
    UnitInfo(5, "UBND xã Tân Lập", "Xã Tân Lập", "commune"),
    UnitInfo(6, "UBND đặc khu Hòn Ngọc", "Đặc khu Hòn Ngọc", "commune"),
]
COMMUNE_UNITS = [
    UnitInfo(1, "Văn phòng HĐND và UBND phường", "Văn phòng", "office"),
    UnitInfo(2, "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng KT-HT-ĐT", "office"),
    UnitInfo(3, "Phòng Văn hóa - Xã hội", "Phòng VH-XH", "office"),
    UnitInfo(4, "Trung tâm Phục vụ hành chính công", "Trung tâm PVHCC", "public_service"),
    UnitInfo(5, "Trạm Y tế phường", "Trạm Y tế", "public_service"),
    UnitInfo(6, "Công an phường", "Công an phường", "security"),
    UnitInfo(7, "Ban Chỉ huy quân sự phường", "Ban CHQS", "security"),
    UnitInfo(8, "Tổ dân phố số 1", "TDP 1", "hamlet"),
    UnitInfo(9, "Tổ dân phố số 2", "TDP 2", "hamlet"),
]


def _ids(refs) -> set[int]:
    return {i for r in refs for i in r.ids}


def province_catalog() -> Catalog:
    return Catalog(PROVINCE_UNITS, {}, [KindInfo.of(k) for k in PROVINCE_KINDS])


def test_province_departments_and_communes_lead_together():
    text = (
        "Kết luận:\n1. Các sở, ban, ngành và UBND các xã, phường, đặc khu rà soát thủ tục "
        "hành chính, hoàn thành trước ngày 30/11/2025.\n"
        "2. Sở Nội vụ chủ trì, phối hợp Sở Tài chính tham mưu phương án sắp xếp.\n"
        "3. Văn phòng UBND tỉnh theo dõi, đôn đốc."
    )
    drafts = parse_notice(text, province_catalog(), DAY)
    assert [r.key for r in drafts[0].lead] == [kind_key("sector"), kind_key("commune")]
    assert [r.label for r in drafts[0].lead] == [
        "Các sở, ban, ngành",
        "UBND các xã, phường, đặc khu",
    ]
    assert _ids(drafts[0].lead) == {1, 2, 3, 4, 5, 6}
    assert [r.label for r in drafts[1].lead] == ["Sở Nội vụ"]
    assert [r.label for r in drafts[1].coordinating] == ["Sở Tài chính"]
    assert [r.label for r in drafts[2].lead] == ["Văn phòng UBND tỉnh"]


def test_a_phrase_under_two_kinds_names_both():
    drafts = parse_notice(
        "Kết luận:\n- Các sở, ngành, địa phương kiểm tra đê điều.\n- Sở Tài chính bố trí vốn.",
        province_catalog(),
        DAY,
    )
    assert _ids(drafts[0].lead) == {1, 2, 3, 4, 5, 6}


def test_the_phrases_come_from_the_kinds_given():
    text = "Kết luận:\n- Các đơn vị cấp cơ sở rà soát hồ sơ.\n- Sở Nội vụ tổng hợp."
    without = parse_notice(text, province_catalog(), DAY)
    assert without[0].lead == []
    kinds = [KindInfo("commune", "UBND xã", "Các đơn vị cấp xã", ("các đơn vị cấp cơ sở",))]
    catalog = Catalog(PROVINCE_UNITS, {}, kinds)
    with_phrase = parse_notice(text, catalog, DAY)
    assert [r.label for r in with_phrase[0].lead] == ["Các đơn vị cấp xã"]
    assert _ids(with_phrase[0].lead) == {4, 5, 6}


def test_the_district_phrases_do_not_name_a_province_kind():
    # Without kinds the catalog has the district's ("UBND các phường" → wards): a province's
    # units of kind "commune" are not wards, so the phrase names nobody.
    catalog = Catalog(PROVINCE_UNITS, {})
    drafts = parse_notice(
        "Kết luận:\n- UBND các xã, phường rà soát.\n- Sở Nội vụ tổng hợp.", catalog, DAY
    )
    assert _ids(drafts[0].lead) == set()


def test_commune_offices_residential_groups_and_the_police():
    catalog = Catalog(COMMUNE_UNITS, {}, [KindInfo.of(k) for k in COMMUNE_KINDS])
    text = (
        "Chủ tịch UBND phường kết luận:\n"
        "1. Phòng Kinh tế, Hạ tầng và Đô thị chủ trì, phối hợp Công an phường xử lý lấn chiếm "
        "vỉa hè.\n"
        "2. Các tổ dân phố vận động nhân dân tổng vệ sinh môi trường.\n"
        "3. Phòng Văn hóa - Xã hội chủ trì, phối hợp với các tổ dân phố rà soát hộ nghèo.\n"
        "4. Công an phường và Ban Chỉ huy quân sự phường bảo đảm an ninh, trật tự."
    )
    drafts = parse_notice(text, catalog, DAY)
    assert [r.label for r in drafts[0].lead] == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    assert [r.label for r in drafts[0].coordinating] == ["Công an phường"]
    assert [r.label for r in drafts[1].lead] == ["Các thôn, tổ dân phố"]
    assert _ids(drafts[1].lead) == {8, 9}
    assert _ids(drafts[2].coordinating) == {8, 9}
    assert _ids(drafts[3].lead) == {6, 7}
    assert catalog.kind_labels["hamlet"] == "Thôn, tổ dân phố"

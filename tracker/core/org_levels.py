"""Organisation levels and the unit kinds each one starts with (DESIGN.md "Organisation levels").

Since 1 July 2025 local government has two tiers: the province (its departments — sở, ban,
ngành — and the People's Committees of its communes, wards and special zones) and the commune
or ward (its offices, public service units, police and military command, villages and
residential groups). The pre-2025 district (phòng, ban and UBND phường) stays for the seed.

The level is an office setting (``ORG_LEVEL`` in core/settings.py); the kinds are rows of
``unit_type`` an admin edits. This module only holds the presets, as plain data: the parser
and the quality script read them without a database, and choosing a level in the settings
creates its kinds from them. A phrase listed under two kinds ("các sở, ngành, địa phương")
names the units of both. Labels and phrases are Vietnamese as officials write them; each
phrase is one way a notice names every unit of the kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.core.i18n import N_

PROVINCE, COMMUNE, DISTRICT = "province", "commune", "district"


@dataclass(frozen=True)
class Level:
    """One organisation level: its code and its name in the settings."""

    code: str
    label: str  # a Vietnamese msgid


LEVELS: tuple[Level, ...] = (
    Level(PROVINCE, N_("Tỉnh, thành phố (sở, ban, ngành và UBND cấp xã)")),
    Level(
        COMMUNE, N_("Xã, phường, đặc khu (phòng chuyên môn, đơn vị sự nghiệp, thôn, tổ dân phố)")
    ),
    Level(DISTRICT, N_("Quận, huyện (trước tháng 7/2025: phòng, ban và UBND phường)")),
)
LEVEL_CODES = tuple(lv.code for lv in LEVELS)
# An installation that never chose a level is the district it was built for.
DEFAULT_LEVEL = DISTRICT


def level(code: str) -> Level:
    """The level of ``code`` (the default level for an unknown code)."""
    by_code = {lv.code: lv for lv in LEVELS}
    return by_code.get(code, by_code[DEFAULT_LEVEL])


@dataclass(frozen=True)
class KindPreset:
    """A unit kind as a level starts with it (the columns of ``unit_type``)."""

    code: str
    name: str  # the kind itself, in the admin's list
    label: str  # one unit of the kind, on a unit's page and in filters
    group_label: str  # every unit of the kind: the name of its unit group
    phrases: tuple[str, ...] = ()  # how a notice names every unit of the kind
    sort_order: int = 0


DISTRICT_KINDS: tuple[KindPreset, ...] = (
    KindPreset(
        "department",
        "Phòng, ban chuyên môn",
        "Phòng, ban chuyên môn",
        "Các phòng, ban chuyên môn",
        (
            "các phòng, ban, cơ quan, đơn vị",
            "các phòng, ban, ngành, đơn vị",
            "các phòng, ban, ngành",
            "các phòng, ban chuyên môn",
            "các phòng ban chuyên môn",
            "các cơ quan chuyên môn",
            "các cơ quan, đơn vị",
            "các phòng chuyên môn",
            "các phòng, ban",
            "các phòng ban",
            "thủ trưởng các phòng, ban",
        ),
        10,
    ),
    KindPreset(
        "ward",
        "UBND phường",
        "UBND phường",
        "UBND các phường",
        (
            "UBND các phường",
            "Ủy ban nhân dân các phường",
            "UBND các xã, phường",
            "UBND các xã, thị trấn",
            "UBND các phường, xã",
            "Ủy ban nhân dân các xã, thị trấn",
            "Ủy ban nhân dân các xã, phường",
            "UBND các xã",
            "Ủy ban nhân dân các xã",
            "Chủ tịch UBND các phường",
            "các phường",
            "các xã, thị trấn",
            "các xã, phường",
        ),
        20,
    ),
    KindPreset("agency", "Cơ quan, đơn vị", "Cơ quan, đơn vị", "Các cơ quan, đơn vị", (), 30),
)

PROVINCE_KINDS: tuple[KindPreset, ...] = (
    KindPreset(
        "sector",
        "Sở, ban, ngành",
        "Sở, ban, ngành",
        "Các sở, ban, ngành",
        (
            "các sở, ban, ngành",
            "các sở, ban, ngành tỉnh",
            "các sở, ngành",
            "các sở, ban, ngành, đơn vị",
            "các sở, ngành, địa phương",
            "các cơ quan chuyên môn thuộc UBND tỉnh",
            "các cơ quan, đơn vị thuộc tỉnh",
            "giám đốc các sở",
            "thủ trưởng các sở, ban, ngành",
            "các sở",
        ),
        10,
    ),
    KindPreset(
        "commune",
        "UBND xã, phường, đặc khu",
        "UBND xã, phường, đặc khu",
        "UBND các xã, phường, đặc khu",
        (
            "UBND các xã, phường, đặc khu",
            "Ủy ban nhân dân các xã, phường, đặc khu",
            "Chủ tịch UBND các xã, phường, đặc khu",
            "UBND các xã, phường",
            "Ủy ban nhân dân các xã, phường",
            "UBND các phường, xã",
            "UBND cấp xã",
            "các xã, phường, đặc khu",
            "các xã, phường",
            "các sở, ngành, địa phương",
            "các địa phương",
            "UBND các quận, huyện",
            "UBND các huyện, thị xã, thành phố",
        ),
        20,
    ),
)

COMMUNE_KINDS: tuple[KindPreset, ...] = (
    KindPreset(
        "office",
        "Phòng chuyên môn",
        "Phòng chuyên môn",
        "Các phòng chuyên môn",
        (
            "các phòng chuyên môn",
            "các phòng, ban",
            "các phòng, ban chuyên môn",
            "các cơ quan chuyên môn",
            "các phòng",
        ),
        10,
    ),
    KindPreset(
        "public_service",
        "Đơn vị sự nghiệp",
        "Đơn vị sự nghiệp",
        "Các đơn vị sự nghiệp",
        ("các đơn vị sự nghiệp", "các đơn vị sự nghiệp công lập", "các trường học"),
        20,
    ),
    KindPreset(
        "security",
        "Công an, quân sự",
        "Công an, quân sự",
        "Công an và Ban Chỉ huy quân sự",
        ("lực lượng vũ trang", "các lực lượng vũ trang"),
        30,
    ),
    KindPreset(
        "hamlet",
        "Thôn, tổ dân phố",
        "Thôn, tổ dân phố",
        "Các thôn, tổ dân phố",
        (
            "các thôn, tổ dân phố",
            "các tổ dân phố",
            "các thôn",
            "các thôn, bản",
            "các khu dân cư",
            "trưởng các thôn",
            "tổ trưởng các tổ dân phố",
            "tổ trưởng tổ dân phố",
            "trưởng thôn",
        ),
        40,
    ),
)

PRESETS: dict[str, tuple[KindPreset, ...]] = {
    PROVINCE: PROVINCE_KINDS,
    COMMUNE: COMMUNE_KINDS,
    DISTRICT: DISTRICT_KINDS,
}


def split_phrases(value: str) -> tuple[str, ...]:
    """The collective phrases of a kind as stored: one per line, blank lines left out."""
    return tuple(p.strip() for p in (value or "").splitlines() if p.strip())

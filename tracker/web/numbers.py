"""Numbers with one decimal in the user's locale, formatted fast (the report's and the
overview's dozens of figures per page).

``flask_babel.format_decimal`` / ``format_percent`` parse the pattern, look the locale up and
quantize through ``babel.numbers.NumberPattern.apply`` on every call: about 0.1 ms each, some
80 per report page. These give the same text for the two patterns the pages use
("#,##0.0" and "#,##0.0%"), with the locale's symbols read once per request
(tests/test_leader_render.py compares them with Babel's on many values).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import g
from flask_babel import get_locale

TENTH = Decimal("0.1")


def _symbols() -> tuple[str, str, str]:
    """The locale's decimal, group and minus signs (Latin digits), once per request and locale."""
    locale = get_locale()
    known = g.setdefault("_number_symbols", {})
    symbols = known.get(str(locale))
    if symbols is None:
        symbols = known[str(locale)] = (
            get_decimal_symbol(locale, numbering_system="latn"),
            get_group_symbol(locale, numbering_system="latn"),
            get_minus_sign_symbol(locale, numbering_system="latn"),
        )
    return symbols


def _one_decimal(value: Decimal) -> str:
    decimal_sign, group_sign, minus = _symbols()
    rounded = abs(value).quantize(TENTH, rounding=ROUND_HALF_EVEN)
    whole, _, tenth = f"{rounded:,f}".partition(".")
    text = whole.replace(",", group_sign) + decimal_sign + tenth
    return minus + text if value.is_signed() else text  # Babel keeps the sign of -0.0


def decimal_text(value: float | None) -> str:
    """``format_decimal(value, "#,##0.0")``; a dash for no value."""
    return "—" if value is None else _one_decimal(Decimal(str(value)))


def percent_text(rate: float | None) -> str:
    """``format_percent(rate, "#,##0.0%")``; a dash for no rate."""
    return "—" if rate is None else _one_decimal(Decimal(str(rate)).scaleb(2)) + "%"

"""Reading ids from query arguments, form selects and the session."""

from __future__ import annotations

# PostgreSQL's integer: a larger id would fail in the database instead of matching nothing.
MAX_ID = 2**31 - 1


def parse_id(raw: object) -> int:
    """``raw`` as a row id: ASCII digits naming 1 to MAX_ID (or such an int); else ValueError.

    ``str.isdigit`` alone is not enough: it accepts "²", which ``int`` refuses.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"not an id: {raw!r}")
        value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"id out of range: {raw!r}")
    return value


def optional_id(raw: object) -> int | None:
    """Like ``parse_id``, but an empty value (a select's blank choice, a blank filter) is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_id(raw)

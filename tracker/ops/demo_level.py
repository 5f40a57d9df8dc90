"""The shape of a level's demo (``load-demo --profile province|commune``): plain data.

The data modules (demo_province.py, demo_commune.py) fill it; demo_profiles.py loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    """One level's demo, as data (see demo_province.py for the meaning of each part)."""

    level: str
    email_domain: str
    # (code, name, short name, kind code, officer's username, officer's name)
    units: list[tuple[str, str, str, str, str, str]]
    people: dict[str, str]  # admin, tonghop, theodoi → names
    chair: tuple[str, str]  # the leader's name and title
    head: tuple[str, str, str]  # the unit head: username, name, unit code
    handler: tuple[str, str]  # a second officer of the head's unit: username, name
    # title, place, attendees, notice_number, conclusion; texts may hold {year}, {month} and
    # {due:N} (the date N days after the meeting), filled in when the demo is loaded
    meeting: dict[str, object]
    tasks: list[tuple]  # as demo.TASKS; "@<kind>" names every unit of the kind
    history: dict[tuple[int, str], list[tuple]] = field(default_factory=dict)

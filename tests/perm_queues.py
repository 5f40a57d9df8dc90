"""Permission matrix of the leaders' queues' row forms, fetched when a row's action opens
(GET; the deciders only: a secretary confirms only where the setting allows it)."""

from __future__ import annotations

GETS = [
    ("/queues/submitted/{pending}/actions", {"admin", "lanhdao"}),
    ("/queues/extensions/{extension}/actions", {"admin", "lanhdao"}),
]

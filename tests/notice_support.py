"""The notice review form as the browser posts it, for the tests of notice drafts."""

from __future__ import annotations

from tracker.models import NoticeDraft


def review_form(review: NoticeDraft, **changes) -> dict:
    """The review form as the browser posts it (every draft, every field), with ``changes``."""
    data = {"count": str(len(review.drafts))}
    for i, d in enumerate(review.drafts):
        p = f"d-{i}-"
        if d["include"]:
            data[p + "include"] = "1"
        for name in ("title", "content", "lead", "coordinating", "deadline_kind", "deadline"):
            data[p + name] = d[name] or ""
        data[p + "cadence"] = d["cadence"]
        data[p + "field"] = d["field"]
        # As the page shows it: N working days instead of the date they give.
        days = d.get("working_days")
        data[p + "working_days"] = str(days) if days else ""
        if days:
            data[p + "deadline"] = ""
    data.update(changes)
    return data

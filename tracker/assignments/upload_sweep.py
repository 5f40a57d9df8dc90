"""Removing what an interrupted upload leaves in the upload folder.

An upload is written as ``.tmp-…`` and moved to its final name inside the transaction that
records it (tracker/attachments.py). A process killed in between leaves either a ``.tmp-…``
file or a stored file that no row names. Both are removed once they are older than any
request could still be using them; files a row names are never touched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from tracker.models import Attachment

log = logging.getLogger(__name__)

# Far longer than any upload request may run.
MIN_AGE = timedelta(hours=6)


def sweep(folder: Path, now: datetime, min_age: timedelta = MIN_AGE) -> list[str]:
    """Delete stale temporary and orphaned files in ``folder``; return their names."""
    if not folder.is_dir():
        return []
    cutoff = (now - min_age).timestamp()
    candidates = [
        path for path in folder.iterdir() if path.is_file() and path.stat().st_mtime < cutoff
    ]
    names = [path.name for path in candidates if not path.name.startswith(".tmp-")]
    referenced: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        referenced.update(
            name
            for (name,) in Attachment.select(Attachment.stored_name)
            .where(Attachment.stored_name.in_(chunk))
            .tuples()
        )
    removed = []
    for path in candidates:
        if path.name in referenced:
            continue
        path.unlink(missing_ok=True)
        removed.append(path.name)
    if removed:
        log.info("upload sweep removed %d file(s): %s", len(removed), ", ".join(removed[:20]))
    return removed

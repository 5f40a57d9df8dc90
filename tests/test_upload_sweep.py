"""The sweep removes an interrupted upload's leftovers and nothing a row still names."""

from __future__ import annotations

import os
from datetime import timedelta

from conftest import NOW

from tracker.assignments.upload_sweep import sweep
from tracker.models import Attachment, Submission


def _aged(path, hours: float) -> None:
    stamp = (NOW - timedelta(hours=hours)).timestamp()
    os.utime(path, (stamp, stamp))


def test_sweep_keeps_recorded_and_recent_files(app_ctx, factory, world, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    task = factory.task(factory.meeting(), "Việc có minh chứng")
    assignment = factory.assignment(task, world.dept, status="submitted")
    submission = Submission.create(assignment=assignment, summary="Xong", created_at=NOW)
    Attachment.create(
        assignment=assignment,
        submission=submission,
        original_name="Báo cáo.pdf",
        stored_name="kept.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        created_at=NOW,
    )
    files = {
        "kept.pdf": 48,  # named by a row: kept however old
        "orphan.pdf": 48,  # moved into place, its transaction never committed
        ".tmp-old": 7,  # a killed upload
        ".tmp-new": 1,  # an upload still running
        "recent.pdf": 1,  # just moved, its row about to commit
    }
    for name, hours in files.items():
        (folder / name).write_bytes(b"data")
        _aged(folder / name, hours)

    removed = sweep(folder, NOW)

    assert sorted(removed) == [".tmp-old", "orphan.pdf"]
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-new", "kept.pdf", "recent.pdf"]


def test_sweep_of_a_missing_folder_does_nothing(app_ctx, tmp_path):
    assert sweep(tmp_path / "absent", NOW) == []


def test_scheduler_job_sweeps_the_configured_folder(app, tmp_path):
    from tracker.ops import scheduler

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    app.config["UPLOAD_DIR"] = str(folder)
    (folder / ".tmp-killed").write_bytes(b"x")
    _aged(folder / ".tmp-killed", 7)
    assert scheduler.sweep_uploads(app) == [".tmp-killed"]
    assert not any(folder.iterdir())

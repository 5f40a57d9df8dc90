"""Evidence files: checked, stored outside static/ under generated names, served as downloads.

A file goes through three steps. ``staged_files`` writes each upload under a temporary name
in the upload folder (hashing it on the way) and checks its name and content; the caller
then writes its rows in a transaction; only when that transaction has committed are the
files renamed into place. If anything fails, every file written is deleted again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from tracker.core.clock import get_clock
from tracker.core.file_types import matches_name, sniff
from tracker.core.i18n import N_
from tracker.models import Assignment, Attachment, ReportDraft, Submission, User

MAX_FILES = 10
NAME_MAX = 255
CHUNK = 64 * 1024

BAD_TYPE = N_("Tệp không đúng định dạng cho phép (PDF, Word, Excel, ảnh JPG/PNG).")
BAD_NAME = N_("Tên tệp không hợp lệ: không được chứa đường dẫn (/, \\, ..) hay ký tự điều khiển.")
TOO_MANY = N_("Tối đa %(n)d tệp mỗi lần gửi.")


class UploadError(ValueError):
    """A file refused; ``message`` is Vietnamese (marked with N_, translated when shown)."""

    field = "files"

    def __init__(self, message: str, filename: str = "", **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.params = params


def upload_dir() -> Path:
    """TRACKER_UPLOAD_DIR, or ``uploads`` under the instance folder; created when missing."""
    configured = current_app.config.get("UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.config["INSTANCE_PATH"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_name(raw: str | None) -> str:
    """The client's file name for display (NFC, trimmed), or UploadError if it is path-like.

    The name is never used as a path; it is refused anyway when it looks like one, because
    a name such as ``../x.pdf`` only comes from a tampered request.
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if (
        not name
        or len(name) > NAME_MAX
        or "/" in name
        or "\\" in name
        or name in (".", "..")
        or name.startswith("..")
        or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name)
    ):
        raise UploadError(BAD_NAME, raw or "")
    return name


@dataclass
class Staged:
    """One upload written under a temporary name, checked, waiting for its row's commit."""

    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str
    temp_path: Path
    final_path: Path


def _stage(upload: FileStorage, folder: Path) -> Staged:
    name = clean_name(upload.filename)
    temp_path = folder / f".tmp-{secrets.token_hex(16)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(temp_path, "xb") as out:
            while chunk := upload.stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        with open(temp_path, "rb") as stored:
            file_type = sniff(stored)
        if file_type is None or not matches_name(file_type, name):
            raise UploadError(BAD_TYPE, name)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    stored_name = f"{secrets.token_hex(16)}.{file_type.ext}"
    return Staged(
        original_name=name,
        stored_name=stored_name,
        content_type=file_type.content_type,
        size=size,
        sha256=digest.hexdigest(),
        temp_path=temp_path,
        final_path=folder / stored_name,
    )


def _discard(staged: Sequence[Staged]) -> None:
    for item in staged:
        item.temp_path.unlink(missing_ok=True)
        item.final_path.unlink(missing_ok=True)


@contextmanager
def staged_files(uploads: Sequence[FileStorage]) -> Iterator[list[Staged]]:
    """Write and check ``uploads``; if the block fails (or its commit does), delete them.

    Use it around the transaction that records them: ``record_files`` moves each file into
    place inside that transaction, so once the commit succeeds nothing is left to fail, and a
    failure before or during the commit deletes every file of the request.
    """
    if len(uploads) > MAX_FILES:
        raise UploadError(TOO_MANY, n=MAX_FILES)
    folder = upload_dir()
    staged: list[Staged] = []
    try:
        for upload in uploads:
            staged.append(_stage(upload, folder))
        yield staged
    except BaseException:
        _discard(staged)
        raise


def record_files(
    staged: Sequence[Staged],
    assignment: Assignment,
    submission: Submission | None,
    user: User,
    draft: ReportDraft | None = None,
) -> list[Attachment]:
    """The rows of the staged files, each file moved into place (inside the transaction
    ``staged_files`` wraps); a handler's completion draft names ``draft`` instead of a
    submission."""
    now = get_clock().now()
    rows = []
    for item in staged:
        rows.append(
            Attachment.create(
                assignment=assignment,
                submission=submission,
                draft=draft,
                original_name=item.original_name,
                stored_name=item.stored_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=user,
                created_at=now,
            )
        )
        os.replace(item.temp_path, item.final_path)
    return rows


def uploads_from(files: Sequence[FileStorage]) -> list[FileStorage]:
    """The file inputs that hold a file (a form with nothing chosen sends an empty part)."""
    return [f for f in files if f is not None and (f.filename or "") != ""]

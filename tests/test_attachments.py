"""Evidence files: types judged by content, names never used as paths, size limit, downloads."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from upload_support import (
    HTML,
    JPEG,
    PDF,
    PNG,
    SVG,
    db_snapshot,
    office_zip,
    ole2,
    stored_files,
    upload,
)

from tracker.assignments.attachments import UploadError, clean_name
from tracker.assignments.workflow import WorkflowError
from tracker.config import ConfigError, upload_settings
from tracker.core.file_types import matches_name, sniff
from tracker.followup import submission_flow
from tracker.models import Assignment, Attachment

BAD_TYPE = "Tệp không đúng định dạng cho phép (PDF, Word, Excel, ảnh JPG/PNG)."
BAD_NAME = "Tên tệp không hợp lệ"


@pytest.mark.parametrize(
    ("content", "ext"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (office_zip("word"), "docx"),
        (office_zip("xl"), "xlsx"),
        (ole2("WordDocument"), "doc"),
        (ole2("Workbook"), "xls"),
    ],
)
def test_sniff_accepts_evidence_formats(content, ext):
    found = sniff(io.BytesIO(content))
    assert found is not None and found.ext == ext


@pytest.mark.parametrize(
    "content",
    [
        HTML,
        SVG,
        b"",
        b"plain text report",
        b"GIF89a" + b"\x00" * 20,
        office_zip("word", content_types=False),  # a ZIP, not a Word file
        office_zip("ppt"),
        ole2("PowerPoint Document"),
        b"PK\x03\x04 broken zip",
        b" %PDF-1.4 shifted",
    ],
)
def test_sniff_refuses_everything_else(content):
    assert sniff(io.BytesIO(content)) is None


def test_name_must_match_the_content():
    pdf, png = sniff(io.BytesIO(PDF)), sniff(io.BytesIO(PNG))
    assert matches_name(pdf, "Báo cáo.PDF") and matches_name(png, "anh.png")
    assert not matches_name(png, "anh.pdf") and not matches_name(pdf, "baocao")


@pytest.mark.parametrize(
    "name",
    [
        "../x.pdf",
        "..",
        "a/b.pdf",
        "a\\b.pdf",
        "/etc/passwd",
        "C:\\temp\\x.pdf",
        "x\x00.pdf",
        "x\n.pdf",
        "bao\u202ecod.pdf",  # a right-to-left override hides the real extension
        "",
        "   ",
        "x" * 256 + ".pdf",
    ],
)
def test_path_like_names_refused(name):
    with pytest.raises(UploadError):
        clean_name(name)


def test_display_name_is_normalised():
    decomposed = "Ba\u0301o ca\u0301o.pdf"  # combining accents, as macOS sends them
    assert clean_name(f"  {decomposed} ") == "Báo cáo.pdf"


def test_upload_settings():
    settings = upload_settings({"TRACKER_MAX_UPLOAD_MB": "5", "TRACKER_UPLOAD_DIR": "/srv/x"})
    assert settings["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    assert settings["UPLOAD_DIR"] == "/srv/x" and settings["SECRETARY_MAY_CONFIRM"] is False
    assert upload_settings({})["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert upload_settings({"TRACKER_SECRETARY_MAY_CONFIRM": "1"})["SECRETARY_MAY_CONFIRM"]
    with pytest.raises(ConfigError):
        upload_settings({"TRACKER_MAX_UPLOAD_MB": "0"})


# --- through the submit form ---------------------------------------------------------------


@pytest.fixture
def officer(client, auth, world):
    Assignment.update(status="in_progress").where(Assignment.id == world.assignment_a.id).execute()
    auth.login("p.sodau")
    return client


def post_files(client, a, *files, **extra):
    return client.post(
        f"/assignments/{a.id}/submit",
        data={"summary": "Đã hoàn thành", "files": list(files), **extra},
    )


def test_stored_under_generated_name_outside_static(app, officer, world):
    response = post_files(officer, world.assignment_a, upload(PNG, "Ảnh hiện trường.png"))
    assert response.status_code == 302
    f = Attachment.get()
    assert re.fullmatch(r"[0-9a-f]{32}\.png", f.stored_name)
    assert (f.original_name, f.content_type) == ("Ảnh hiện trường.png", "image/png")
    assert (f.size, f.sha256) == (len(PNG), hashlib.sha256(PNG).hexdigest())
    path = Path(app.config["INSTANCE_PATH"]) / "uploads" / f.stored_name
    assert path.read_bytes() == PNG
    assert Path(app.static_folder).resolve() not in path.resolve().parents


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML, "baocao.pdf", BAD_TYPE),
        (HTML, "baocao.html", BAD_TYPE),
        (SVG, "anh.png", BAD_TYPE),
        (SVG, "anh.svg", BAD_TYPE),
        (PNG, "anh.pdf", BAD_TYPE),  # a real image, named as something else
        (PDF, "../x.pdf", BAD_NAME),
        (PDF, "a/b.pdf", BAD_NAME),
        # Quoted in the multipart header, a backslash is escaped (the test client does not
        # escape it for us): the server reads a\b.pdf.
        (PDF, "a\\\\b.pdf", BAD_NAME),
    ],
)
def test_disguised_or_path_like_files_refused(app, officer, world, content, name, message):
    before = db_snapshot()
    response = post_files(officer, world.assignment_a, upload(content, name))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'id="files-error"' in page
    assert db_snapshot() == before and stored_files(app) == []


def test_one_bad_file_refuses_them_all(app, officer, world):
    before = db_snapshot()
    response = post_files(
        officer, world.assignment_a, upload(PDF, "ok.pdf"), upload(SVG, "anh.png")
    )
    assert response.status_code == 400
    assert db_snapshot() == before and stored_files(app) == []


def test_too_many_files(app, officer, world):
    files = [upload(PDF, f"{i}.pdf") for i in range(11)]
    response = post_files(officer, world.assignment_a, *files)
    assert response.status_code == 400 and "Tối đa 10 tệp" in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_oversize_request_is_413_and_writes_nothing(app, officer, world):
    before = db_snapshot()
    big = PDF + b"0" * (21 * 1024 * 1024)
    response = post_files(officer, world.assignment_a, upload(big, "lon.pdf"))
    assert response.status_code == 413
    assert db_snapshot() == before and stored_files(app) == []


def test_configured_limit(app, officer, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    before = db_snapshot()
    response = post_files(officer, world.assignment_a, upload(PDF + b"0" * 1_100_000, "x.pdf"))
    assert response.status_code == 413
    assert db_snapshot() == before and stored_files(app) == []
    assert post_files(officer, world.assignment_a, upload(PDF, "x.pdf")).status_code == 302


def test_failed_transaction_leaves_no_file(app, world):
    from werkzeug.datastructures import FileStorage

    Assignment.update(status="in_progress").where(Assignment.id == world.assignment_a.id).execute()
    stale = Assignment.get_by_id(world.assignment_a.id)
    Assignment.update(status="paused").where(Assignment.id == stale.id).execute()
    before = db_snapshot()
    with app.test_request_context():
        file = FileStorage(stream=io.BytesIO(PDF), filename="x.pdf")
        with pytest.raises(WorkflowError):
            submission_flow.submit(stale, world.officer_a, "Xong", files=[file])
    assert db_snapshot() == before and stored_files(app) == []


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def attachment(officer, world, auth):
    post_files(officer, world.assignment_a, upload(PDF, "Báo cáo kết quả.pdf"))
    auth.logout()
    return Attachment.get()


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop", "theodoi", "p.sodau"])
def test_download_for_those_who_see_the_assignment(client, auth, attachment, username):
    auth.login(username)
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20k%E1%BA%BFt%20qu%E1%BA%A3.pdf" in disposition


@pytest.mark.parametrize("username", ["pb.noivu", "p.hoangvanthu"])
def test_download_hidden_from_outsiders(client, auth, attachment, username):
    # The department has no part in this task; the other ward leads it too, and co-leads do
    # not read each other's evidence (issue 14, item 18).
    auth.login(username)
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get("/attachments/99999").status_code == 404
    assert client.hx_get(f"/attachments/{attachment.id}").status_code == 404


def test_download_needs_login(client, attachment):
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_file_is_404(app, client, auth, attachment):
    (Path(app.config["INSTANCE_PATH"]) / "uploads" / attachment.stored_name).unlink()
    auth.login("lanhdao")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404

"""A web worker loads the heavy libraries only when a request needs them (its memory)."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("openpyxl", "xlsxwriter", "jsonschema")


def _loaded_after(code: str, tmp_path) -> set[str]:
    env = dict(
        os.environ,
        TRACKER_SECRET_KEY="test-secret-key",
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    script = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_building_the_app_loads_no_spreadsheet_or_schema_library(tmp_path):
    assert _loaded_after("import tracker.wsgi", tmp_path) == set()


def test_a_spreadsheet_loads_its_library_when_made(tmp_path):
    code = (
        "import tracker.wsgi\n"
        "from tracker.core.spreadsheet import xlsx_cell\n"
        "from openpyxl import Workbook\n"
        "xlsx_cell(Workbook(write_only=True).create_sheet(), '=1')"
    )
    assert "openpyxl" in _loaded_after(code, tmp_path)

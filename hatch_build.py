"""Hatch build hook: a wheel carries the app's data folders as ``tracker/_data/<folder>``.

templates/, static/ and migrations/ go in as they are in the checkout; the translation catalogs
(translations/<lang>/LC_MESSAGES/*.po) are compiled to .mo with Babel, as ``make translations``
does, so a wheel never depends on .mo files left in the checkout (they are not kept in git).
An editable install gets nothing here: it reads the checkout's folders (tracker/core/paths.py).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DATA_PREFIX = "tracker/_data"
"""Where the folders go inside the wheel; tracker/core/paths.py looks there first."""

FOLDERS = ("templates", "static", "migrations")
"""Top-level folders copied into the wheel as they are."""

TRANSLATIONS = "translations"
"""The catalogs' folder: its .po files go into the wheel compiled."""


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``source`` to .mo under ``target``.

    Fuzzy entries are kept, as ``pybabel compile -f`` in the Makefile keeps them. Returns the
    .mo files written, relative to ``target``.
    """
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        relative = po_path.relative_to(source).with_suffix(".mo")
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=relative.parts[0])
        mo_path = target / relative
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=True)
        written.append(relative)
    return written


class CustomBuildHook(BuildHookInterface):
    """Adds the data folders and the compiled catalogs to a standard wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Map each folder into the wheel; compile the catalogs into a temporary folder."""
        self._compiled: Path | None = None
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        for folder in FOLDERS:
            if not (root / folder).is_dir():
                raise RuntimeError(f"{folder}/ is missing from {root}: the wheel needs it")
            build_data["force_include"][str(root / folder)] = f"{DATA_PREFIX}/{folder}"
        self._compiled = Path(tempfile.mkdtemp(prefix="tracker-mo-"))
        catalogs = compile_catalogs(root / TRANSLATIONS, self._compiled)
        if not catalogs:
            raise RuntimeError(f"no {TRANSLATIONS}/*/LC_MESSAGES/*.po under {root}")
        for relative in catalogs:
            build_data["force_include"][str(self._compiled / relative)] = (
                f"{DATA_PREFIX}/{TRANSLATIONS}/{relative.as_posix()}"
            )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the compiled catalogs' temporary folder."""
        if self._compiled is not None:
            shutil.rmtree(self._compiled, ignore_errors=True)

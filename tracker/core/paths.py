"""Where the app's resource folders are, the same way installed from a wheel or from a checkout.

A wheel carries templates/, static/, migrations/ and the compiled translations/ inside the package
as ``tracker/_data/<folder>`` (hatch_build.py); a checkout (and its editable install) has them at
its top level, beside ``tracker/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Resource = Literal["templates", "static", "translations", "migrations"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``tracker`` package's folder."""

PACKAGED_DATA = PACKAGE_DIR / "_data"
"""Where a built wheel puts the resource folders."""


def resource_dir(name: Resource) -> Path:
    """The folder ``name``: the packaged copy if the package has one, else the checkout's."""
    packaged = PACKAGED_DATA / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name

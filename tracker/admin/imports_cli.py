"""``tracker import-units|import-groups|import-users FILE``: the admin import from a shell.

The same reading, checks and single transaction as the web page. Problems are printed one
per line ("dòng 7, Mã đơn vị: …"); nothing is written while any remain unless ``--only-valid``
is given. Generated passwords are printed once, as CSV, on standard output.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.admin import imports_spec as spec
from tracker.admin.imports_apply import apply, credentials_csv
from tracker.admin.imports_check import check, rows_of
from tracker.admin.imports_read import ImportFileError, read_upload
from tracker.core.db import database


def _run(kind: str, path: Path, only_valid: bool, update: bool) -> None:
    with database.connection_context():
        try:
            rows, missing = rows_of(kind, read_upload(path.read_bytes(), path.name))
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from exc
        if missing:
            raise click.ClickException(f"Thiếu cột: {', '.join(missing)}.")
        rows = check(kind, rows, update, None)
        bad = [r for r in rows if not r.valid]
        for row in bad:
            for key, message in row.problems:
                click.echo(f"dòng {row.number}, {spec.label(kind, key)}: {message}", err=True)
        if bad and not only_valid:
            raise click.ClickException(
                f"{len(bad)}/{len(rows)} dòng có lỗi; chưa nhập gì (dùng --only-valid để chỉ "
                "nhập các dòng hợp lệ)."
            )
        valid = [r for r in rows if r.valid]
        outcome = apply(kind, valid, None) if valid else None
    if outcome is None:
        raise click.ClickException("Không có dòng hợp lệ nào để nhập.")
    click.echo(
        f"Thêm mới {outcome.created}, cập nhật {outcome.updated}, "
        f"không thay đổi {outcome.unchanged}, bỏ qua {len(bad)} dòng có lỗi.",
        err=True,
    )
    if outcome.credentials:
        click.echo("Mật khẩu được tạo (chỉ hiển thị một lần):", err=True)
        click.echo(credentials_csv(outcome.credentials).lstrip("\ufeff"), nl=False)


def _command(kind: str, name: str, what: str) -> click.Command:
    @click.command(name, help=f"Import {what} from an .xlsx or .csv file (see the templates).")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--only-valid", is_flag=True, help="Import the valid rows, skip the others.")
    @click.option("--update", is_flag=True, help="Update existing rows instead of refusing them.")
    @with_appcontext
    def command(file: Path, only_valid: bool, update: bool) -> None:
        _run(kind, file, only_valid, update)

    return command


import_commands = [
    _command("units", "import-units", "units"),
    _command("groups", "import-groups", "unit groups"),
    _command("users", "import-users", "users"),
]

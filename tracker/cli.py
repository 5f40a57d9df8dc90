"""The ``tracker`` command: Flask's CLI plus the project's own commands."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app, db
from .models import ROLES, Unit, User


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Giao việc — theo dõi thực hiện nhiệm vụ."""


@cli.command("init-db")
def init_db() -> None:
    """Apply the database migrations (safe to run again)."""
    applied = db.migrate()
    click.echo(f"Applied {len(applied)} migration(s)." if applied else "Database is up to date.")


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--unit", "unit_code", default=None, help="unit code (officers)")
@click.option("--email", default="")
@click.password_option()
def create_user(
    username: str, full_name: str, role: str, unit_code: str | None, email: str, password: str
) -> None:
    """Create a user account."""
    from .clock import get_clock

    with db.database.connection_context():
        if User.select().where(User.username == username).exists():
            raise click.ClickException(f"User {username!r} already exists.")
        unit = None
        if unit_code:
            unit = Unit.get_or_none(Unit.code == unit_code)
            if unit is None:
                raise click.ClickException(f"Unknown unit code {unit_code!r}.")
        if role == "officer" and unit is None:
            raise click.ClickException("An officer needs --unit.")
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            email=email,
            created_at=get_clock().now(),
        )
        user.set_password(password)
        user.save()
    click.echo(f"Created {role} {username}.")

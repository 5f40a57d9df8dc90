"""The ``tracker`` command: Flask's CLI plus the project's own commands."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import FlaskGroup

from tracker import create_app
from tracker.core import db
from tracker.models import ROLES, UNIT_ROLES, Unit, User
from tracker.ops.migrate import migrate


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Giao việc — theo dõi thực hiện nhiệm vụ."""


@cli.command("init-db")
def init_db() -> None:
    """Apply the database migrations (safe to run again)."""
    applied = migrate()
    click.echo(f"Applied {len(applied)} migration(s)." if applied else "Database is up to date.")


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
@click.option("--unit", "unit_code", default=None, help="unit code (unit heads and officers)")
@click.option("--email", default="")
@click.password_option()
def create_user(
    username: str, full_name: str, role: str, unit_code: str | None, email: str, password: str
) -> None:
    """Create a user account."""
    from tracker.core.clock import get_clock

    with db.database.connection_context():
        if User.select().where(User.username == username).exists():
            raise click.ClickException(f"User {username!r} already exists.")
        unit = None
        if unit_code:
            unit = Unit.get_or_none(Unit.code == unit_code)
            if unit is None:
                raise click.ClickException(f"Unknown unit code {unit_code!r}.")
        if role in UNIT_ROLES and unit is None:
            raise click.ClickException(f"A {role} needs --unit.")
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


@cli.command("load-demo")
@click.option(
    "--date",
    "meeting_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="meeting date (default: 14 days ago); deadlines and history follow it",
)
@click.option("--if-empty", is_flag=True, help="do nothing if the database already has users")
@click.option(
    "--profile",
    type=click.Choice(["district-2022", "province", "commune"]),  # demo_profiles.names()
    default="district-2022",
    show_default=True,
    help="district-2022: quận Hồng Bàng's 2022 meeting; province: tỉnh Hòa Sơn; "
    "commune: phường Bình Minh",
)
def load_demo(meeting_date: datetime | None, if_empty: bool, profile: str) -> None:
    """Load the demo (by default quận Hồng Bàng's CCHC steering committee meeting)."""
    from tracker.ops import demo, demo_profiles

    with db.database.connection_context():
        if demo.missing_tables():
            raise click.ClickException("The database has no schema: run `tracker init-db` first.")
        if if_empty and User.select().exists():
            click.echo("The database already has users (demo already loaded): nothing to do.")
            click.echo(demo_profiles.accounts_hint())
            return
        try:
            accounts = demo_profiles.load(meeting_date.date() if meeting_date else None, profile)
        except demo.DemoError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Loaded the demo: {len(accounts)} accounts.")
        click.echo(demo.accounts_table(accounts))


@cli.command("seed-bench")
@click.option("--tasks", "n_tasks", type=click.IntRange(min=1), required=True)
@click.option("--units", "n_units", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def seed_bench(n_tasks: int, n_units: int, seed: int) -> None:
    """Add a large synthetic data set for benchmarks (deterministic with --seed)."""
    from tracker.ops import bench_seed
    from tracker.ops.demo import missing_tables

    with db.database.connection_context():
        if missing_tables():
            raise click.ClickException("The database has no schema: run `tracker init-db` first.")
        summary = bench_seed.seed(
            n_tasks, n_units=n_units, seed=seed, progress=lambda line: click.echo(line, err=True)
        )
    click.echo(summary.report())


@cli.command("send-reminders")
@click.option(
    "--kind",
    type=click.Choice(["weekly", "summary", "due-soon", "pending"]),
    required=True,
    help="weekly unit digest, leaders' summary, daily due-soon mails, or the leaders' daily "
    "mail of what waits for their decision",
)
@click.option(
    "--at",
    "at_text",
    default=None,
    help="run as if at this moment (ISO 8601; without an offset: the configured zone)",
)
@click.option("--dry-run", is_flag=True, help="print who would get what; queue nothing")
def send_reminders(kind: str, at_text: str | None, dry_run: bool) -> None:
    """Build one kind of reminder for its current period and queue it (once per period)."""
    from tracker.core.clock import get_clock
    from tracker.reminders import jobs, periods

    clock = get_clock()
    try:
        at = periods.parse_instant(at_text, clock.tz) if at_text else clock.now()
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date-time: {at_text!r}", param_hint="--at") from exc
    job = jobs.CLI_KINDS[kind]
    period = jobs.period_of(job, at)
    with db.database.connection_context():
        if not dry_run:
            outcome = jobs.run_job(job, at)
            if outcome.ran:
                click.echo(
                    f"{job} {period}: {outcome.queued} message(s) queued"
                    f" ({outcome.built - outcome.queued} already in the outbox)."
                )
            else:
                click.echo(f"{job} {period} has already run: nothing queued.")
            return
        mails = jobs.build(job, at)
        already = jobs.has_run(job, period)
    moment = at.astimezone(clock.tz).isoformat(timespec="minutes")
    click.echo(f"Dry run of {job} {period} as of {moment}: {len(mails)} message(s).")
    for mail in mails:
        counts = ", ".join(f"{name} {n}" for name, n in mail.counts.items() if n)
        click.echo(f"- {mail.addressee}")
        click.echo(f"  to: {', '.join(mail.recipients) or '(no address)'}")
        if mail.missing:
            click.echo(f"  without an address: {', '.join(mail.missing)}")
        click.echo(f"  subject: {mail.subject}")
        click.echo(f"  items: {counts or '-'}")
    if already:
        click.echo("This period has already run: a real run would queue nothing.")
    click.echo("Nothing was queued (dry run).")


@cli.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler: reminders at their times, the mail sender every minute."""
    import logging
    import signal

    from flask import current_app

    from tracker.ops import scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    scheduler.catch_up(app)
    runner = scheduler.build_scheduler(app)

    def stop(*_args: object) -> None:  # once, however many SIGTERMs come
        if runner.running:
            runner.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    click.echo("Scheduler started; stop it with Ctrl+C.")
    try:
        runner.start()
    except KeyboardInterrupt:
        if runner.running:
            runner.shutdown(wait=False)


@cli.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True)
def dev_command(host: str, port: int) -> None:
    """Development server and scheduler together (`make run`); Ctrl+C stops both, status 0."""
    import sys

    from flask import current_app

    from tracker.ops.devserver import serve

    sys.exit(serve(current_app._get_current_object(), host, port, click.echo))


@cli.command("send-outbox")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
def send_outbox(limit: int) -> None:
    """Deliver one batch of due mail (over SMTP) and webhook deliveries (HTTP POST) from the
    outbox and print the counts."""
    from flask import current_app

    from tracker.mail.sender import send_pending

    stats = send_pending(current_app._get_current_object(), limit=limit)
    click.echo(stats.report())


def _add_ops_commands() -> None:
    from tracker.ops.backup import backup_command, restore_command

    cli.add_command(backup_command)
    cli.add_command(restore_command)


_add_ops_commands()

from tracker.admin.imports_cli import import_commands  # noqa: E402

for _command in import_commands:
    cli.add_command(_command)

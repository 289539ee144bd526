"""The `qpi` command: serve, migrate, demo, create-admin, token."""

from __future__ import annotations

import ipaddress
import os
import sys

import click
from sqlalchemy import Engine
from sqlmodel import Session

import app.models  # noqa: F401  (every table, so foreign keys resolve)
from app.config import InsecureSettings, Settings, follow_served_address, get_settings
from app.i18n import gettext, normalise_locale, set_locale


def _engine() -> Engine:
    from app.db import make_engine

    return make_engine(get_settings().database_url)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The QPI team portal. Settings come from QPI_* environment variables and .env."""
    # Messages in the terminal's language when it is one of ours, else the portal's default.
    set_locale(normalise_locale(os.environ.get("LANG")) or get_settings().default_locale)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Number of worker processes.")
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first.")
@click.option("--proxy-headers", is_flag=True, help="Trust X-Forwarded-* from a proxy in front (production).")
def serve(host: str, port: int, workers: int, no_migrate: bool, proxy_headers: bool) -> None:
    """Apply pending migrations, then serve the portal with uvicorn."""
    import uvicorn

    if get_settings().is_development and not is_loopback(host):
        # Development has demo sign-ins, a mailbox page and a generated key: this computer only.
        raise click.ClickException(
            gettext(
                "Development mode serves this computer only (127.0.0.1, ::1 or localhost), not %(host)s. "
                "To serve others, set QPI_ENV=production with QPI_SECRET_KEY and QPI_BASE_URL "
                "(see the README).",
                host=host,
            )
        )
    settings = follow_served_address(host, port)  # development: links name this host and port
    _refuse_unsafe(settings)  # fail here, clearly, not in every worker
    if not no_migrate:
        from app.migrate import upgrade

        upgrade(settings.database_url)
    click.echo(f"QPI portal on http://{host}:{port}  (database: {_redacted(settings.database_url)})")
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        log_level="info",
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # another name: it may resolve anywhere
        return False


@main.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def migrate(revision: str) -> None:
    """Bring the database schema to the newest migration (or --revision)."""
    from app.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    click.echo(f"Database at {revision}.")


@main.command()
@click.option(
    "--children",
    "children",
    default=None,
    type=int,
    help="Also generate this many synthetic children (for benchmarks).",
)
@click.option("--quiet", is_flag=True, help="Do not list the demo sign-ins.")
def demo(children: int | None, quiet: bool) -> None:
    """Load the Nagano demo data (running it twice changes nothing) and list the sign-ins."""
    from app.demo.loader import load_demo
    from app.demo.people import demo_sign_ins
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    engine = _engine()
    with Session(engine) as db:
        report = load_demo(db, extra_children=children or 0, progress=click.echo)
        db.commit()
    click.echo(report)
    if not quiet:
        click.echo(f"\nDemo sign-ins (password for all: {demo_sign_ins()[0].password}):")
        for entry in demo_sign_ins():
            click.echo(f"  {entry.email:<34} {gettext(entry.label)}")


@main.command("create-admin")
@click.option("--email", required=True, help="Sign-in e-mail of the administrator.")
@click.option("--name", "family_name", default="Administrator", show_default=True, help="Family name.")
@click.password_option(help="Password (asked for when not given).")
def create_admin(email: str, family_name: str, password: str) -> None:
    """Create an administrator account (who manages organisations and people)."""
    from app.errors import Invalid
    from app.people.models import Person
    from app.people.service import create_account

    with Session(_engine()) as db:
        person = Person(family_name=family_name, email=email)
        db.add(person)
        db.flush()
        try:
            create_account(db, None, person.id, email, password, is_admin=True)
        except Invalid as invalid:
            for message in invalid.errors.values():
                click.echo(f"Error: {message}", err=True)
            sys.exit(2)
        db.commit()
    click.echo(f"Administrator {email} created.")


@main.command()
@click.option("--once", is_flag=True, help="Send what is due, then exit (for cron or tests).")
def worker(once: bool) -> None:
    """Send queued e-mail and run the periodic jobs (reminders). Several may run at once."""
    import signal

    from app.notifications.worker import Worker

    settings = get_settings()
    _refuse_unsafe(settings)
    runner = Worker(_engine(), settings)
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    click.echo(f"QPI worker {runner.identity} started.")
    try:
        report = runner.run(until_idle=once)
    except KeyboardInterrupt:
        runner.stop()
        return
    click.echo(f"Sent {report.sent}, to retry {report.retried}, given up {report.failed}.")


@main.group()
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.option("--email", required=True, help="Whose token (their sign-in e-mail).")
@click.option("--name", default="cli", show_default=True, help="A name to recognise the token by.")
def token_create(email: str, name: str) -> None:
    """Print a new personal API token for a person (shown once; stored hashed)."""
    from app.accounts.service import find_account
    from app.accounts.tokens import create_token

    with Session(_engine()) as db:
        account = find_account(db, email)
        if account is None or account.disabled_at is not None:
            click.echo(f"Error: no enabled account with the e-mail {email}.", err=True)
            sys.exit(2)
        _record, value = create_token(db, account.person_id, name)
        db.commit()
    click.echo(value)


def _refuse_unsafe(settings: Settings) -> None:
    """Settings that must not start (a weak secret, no QPI_BASE_URL outside development): one
    line naming the variable and exit code 2, not a traceback."""
    try:
        settings.resolved_secret_key()
        settings.check_base_url()
    except InsecureSettings as refused:
        click.echo(f"Error: {refused}", err=True)
        sys.exit(2)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    main()

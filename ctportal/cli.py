"""Command-line interface: `flask --app app COMMAND` (the README lists them)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from ctportal.models import Role, db


def register(app: Flask) -> None:
    import importlib
    import pkgutil

    from ctportal import commands

    for command in (init_db, load_catalogue_command, create_user_command, seed_demo, demo_code,
                    jobs_worker):
        app.cli.add_command(command)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for command in getattr(module, "commands", ()):
            app.cli.add_command(command)


@click.command("init-db")
@click.option("--grant-to", "grant_to", envvar="CTPORTAL_DB_APP_ROLE", default=None, metavar="ROLE",
              help="PostgreSQL: grant this role (the one the web and job processes connect as) row "
                   "access to every table, and no more. Env: CTPORTAL_DB_APP_ROLE.")
def init_db(grant_to: str | None) -> None:
    """Create or upgrade the database schema, then load the parties and the plan catalogue."""
    from flask_migrate import upgrade

    from ctportal.catalogue import load_catalogue
    from ctportal.services.db_roles import RoleError, grant_app_role
    from ctportal.services.parties import ensure_parties

    upgrade()
    parties = len(ensure_parties())
    version = load_catalogue()
    message = (f"Database ready: {parties} parties, plan '{version.code}' with "
               f"{sum(len(o.actions) for o in version.objectives)} actions.")
    if grant_to:
        try:
            grant_app_role(grant_to)
        except RoleError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        message += f" Role {grant_to!r} may read and write rows (audit trail: read and insert only)."
    db.session.commit()
    click.echo(message)


@click.command("load-catalogue")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def load_catalogue_command(path: str | None) -> None:
    """Load a plan catalogue YAML file (default: the 2018 plan) as a plan version."""
    from ctportal.catalogue import CatalogueError, load_catalogue

    try:
        version = load_catalogue(path)
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Plan version '{version.code}' is loaded.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--party", "party_code", help="Party code (AL, BA, XK, ME, MK, RS, EC, EUROPOL, EUROJUST).")
@click.option("--name", default="", help="Full name (default: the email address).")
def create_user_command(email: str, role: str, party_code: str | None, name: str) -> None:
    """Create an account. The password is asked for, or read from standard input."""
    from ctportal.services.parties import party_by_code
    from ctportal.services.users import AccountError, create_user

    party = None
    if party_code:
        party = party_by_code(party_code)
        if party is None:
            raise click.ClickException(f"No party with code {party_code!r}.")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(email, name, Role(role), party, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.title}{', ' + party.name if party else ''}).")


@click.command("seed-demo")
def seed_demo() -> None:
    """Create a demo round with accounts for every role and report content for all parties."""
    from ctportal.services import demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException("seed-demo is for development and demonstration instances only.")
    logins = demo.seed()
    db.session.commit()
    demo.print_logins(logins, click.echo)


@click.command("demo-code")
@click.argument("email")
def demo_code(email: str) -> None:
    """Development only: print the current sign-in code of a demo account's authenticator."""
    import pyotp

    from ctportal.services.auth import find_user_by_email

    if current_app.config["ENV"] == "production":
        raise click.ClickException("demo-code is for development instances only.")
    user = find_user_by_email(email)
    if user is None or not user.totp_secret:
        raise click.ClickException(f"{email} has no authenticator set up.")
    click.echo(pyotp.TOTP(user.totp_secret).now())


@click.command("jobs-worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def jobs_worker(workers: int) -> None:
    """Run the background job worker (needed when CTPORTAL_JOBS_MODE=redis)."""
    from ctportal.jobs import huey

    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()

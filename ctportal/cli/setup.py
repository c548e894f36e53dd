"""Setting up an instance: the schema, the plan catalogue, accounts."""
from __future__ import annotations

import sys

import click
from flask_migrate import upgrade

from ctportal.domain.catalogue import CatalogueError, load_catalogue
from ctportal.models import Role, db
from ctportal.services.accounts.users import AccountError, create_user
from ctportal.services.operations.db_roles import RoleError, grant_app_role
from ctportal.services.operations.setup import ensure_parties, party_by_code


@click.command("init-db")
@click.option("--grant-to", "grant_to", envvar="CTPORTAL_DB_APP_ROLE", default=None, metavar="ROLE",
              help="PostgreSQL: grant this role (the one the web and job processes connect as) row "
                   "access to every table, and no more. Env: CTPORTAL_DB_APP_ROLE.")
def init_db(grant_to: str | None) -> None:
    """Create or upgrade the database schema, then load the parties and the plan catalogue."""
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


commands = [init_db, load_catalogue_command, create_user_command]

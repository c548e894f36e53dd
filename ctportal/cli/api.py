"""`flask create-token` (a personal API token for scripting, printed once), `flask observe` (observers' parties)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app

from ctportal.models import Party, User, db
from ctportal.services.accounts import api_tokens, observers


@click.command("create-token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (shown on the account page).")
@click.option("--days", type=int, default=None, help="Days it stays valid (default API_TOKEN_DEFAULT_DAYS).")
def create_token_command(email: str, name: str, days: int | None) -> None:
    """Print a new read-only API token acting with the rights of the account EMAIL."""
    user = _account(email)
    try:
        _, secret = api_tokens.create(
            user, name, days if days is not None else current_app.config["API_TOKEN_DEFAULT_DAYS"])
    except api_tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(secret)


@click.command("observe")
@click.argument("email")
@click.option("--party", "party_codes", multiple=True, required=True,
              help="A party the observer reads (repeat for several); the set replaces the one before.")
def observe_command(email: str, party_codes: tuple[str, ...]) -> None:
    """Bind the observer EMAIL to these parties (it reads them only where they consent)."""
    user = _account(email)
    parties = []
    for code in party_codes:
        party = db.session.scalar(sa.select(Party).where(Party.code == code.strip().upper()))
        if party is None:
            raise click.ClickException(f"No party has the code {code}.")
        parties.append(party)
    try:
        bound = observers.bind(user, parties)
    except observers.ObserverError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{user.email} observes: {', '.join(p.code for p in bound)}.")


def _account(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    return user


commands = [create_token_command, observe_command]

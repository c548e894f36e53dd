"""`flask create-token`: a personal API token for scripting (the secret is printed once)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app

from ctportal.models import User, db
from ctportal.services.accounts import api_tokens


@click.command("create-token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (shown on the account page).")
@click.option("--days", type=int, default=None, help="Days it stays valid (default API_TOKEN_DEFAULT_DAYS).")
def create_token_command(email: str, name: str, days: int | None) -> None:
    """Print a new read-only API token acting with the rights of the account EMAIL."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    try:
        _, secret = api_tokens.create(
            user, name, days if days is not None else current_app.config["API_TOKEN_DEFAULT_DAYS"])
    except api_tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(secret)


commands = [create_token_command]

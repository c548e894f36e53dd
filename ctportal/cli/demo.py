"""Demo data for development and demonstration instances (never in production)."""
from __future__ import annotations

import click
import pyotp
from flask import current_app

from ctportal.demo import seed as demo
from ctportal.models import db
from ctportal.services.accounts.signin import find_user_by_email


@click.command("seed-demo")
def seed_demo() -> None:
    """Create a demo round with accounts for every role and report content for all parties."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("seed-demo is for development and demonstration instances only.")
    logins = demo.seed()
    db.session.commit()
    demo.print_logins(logins, click.echo)


@click.command("demo-code")
@click.argument("email")
def demo_code(email: str) -> None:
    """Development only: print the current sign-in code of a demo account's authenticator."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("demo-code is for development instances only.")
    user = find_user_by_email(email)
    if user is None or not user.totp_secret:
        raise click.ClickException(f"{email} has no authenticator set up.")
    click.echo(pyotp.TOTP(user.totp_secret).now())


commands = [seed_demo, demo_code]

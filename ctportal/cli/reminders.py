"""`flask send-reminders`: the daily deadline reminders (services/reminders.py)."""
from __future__ import annotations

import datetime as dt

import click

from ctportal.models import db
from ctportal.services.desk.reminders import send_reminders


@click.command("send-reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD); for catching up or testing.")
def send_reminders_command(today: dt.datetime | None) -> None:
    """Remind parties of deadlines (14, 7, 1 days before, overdue) and reviewers of late reviews. Run daily."""
    result = send_reminders(today.date() if today else None)
    db.session.commit()
    for report_id, kind in result.sent:
        click.echo(f"report {report_id}: {kind}")
    click.echo(f"{len(result.sent)} reminder(s) sent, {result.skipped} already sent before.")


commands = [send_reminders_command]

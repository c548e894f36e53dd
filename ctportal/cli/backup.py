"""backup, restore and verify-storage."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app

from ctportal.services.operations.backup import BackupError, create_backup, restore_backup, verify_storage


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(file_okay=False))
def backup_command(destination: str | None) -> None:
    """Copy the database and every stored file into DESTINATION (default: instance/backups/<time>)."""
    if destination is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        destination = str(Path(current_app.instance_path) / "backups" / stamp)
    try:
        path = create_backup(Path(destination))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
def restore_command(source: str) -> None:
    """Restore a backup folder into this (new, empty) instance."""
    try:
        manifest = restore_backup(Path(source))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the backup of {manifest['created_at']}: database and {len(manifest['files'])} files.")


@click.command("verify-storage")
def verify_storage_command() -> None:
    """Check every stored document and PDF against its recorded SHA-256."""
    report = verify_storage()
    for problem in report.problems:
        click.echo(problem, err=True)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} of {report.checked} stored files have a problem.")
    click.echo(f"All {report.checked} stored files are intact.")


commands = [backup_command, restore_command, verify_storage_command]

"""`flask prune-parts`: remove cached PDF parts unused for a number of days (ctportal/services/editions/prune.py)."""
from __future__ import annotations

import click

from ctportal.services.editions.prune import prune_parts


@click.command("prune-parts")
@click.option("--days", type=int, default=30, show_default=True,
              help="Remove parts no compile or download has used for this many days (at least 1).")
def prune_parts_command(days: int) -> None:
    """Remove cached PDF parts nobody has used for a while; they are rendered again if needed. Run weekly."""
    try:
        result = prune_parts(days)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--days") from None
    click.echo(f"{result.parts} cached part(s) removed, {result.bytes / 1e6:.1f} MB freed.")


commands = [prune_parts_command]

"""`flask prune-parts`: remove cached PDF parts unused for a number of days (ctportal/services/editions/prune.py);
`flask compile-edition`: compile a round's consolidated report from a shell, as the secretariat's button does."""
from __future__ import annotations

import time

import click
import sqlalchemy as sa

from ctportal import policy
from ctportal.infra import storage
from ctportal.models import CompiledReport, CompileState, Role, Round, User, db
from ctportal.services.editions import editions as compile_service
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


def _requester(email: str | None) -> User:
    """The secretariat account the edition is recorded as asked by (as the button records its user)."""
    query = sa.select(User).where(User.role == Role.secretariat, User.active.is_(True))
    if email:
        user = db.session.scalar(query.where(sa.func.lower(User.email) == email.strip().lower()))
        if user is None:
            raise click.BadParameter(f"no active secretariat account {email!r}", param_hint="--as")
        return user
    found = list(db.session.scalars(query.order_by(User.id)))
    if len(found) != 1:
        raise click.UsageError(f"{len(found)} active secretariat accounts: name the one who asks with --as EMAIL.")
    return found[0]


@click.command("compile-edition")
@click.argument("round_id", type=int)
@click.option("--draft", is_flag=True, help="A draft edition for the parties' fact-check: DRAFT on every page, "
              "never final; each party's own part is rendered with it.")
@click.option("--as", "email", metavar="EMAIL", help="The secretariat account asking (needed when there are several).")
@click.option("--timeout", type=int, default=1800, show_default=True,
              help="Seconds to wait for an edition someone else is compiling already.")
def compile_edition_command(round_id: int, draft: bool, email: str | None, timeout: int) -> None:
    """Compile the consolidated report of ROUND_ID exactly as the secretariat's Compile button does
    (the same job, the same cache of parts, the same records and audit events) and print the path
    of the stored PDF."""
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise click.BadParameter(f"there is no round {round_id}", param_hint="ROUND_ID")
    user = _requester(email)
    if policy.Permission.COMPILE not in policy.round_permissions(user, rnd):
        raise click.UsageError(f"Round {round_id} is still in preparation: open it before compiling.")
    edition = compile_service.start_compile(rnd, user, draft=draft)
    if edition.draft != draft:  # one compile at a time per round: the one running is of the other kind
        raise click.UsageError(f"Edition {edition.id} of round {round_id} is being compiled now "
                               f"({'a draft' if edition.draft else 'a final one'}): wait for it, then compile again.")
    edition_id = edition.id
    db.session.commit()
    # The job's own function, run here: it claims the edition as a worker would, so a worker handed
    # the same edition later leaves it alone. An edition already running elsewhere is waited for.
    compile_service.run_compile(edition_id)
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        found = db.session.get(CompiledReport, edition_id)
        assert found is not None  # made above; editions are never deleted
        edition = found
        if edition.state not in compile_service.ACTIVE or time.monotonic() > deadline:
            break
        time.sleep(2)
    if edition.state != CompileState.done or not edition.stored_name:
        raise click.ClickException(f"edition {edition_id} {edition.state.value}: {edition.error or edition.stage}")
    click.echo(str(storage.path_for("compiled", edition.stored_name)))


commands = [prune_parts_command, compile_edition_command]

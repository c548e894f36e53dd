"""`flask prune-parts`: remove cached PDF parts unused for a number of days (ctportal/services/editions/prune.py);
`flask compile-edition`: compile a round's consolidated report from a shell, as the secretariat's button does
(`--docx FILE` also writes its Word version there); `flask make-dev-seal`: the development seal in instance/."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import click
from flask import current_app
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
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write the edition in Word (DOCX) to this file.")
def compile_edition_command(round_id: int, draft: bool, email: str | None, timeout: int,
                            docx_file: Path | None) -> None:
    """Compile the consolidated report of ROUND_ID exactly as the secretariat's Compile button does
    (the same job, the same cache of parts, the same records and audit events) and print the path
    of the stored PDF (sealed); with --docx FILE, copy its Word version to FILE."""
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
    if docx_file is not None:
        if not edition.docx_stored_name:
            raise click.ClickException(f"edition {edition_id} has no Word version (compiled before there was one)")
        shutil.copyfile(storage.path_for("compiled", edition.docx_stored_name), docx_file)
        compile_service.record_download(edition, user, kind="docx")
        db.session.commit()
        click.echo(f"Word version written to {docx_file}", err=True)
    click.echo(str(storage.path_for("compiled", edition.stored_name)))


@click.command("make-dev-seal")
@click.option("--replace", is_flag=True, help="Make a new seal even if one exists (editions sealed with the old "
              "one then no longer verify).")
def make_dev_seal_command(replace: bool) -> None:
    """Make the self-signed development seal in instance/seal/ (compiles also make it at first use).
    Production uses the seal set in SEAL_PKCS12_FILE or SEAL_PKCS11_* instead (docs/deployment.md)."""
    from ctportal.services.editions import seal

    if current_app.config["ENV"] == "production":
        raise click.UsageError("Production seals editions with the portal's own seal: set SEAL_PKCS12_FILE and "
                               "SEAL_PASSPHRASE (docs/deployment.md). A self-signed seal is for development.")
    p12, _ = seal.dev_seal_paths(Path(current_app.instance_path))
    existed = p12.exists()
    path = seal.make_dev_seal(Path(current_app.instance_path), replace=replace)
    click.echo(f"{'Kept the' if existed and not replace else 'Made a'} development seal: {path}")


commands = [prune_parts_command, compile_edition_command, make_dev_seal_command]

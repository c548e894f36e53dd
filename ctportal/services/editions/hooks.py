"""What the consolidated PDF needs to hear from the workflow."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from ctportal.infra import jobs
from ctportal.models import db


def _prerender_enabled() -> bool:
    # Tests run jobs synchronously: rendering on every approval would slow every test that approves.
    default = current_app.config.get("JOBS_MODE") != "immediate"
    return bool(current_app.config.get("PDF_PRERENDER_ON_APPROVE", default))


def revision_approved(revision: Any) -> None:
    """An approved revision cannot change: the edition the next compile will ask for — this
    party's annex, the objective parts and summary its report shows in, the assembled whole — can
    be rendered now, in the background, so that compile only copies a file.

    Queued after the approval commits (the job must find the approved revision).
    """
    if not _prerender_enabled():
        return
    revision_id = revision.id

    def queue(_session: Any) -> None:
        prerender_job(revision_id)

    sa.event.listen(db.session(), "after_commit", queue, once=True)


@jobs.task(priority=jobs.Priority.BACKGROUND)
def prerender_job(revision_id: int) -> None:
    from ctportal.models import Revision
    from ctportal.services.editions import content
    from ctportal.services.editions.cache import pool_from_config
    from ctportal.services.editions.edition import prerender_edition

    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.report.approved_revision_id != revision.id:
        return  # reopened (or rolled back) before we got to it
    with pool_from_config() as pool:
        prerender_edition(content.load_round(revision.report.round), pool)
    db.session.commit()


def revision_reopened(revision: Any, reason: str, user: Any) -> None:
    """Every compiled edition containing this revision is superseded."""
    from ctportal.services.editions import editions as compile_service

    compile_service.supersede_containing(revision, reason, user)

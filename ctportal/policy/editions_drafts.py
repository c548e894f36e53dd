"""Draft editions and their fact-check (issue 15, item 4): who may open the period, and who may read
and correct a party's own part of a draft.

A draft edition holds every party's annex, so the edition itself stays Commission-only
(compiled_permissions). A party reads only its own part (services/editions/factcheck.py), and only
its coordinator, who speaks for the party: contributors, other parties, the EU reporters, observers
and admins get 404 as for a missing object.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from ctportal.models import CompiledReport, CompileState, Role, Round, db

from ctportal.policy.access import Permission, _user, round_permissions


def is_draft_edition(edition: Any) -> bool:
    return bool(getattr(edition, "draft", False))


def is_factcheck_open(edition: Any, today: dt.date | None = None) -> bool:
    """A finished draft, not superseded, whose period the secretariat opened and which has not ended."""
    today = today or dt.date.today()
    return (is_draft_edition(edition) and edition.state == CompileState.done and edition.superseded_at is None
            and edition.factcheck_ends_on is not None and today <= edition.factcheck_ends_on)


def may_open_factcheck(user: Any, rnd: Round, edition: Any) -> bool:
    """The secretariat (the one who compiles) opens or moves the period of a finished draft."""
    u = _user(user)
    return (u is not None and u.role == Role.secretariat and Permission.COMPILE in round_permissions(u, rnd)
            and is_draft_edition(edition) and edition.state == CompileState.done and edition.superseded_at is None)


def factcheck_permissions(user: Any, edition: Any, today: dt.date | None = None) -> Permission:
    """A party's coordinator on its own part of a draft: VIEW and DOWNLOAD once the period is opened
    (after its end too, to read what it sent), COMMENT (send corrections) only until it ends.
    Nobody else has any (the Commission reads the edition and the corrections on its own pages)."""
    from ctportal.models import FactcheckSlice

    u = _user(user)
    if (u is None or u.role != Role.coordinator or u.party_id is None or not is_draft_edition(edition)
            or edition.state != CompileState.done or edition.superseded_at is not None
            or edition.factcheck_ends_on is None):
        return Permission.NONE
    has_part = db.session.scalar(sa.select(FactcheckSlice.id).where(
        FactcheckSlice.edition_id == edition.id, FactcheckSlice.party_id == u.party_id))
    if has_part is None:
        return Permission.NONE
    perms = Permission.VIEW | Permission.DOWNLOAD
    if is_factcheck_open(edition, today):
        perms |= Permission.COMMENT
    return perms


def may_correct_factcheck(user: Any, edition: Any, today: dt.date | None = None) -> bool:
    return Permission.COMMENT in factcheck_permissions(user, edition, today)


def get_factcheck_or_404(edition_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> CompiledReport:
    """The draft edition whose part the user reads: 404 unless it is theirs to read, 403 if only read."""
    from ctportal.policy.access import _load_or_404

    return _load_or_404(CompiledReport, edition_id, factcheck_permissions, user, permission)

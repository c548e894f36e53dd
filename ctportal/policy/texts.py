"""The Commission's texts of a round (issue 15): introduction, objective and party assessments,
recommendations, conclusions. Written and approved by reviewers and the secretariat, internal to
the Commission until a final edition carries them.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ctportal.models import (Role, Round, RoundState, db)

from ctportal.policy.access import Permission, COMMISSION_ROLES, _user, round_permissions, _load_or_404


def is_final_edition(rnd: Round, edition: Any) -> bool:
    """An edition is final once its round is closed, it is done and nothing superseded it — and it is
    not a draft for the parties' fact-check, which never publishes anything."""
    from ctportal.models import CompileState
    return (rnd.state == RoundState.closed and edition.state == CompileState.done
            and edition.superseded_at is None and not getattr(edition, "draft", False))


def commission_text_permissions(user: Any, rnd: Round) -> Permission:
    """The texts of a round, as the Commission works on them: reviewers and the secretariat read
    them (VIEW), write them and approve them (ASSESS, APPROVE) while the round is not closed.
    Nobody else sees the pages at all (404): a party reads a text only through
    may_read_commission_text, once it is final."""
    u = _user(user)
    if u is None or u.role not in COMMISSION_ROLES or Permission.VIEW not in round_permissions(u, rnd):
        return Permission.NONE
    perms = Permission.VIEW
    if rnd.state != RoundState.closed:
        perms |= Permission.ASSESS | Permission.APPROVE
    return perms


def get_text_round_or_404(round_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> Round:
    """The round whose texts the user works on: 404 if they may not see them, 403 if only see them."""
    return _load_or_404(Round, round_id, commission_text_permissions, user, permission)


def may_approve_commission_text(user: Any, text: Any) -> bool:
    """Four eyes: the text is approved by someone of the Commission other than its last writer."""
    u = _user(user)
    return u is not None and u.id != text.written_by_id


def may_read_commission_text(user: Any, text: Any) -> bool:
    """The Commission always; anyone else (a party, an observer) only an approved text that a final
    edition carries as it stands — and of the party assessments only their own party's."""
    u = _user(user)
    if u is None:
        return False
    rnd = db.session.get(Round, text.round_id)
    if rnd is None:
        return False
    if Permission.VIEW in commission_text_permissions(u, rnd):
        return True
    from ctportal.models import TextKind, TextState
    if text.state != TextState.approved or not (u.role.is_party_role or u.role == Role.observer):
        return False
    if text.kind == TextKind.party and u.party_id != text.party_id:
        return False
    return is_published_text(rnd, text)


def is_published_text(rnd: Round, text: Any) -> bool:
    """A text a final edition carries as it stands: what a party may read of it, and the only
    recommendations that become follow-up items in its next report."""
    from ctportal.models import CompiledReport, CompiledReportText
    carried = db.session.scalars(sa.select(CompiledReport).join(
        CompiledReportText, CompiledReportText.compiled_report_id == CompiledReport.id).where(
        CompiledReportText.text_id == text.id, CompiledReportText.version == text.version))
    return any(is_final_edition(rnd, edition) for edition in carried)

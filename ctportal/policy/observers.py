"""What only the JSON API asks (ctportal/api/ asks the other modules with the token's owner as the
user), and the observers' rules.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from ctportal.models import (Report, ReportState, Role, Round, RoundState, db)

from ctportal.policy.access import Permission, _user, report_permissions, round_permissions, visible_reports_clause
from ctportal.policy.desk import compiled_permissions
from ctportal.policy.texts import is_final_edition


def may_read_catalogue(user: Any) -> bool:
    """The plan is a public Council document: every signed-in account reads its catalogue."""
    return _user(user) is not None


# Observers (Member-State delegations, the EEAS, the Council secretariat) read, through the API
# only, what a party has agreed to share: for each round, the approved revision, the progress map
# built from it and the final editions — only of the parties they are bound to, and only once that
# party's coordinator has given consent for the round. Never drafts, comments, assessments or other
# parties. They hold no Permission on reports (report_permissions gives them NONE), so every page
# stays closed to them; the API asks the functions below.

def is_observer(user: Any) -> bool:
    u = _user(user)
    return u is not None and u.role == Role.observer


def may_manage_consent(user: Any) -> bool:
    """A party's coordinator (for the EU side, its reporter) gives and withdraws the consent."""
    u = _user(user)
    return u is not None and u.role in (Role.coordinator, Role.eu_reporter)


def observed_party_ids(user: Any, round_id: int) -> set[int]:
    """The parties bound to this observer whose consent for the round stands."""
    if not is_observer(user):
        return set()
    return set(db.session.scalars(_observed_parties(user, round_id)))


def _observed_parties(user: Any, round_id: Any) -> sa.Select[int]:
    from ctportal.models import ObserverConsent, ObserverParty
    return (sa.select(ObserverParty.party_id)
            .join(ObserverConsent, sa.and_(ObserverConsent.party_id == ObserverParty.party_id,
                                           ObserverConsent.round_id == round_id,
                                           ObserverConsent.withdrawn_at.is_(None)))
            .where(ObserverParty.user_id == user.id))


def may_observe_report(user: Any, report: Report) -> bool:
    """An observer reads an approved report of a consenting party bound to it (its approved revision)."""
    return (is_observer(user) and report.state == ReportState.approved and report.approved_revision_id is not None
            and report.round.state != RoundState.draft
            and report.party_id in observed_party_ids(user, report.round_id))


def observed_reports_clause(user: Any) -> sa.ColumnElement[bool]:
    """The SQL form of may_observe_report, for lists."""
    if not is_observer(user):
        return sa.false()
    not_draft_round = Report.round_id.in_(sa.select(Round.id).where(Round.state != RoundState.draft))
    return sa.and_(Report.state == ReportState.approved, Report.approved_revision_id.is_not(None), not_draft_round,
                   Report.party_id.in_(_observed_parties(user, Report.round_id)))


def readable_reports_clause(user: Any) -> sa.ColumnElement[bool]:
    """Reports the API lists: those the user sees on the pages, or observes."""
    return sa.or_(visible_reports_clause(user), observed_reports_clause(user))


def get_readable_report_or_404(report_id: int, user: Any) -> Report:
    """A report the user sees (VIEW) or observes; 404 otherwise, exactly like a missing one."""
    report = db.session.get(Report, report_id)
    if report is None or not (Permission.VIEW in report_permissions(user, report)
                              or may_observe_report(user, report)):
        abort(404)
    return report


def may_read_round(user: Any, rnd: Round) -> bool:
    """A round the user sees, or (observers) one in which a party bound to them consents."""
    return (Permission.VIEW in round_permissions(user, rnd)
            or (rnd.state != RoundState.draft and bool(observed_party_ids(user, rnd.id))))


def get_readable_round_or_404(round_id: int, user: Any) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None or not may_read_round(user, rnd):
        abort(404)
    return rnd


def may_read_edition(user: Any, rnd: Round, edition: Any) -> bool:
    """An edition's metadata and PDF: the Commission side as on the pages (compiled_permissions);
    an observer only a final one — the round closed, the edition done and not superseded — and
    only if every report in it is of a party that consents and is bound to the observer."""
    if Permission.VIEW in compiled_permissions(user, rnd):
        return True
    if not is_observer(user) or not is_final_edition(rnd, edition) or not edition.revisions:
        return False
    observed = observed_party_ids(user, rnd.id)
    return all(revision.report.party_id in observed for revision in edition.revisions)

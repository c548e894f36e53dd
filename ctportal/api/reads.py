"""What the API reads, for whom: every question of access goes to ctportal.policy.

These functions are the API's services: the views only parse arguments and serialise. Lists
are filtered with the same clauses and permission functions the pages use, and a single object
the user may not see is a 404 exactly like a missing one (policy.get_*_or_404).
"""
from __future__ import annotations

import math
from typing import Any
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import orm as so
from flask import abort

from ctportal import policy
from ctportal.models import (CompiledReport, CompileState, Party, PlanVersion, Report, ReportState, Revision, Round,
                             RoundState, User, db)
from ctportal.policy import Permission
from ctportal.services.desk import progress_map
from ctportal.services.editions import editions as edition_service
from ctportal.services.reporting import revisions


def _page(items: Sequence[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": list(items), "page": page, "per_page": per_page, "total": total,
            "pages": max(1, math.ceil(total / per_page))}


def page_of_query(select: sa.Select, page: int, per_page: int) -> dict[str, Any]:
    result = db.paginate(select, page=page, per_page=per_page, error_out=False, count=True)
    return _page(result.items, result.total or 0, page, per_page)


def page_of_list(items: Sequence[Any], page: int, per_page: int) -> dict[str, Any]:
    start = (page - 1) * per_page
    return _page(items[start:start + per_page], len(items), page, per_page)


def _party_id(code: str | None) -> int | None:
    """A party code as an id; an unknown code matches nothing (an empty list, not an error)."""
    if code is None:
        return None
    return db.session.scalar(sa.select(Party.id).where(Party.code == code.upper())) or -1


# --- the plan catalogue ----------------------------------------------------------------------------

def plan_versions(user: User) -> list[PlanVersion]:
    if not policy.may_read_catalogue(user):
        abort(404)
    return list(db.session.scalars(sa.select(PlanVersion).order_by(PlanVersion.adopted_on, PlanVersion.id)))


def plan_version_or_404(user: User, code: str) -> PlanVersion:
    if not policy.may_read_catalogue(user):
        abort(404)
    plan = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == code))
    if plan is None:
        abort(404)
    return plan


# --- rounds ---------------------------------------------------------------------------------------

def rounds(user: User, state: str | None = None) -> list[Round]:
    """The rounds the user may see, newest first (few: filtered with the policy, not in SQL)."""
    query = sa.select(Round).order_by(Round.period_end.desc(), Round.id.desc())
    if state is not None:
        query = query.where(Round.state == RoundState(state))
    return [r for r in db.session.scalars(query) if policy.may_read_round(user, r)]


def round_or_404(user: User, round_id: int) -> Round:
    return policy.get_readable_round_or_404(round_id, user)


# --- reports and their approved revisions -----------------------------------------------------------

def reports_query(user: User, round: int | None = None, party: str | None = None,
                  state: str | None = None) -> sa.Select:
    query = (sa.select(Report).join(Party, Party.id == Report.party_id).where(policy.readable_reports_clause(user))
             .order_by(Report.round_id.desc(), Party.sort_order, Report.id))
    if round is not None:
        query = query.where(Report.round_id == round)
    if party is not None:
        query = query.where(Report.party_id == _party_id(party))
    if state is not None:
        query = query.where(Report.state == ReportState(state))
    return query


def report_or_404(user: User, report_id: int) -> Report:
    return policy.get_readable_report_or_404(report_id, user)


def approved_revisions_query(user: User, round: int | None = None, party: str | None = None) -> sa.Select:
    """The approved revision of every report the user may see that has one."""
    # Aliased: the policy's clause has its own subquery on revision, which must not correlate.
    approved = so.aliased(Revision)
    query = (sa.select(approved).join(Report, Report.approved_revision_id == approved.id)
             .join(Party, Party.id == Report.party_id)
             .where(policy.readable_reports_clause(user), Report.state == ReportState.approved)
             .order_by(Report.round_id.desc(), Party.sort_order, Report.id))
    if round is not None:
        query = query.where(Report.round_id == round)
    if party is not None:
        query = query.where(Report.party_id == _party_id(party))
    return query


def approved_revision_or_404(user: User, report_id: int) -> Revision:
    report = report_or_404(user, report_id)
    if report.state != ReportState.approved or report.approved_revision is None:
        abort(404)
    return report.approved_revision


# --- the progress map ----------------------------------------------------------------------------

def progress(user: User, round_id: int) -> dict[str, Any]:
    """The map's data for a round: exactly what the user's map page shows (progress_map.round_data)."""
    rnd = round_or_404(user, round_id)
    if policy.is_observer(user):
        party_data = _observed_map_data(user, rnd)
    elif policy.may_see_map(user):
        party_data = progress_map.round_data(rnd, user)
    else:
        abort(403)
    parties = []
    for data in party_data:
        statuses = {key: entry.get("status") for key, entry in data.entries.items()} if data.has_statuses else {}
        parties.append({"party": data.party.code, "party_name": str(data.party), "report_id": data.report.id,
                        "source": data.source, "revision": data.revision.number if data.revision else None,
                        "answered": data.answered, "total": data.total, "statuses": statuses})
    return {"round_id": rnd.id, "parties": parties}


def _observed_map_data(user: User, rnd: Round) -> list[progress_map.PartyData]:
    """An observer's map: only the approved revisions it observes (never a draft or a count)."""
    reports = db.session.scalars(reports_query(user, round=rnd.id, state=ReportState.approved.value))
    result = []
    for report in reports:
        entries = revisions.entries_by_key(report.approved_revision)
        data = progress_map.PartyData(report, report.party, progress_map.APPROVED, report.approved_revision, entries)
        data.total = len(entries)
        data.answered = sum(1 for entry in entries.values() if entry.get("status"))
        result.append(data)
    return result


# --- editions of the consolidated report ----------------------------------------------------------

def _edition_round_or_404(user: User, round_id: int) -> Round:
    """The Commission side through compiled_permissions; an observer through the rounds it reads."""
    rnd = db.session.get(Round, round_id)
    if rnd is None or not (Permission.VIEW in policy.compiled_permissions(user, rnd)
                           or (policy.is_observer(user) and policy.may_read_round(user, rnd))):
        abort(404)
    return rnd


def editions(user: User, round_id: int) -> list[CompiledReport]:
    rnd = _edition_round_or_404(user, round_id)
    return [e for e in edition_service.editions(rnd) if policy.may_read_edition(user, rnd, e)]


def edition_file_or_404(user: User, round_id: int, edition_id: int) -> CompiledReport:
    """A finished edition whose PDF the user may download; the download is audited by the caller."""
    rnd = _edition_round_or_404(user, round_id)
    edition = edition_service.get_edition(rnd, edition_id)
    if (edition is None or edition.state != CompileState.done or not edition.stored_name
            or not policy.may_read_edition(user, rnd, edition)):
        abort(404)
    return edition

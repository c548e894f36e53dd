"""The progress map: parties × actions of a round, and how each party moved across rounds."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.models import EntryStatus
from ctportal.services.desk import progress_map
from ctportal.web.gates import requires

bp = Blueprint("progress", __name__, url_prefix="/progress")


def _round(round_id: int):
    rnd = policy.get_round_or_404(round_id)
    if not policy.may_see_map(current_user):
        abort(403)
    return rnd


def entry_urls() -> Callable[[Any], str | None]:
    """Where a click on a cell leads: the entry, else (a priority action retired since) the report's
    overview; None where the user may not open the report. The policy is asked, and the URL built,
    once per report, not once per cell (a map has hundreds)."""
    links: dict[int, Callable[[int], str] | None] = {}

    def entry_url(cell) -> str | None:
        report = cell.party_data.report
        if not cell.applies:
            return None
        if report.id not in links:
            links[report.id] = _entry_link(report.id) if policy.can(
                current_user, policy.Permission.VIEW, report) else None
        link = links[report.id]
        if link is None:
            return None
        entry_id = cell.party_data.entry_ids.get(cell.entry_key)
        if entry_id is not None:
            return link(entry_id)
        return url_for("reports.overview", report_id=report.id)

    return entry_url


def _entry_link(report_id: int) -> Callable[[int], str]:
    """The entry URLs of one report: url_for once, the entry id put in its place after (the id ends
    the path); url_for for each if the route ever stops ending with it."""
    probe = url_for("reports.entry", report_id=report_id, entry_id=0)
    if probe.endswith("/0"):
        stem = probe[:-1]
        return lambda entry_id: f"{stem}{int(entry_id)}"
    return lambda entry_id: url_for("reports.entry", report_id=report_id, entry_id=entry_id)


@bp.get("/")
@login_required
@requires(policy.may_see_map)
def map():
    """The newest round the user may see."""
    rounds = progress_map.visible_rounds(current_user)
    if not rounds:
        return render_template("progress/none.html")
    return redirect(url_for("progress.round_map", round_id=rounds[0].id))


@bp.get("/rounds/<int:round_id>")
@login_required
def round_map(round_id: int):
    rnd = _round(round_id)
    pmap = progress_map.build_map(rnd, current_user)
    return render_template("progress/map.html", pmap=pmap, rnd=rnd, entry_url=entry_urls(),
                           rounds=progress_map.visible_rounds(current_user), **_status_names())


@bp.get("/rounds/<int:round_id>/across")
@login_required
def across(round_id: int):
    rnd = _round(round_id)
    view = progress_map.across_rounds(rnd, current_user)
    return render_template("progress/across.html", view=view, rnd=rnd,
                           rounds=progress_map.visible_rounds(current_user), **_status_names())


def _status_names() -> dict:
    return {"statuses": list(EntryStatus), "statuses_by_value": {s.value: s for s in EntryStatus}}

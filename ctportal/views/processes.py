"""The follow-up processes recorded (issue 15, item 5): the Commission records dialogues and visits,
peer-review missions, Regional Network and WBCTi meetings; a party reads those concerning it, and of
each only what services/review/processes.party_view gives it."""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.domain import parties
from ctportal.forms import options
from ctportal.forms.processes import ProcessForm
from ctportal.infra import markdown, storage
from ctportal.infra.database import writes_on_get
from ctportal.models import Party, ProcessRecord, Round, RoundState, db
from ctportal.policy import Permission
from ctportal.services.review import processes as service
from ctportal.views.errors import on_form
from ctportal.web.gates import gate_area

bp = Blueprint("processes", __name__, url_prefix="/processes")
gate_area(bp, policy.may_list_processes)
log = logging.getLogger("ctportal.processes")


def _rounds() -> list[Round]:
    return [r for r in db.session.scalars(sa.select(Round).order_by(Round.period_end.desc(), Round.id.desc()))
            if Permission.VIEW in policy.round_permissions(current_user, r)]


@bp.get("/")
@login_required
def index():
    if not policy.sees_internal_of_process(current_user):
        found = service.concerning(current_user.party_id)
        return render_template("processes/party.html", views=[service.party_view(p, current_user.party_id)
                                                               for p in found])
    rounds = _rounds()
    rnd = next((r for r in rounds if r.id == request.args.get("round", type=int)), None)
    if rnd is None and "round" not in request.args:
        rnd = next((r for r in rounds if r.state == RoundState.open), rounds[0] if rounds else None)
    all_parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order, Party.id)))
    party = next((p for p in all_parties if p.code == request.args.get("party")), None)
    found = service.records(rnd, party)
    return render_template("processes/index.html", rounds=rounds, rnd=rnd, parties=all_parties, party=party,
                           records=found, may_record=rnd is not None and policy.may_record_processes(current_user, rnd))


def _choices(form: ProcessForm, rnd: Round) -> list[service.RecommendationChoice]:
    form.parties.choices = options((p.code, parties.local_name(p)) for p in
                                   db.session.scalars(sa.select(Party).order_by(Party.sort_order, Party.id)))
    recs = service.recommendation_choices(rnd)
    form.recommendations.choices = options((c.key, c.label) for c in recs)
    return recs


def _input(form: ProcessForm) -> service.ProcessInput:
    return service.ProcessInput(
        kind=form.kind.data or "", title=form.title.data or "", held_on=form.held_on.data, ends_on=form.ends_on.data,
        place=form.place.data or "", participants=form.participants.data or "", summary=form.summary.data or "",
        internal_notes=form.internal_notes.data or "", party_codes=list(form.parties.data or []),
        action_codes=form.action_codes.data or "", recommendations=list(form.recommendations.data or []),
        report_shared=bool(form.report_shared.data))


def _upload(form: ProcessForm) -> tuple[Any, str] | None:
    """The uploaded report's stream and name, or None when no file was chosen."""
    data: Any = form.report.data  # a FileStorage, or None
    return (data.stream, data.filename) if data is not None and data.filename else None


def _edit(rnd: Round, process: ProcessRecord | None):
    form = ProcessForm()
    if request.method == "GET" and process is not None:
        form.kind.data, form.title.data, form.place.data = process.kind.value, process.title, process.place
        form.held_on.data, form.ends_on.data = process.held_on, process.ends_on
        form.participants.data, form.summary.data = process.participants, process.summary
        form.internal_notes.data, form.report_shared.data = process.internal_notes, process.report_shared
        form.parties.data = [p.code for p in process.parties]
        form.action_codes.data = ", ".join(process.action_codes)
        form.recommendations.data = [service.ref_key(t, n) for t, n in process.recommendations]
        form.version.data = process.version
    recs = _choices(form, rnd)
    status = 200
    if form.validate_on_submit():
        try:
            saved = service.save(rnd, current_user, _input(form), process=process, version=form.version.data,
                                 upload=_upload(form))
        except service.ProcessError as exc:
            on_form(form, exc, "title")
            status = 422
        else:
            # The new file's name, read before the commit: after a rollback the row would answer the old one.
            written = saved.report_stored if _upload(form) is not None else None
            try:
                db.session.commit()
            except BaseException:
                db.session.rollback()
                if written:
                    storage.remove("documents", written)
                raise
            flash(_("“%(title)s” is recorded.", title=saved.title), "success")
            return redirect(url_for("processes.view", process_id=saved.id))
    elif request.method == "POST":
        status = 422
    return render_template("processes/edit.html", rnd=rnd, process=process, form=form, recs=recs,
                           limit_mb=current_app.config["MAX_UPLOAD_MB"]), status


@bp.route("/rounds/<int:round_id>/new", methods=["GET", "POST"])
@login_required
def new(round_id: int):
    rnd = db.session.get(Round, round_id)
    if rnd is None or not policy.sees_internal_of_process(current_user) \
            or Permission.VIEW not in policy.round_permissions(current_user, rnd):
        abort(404)
    if not policy.may_record_processes(current_user, rnd):
        abort(403)
    return _edit(rnd, None)


@bp.route("/<int:process_id>/edit", methods=["GET", "POST"])
@login_required
def edit(process_id: int):
    process = policy.get_process_or_404(process_id)
    if not policy.sees_internal_of_process(current_user):
        abort(404)
    if Permission.EDIT not in policy.process_permissions(current_user, process):
        abort(403)
    return _edit(process.round, process)


@bp.get("/<int:process_id>")
@login_required
def view(process_id: int):
    process = policy.get_process_or_404(process_id)
    if not policy.sees_internal_of_process(current_user):
        return render_template("processes/party_view.html", v=service.party_view(process, current_user.party_id))
    return render_template("processes/view.html", process=process, rnd=process.round,
                           recs=service.recommendation_rows(process), summary=markdown.render(process.summary),
                           may_edit=Permission.EDIT in policy.process_permissions(current_user, process))


@bp.get("/<int:process_id>/report")
@login_required
@writes_on_get  # every download is an audit event
def report(process_id: int):
    process = policy.get_process_or_404(process_id)
    if Permission.DOWNLOAD not in policy.process_permissions(current_user, process) or not process.report_stored:
        abort(404)
    path = storage.path_for("documents", process.report_stored)
    if not path.exists():
        abort(404)
    service.record_download(process, current_user)
    db.session.commit()
    response = send_file(path, mimetype=process.report_type, as_attachment=True, download_name=process.report_name,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response

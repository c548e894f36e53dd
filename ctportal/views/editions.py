"""The consolidated PDF: editions of a round, the Compile button with progress, downloads, party PDFs
(made by a job too, with the same kind of progress page)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.infra.database import writes_on_get
from ctportal.models import CompileState, Round, RoundState, db
from ctportal.policy import Permission
from ctportal.infra import storage
from ctportal.services import audit
from ctportal.web.templating import local_date, stored_text
from ctportal.forms.factcheck import FactcheckPeriodForm, ResolveForm
from ctportal.services.editions.factcheck_record import factcheck_of
from ctportal.services.editions import editions as compile_service
from ctportal.services.editions import factcheck
from ctportal.services.editions.preview import preview

bp = Blueprint("editions", __name__, url_prefix="/compile")
REFRESH_SECONDS = 3


def _round_or_404(round_id: int, permission: Permission = Permission.VIEW) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        abort(404)
    perms = policy.compiled_permissions(current_user, rnd)
    if Permission.VIEW not in perms:
        abort(404)
    if permission not in perms:
        abort(403)
    return rnd


@bp.get("/")
@login_required
def index():
    rounds = [r for r in db.session.scalars(sa.select(Round).order_by(Round.period_end.desc(), Round.id.desc()))
              if Permission.VIEW in policy.compiled_permissions(current_user, r)]
    if not rounds and not policy.is_commission(current_user):
        abort(404)
    latest = {r.id: compile_service.latest_done(r) for r in rounds}
    return render_template("editions/index.html", rounds=rounds, latest=latest)


def _fail_silent_jobs() -> None:
    """An edition whose worker died is failed when someone looks, not at the scheduler's next minute."""
    from ctportal.services.operations.heartbeat import fail_silent_jobs

    if fail_silent_jobs():
        db.session.commit()


@bp.get("/rounds/<int:round_id>")
@login_required
@writes_on_get  # an edition whose worker died is marked failed when looked at
def round_page(round_id: int):
    rnd = _round_or_404(round_id)
    _fail_silent_jobs()
    active = compile_service.active_edition(rnd)
    response = make_response(_round_html(rnd, active))
    if active is not None:
        # Without JavaScript the page reloads itself while the job runs (static/js/compile.js
        # updates it in place instead when scripts run).
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def _round_html(rnd: Round, active, form: FactcheckPeriodForm | None = None, form_for: int | None = None,
                resolving: tuple[int, ResolveForm] | None = None) -> str:
    from ctportal.models import User

    editions = compile_service.editions(rnd)
    perms = policy.compiled_permissions(current_user, rnd)
    ids = {e.requested_by_id for e in editions}
    requesters = {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return render_template(
        "editions/round.html", rnd=rnd, editions=editions, active=active, may_compile=Permission.COMPILE in perms,
        requesters=requesters, last=editions[0] if editions else None, states=CompileState, round_states=RoundState,
        preview=preview(rnd), drafts=_drafts(rnd, editions, form, form_for), resolving=resolving,
        blank_resolve=ResolveForm(formdata=None), factchecks=_factchecks(editions))


def _factchecks(editions: list) -> dict[int, dict]:
    """The fact-check each final edition records (the draft it follows), by edition id."""
    drafts = {e.id: e for e in editions if e.draft}
    return {e.id: factcheck_of(drafts[e.factcheck_draft_id]) for e in editions
            if e.factcheck_draft_id is not None and e.factcheck_draft_id in drafts}


def _drafts(rnd: Round, editions: list, form: FactcheckPeriodForm | None = None, form_for: int | None = None):
    """Each finished draft edition with its period form and the corrections sent, per party."""
    return [{"edition": e, "by_party": factcheck.by_party(e), "open": policy.is_factcheck_open(e),
             "form": form if form is not None and form_for == e.id else FactcheckPeriodForm(
                 formdata=None, ends_on=e.factcheck_ends_on),
             "may_open": policy.may_open_factcheck(current_user, rnd, e)}
            for e in editions if e.draft and e.state == CompileState.done]


@bp.post("/rounds/<int:round_id>/editions/<int:edition_id>/fact-check")
@login_required
def open_factcheck(round_id: int, edition_id: int):
    """The secretariat opens (or moves the end of) a draft edition's fact-check."""
    rnd = _round_or_404(round_id, Permission.COMPILE)
    edition = compile_service.get_edition(rnd, edition_id)
    if edition is None:
        abort(404)
    if not policy.may_open_factcheck(current_user, rnd, edition):
        abort(403)
    form = FactcheckPeriodForm()
    try:
        if not form.validate_on_submit():
            raise factcheck.FactcheckError(_("Enter the date as YYYY-MM-DD."), field="ends_on")
        factcheck.open_period(edition, form.ends_on.data, current_user)
    except factcheck.FactcheckError as exc:
        form.ends_on.errors = [exc.message]
        return _round_html(rnd, compile_service.active_edition(rnd), form, edition.id), 400
    db.session.commit()
    flash(_("The fact-check of draft edition %(id)s is open until %(date)s.", id=edition.id,
            date=local_date(edition.factcheck_ends_on)), "success")
    return redirect(url_for("editions.round_page", round_id=rnd.id))


@bp.post("/rounds/<int:round_id>/editions/<int:edition_id>/corrections/<int:correction_id>/resolve")
@login_required
def resolve_correction(round_id: int, edition_id: int, correction_id: int):
    """The secretariat answers one correction of a draft edition: accepted, or not with the reason."""
    rnd = _round_or_404(round_id, Permission.COMPILE)
    edition = compile_service.get_edition(rnd, edition_id)
    row = factcheck.get_correction(edition, correction_id) if edition is not None else None
    if edition is None or row is None:
        abort(404)
    if not policy.may_open_factcheck(current_user, rnd, edition):
        abort(403)
    form = ResolveForm()
    try:
        if not form.validate_on_submit():
            raise factcheck.FactcheckError(_("The form had expired. Send it again."), field="outcome")
        factcheck.resolve(row, current_user, form.outcome.data or "", form.reply.data or "")
    except factcheck.FactcheckError as exc:
        getattr(form, exc.field or "outcome").errors = [exc.message]
        return _round_html(rnd, compile_service.active_edition(rnd), resolving=(row.id, form)), 400
    db.session.commit()
    flash(_("Your answer to the correction was saved."), "success")
    return redirect(url_for("editions.round_page", round_id=rnd.id, _anchor=f"correction-{row.id}"))


@bp.get("/rounds/<int:round_id>/status.json")
@login_required
@writes_on_get
def status(round_id: int):
    rnd = _round_or_404(round_id)
    _fail_silent_jobs()
    editions = compile_service.editions(rnd)
    last = editions[0] if editions else None
    if last is None:
        return jsonify({"state": None})
    return jsonify({"id": last.id, "state": last.state.value, "progress": last.progress, "stage": last.stage,
                    "error": last.error if last.state == CompileState.failed else "",
                    # What the page's status line says, in the reader's language (static/js/compile.js).
                    "text": _("Edition %(id)s is %(state)s: %(stage)s (%(pct)s%%).", id=last.id,
                              state=last.state.title.lower(), stage=stored_text(last.stage).striptags(),
                              pct=last.progress) + " " + _("You can leave this page and come back.")})


@bp.post("/rounds/<int:round_id>/compile")
@login_required
def start(round_id: int):
    rnd = _round_or_404(round_id, Permission.COMPILE)
    edition = compile_service.start_compile(rnd, current_user, draft=request.form.get("draft") == "1")
    edition_id, queued = edition.id, edition.state == CompileState.queued
    round_id = rnd.id
    db.session.commit()
    if queued:  # handing the same edition over twice is harmless: the job claims it once
        compile_service.enqueue(edition_id)
    flash(_("Compiling the consolidated report. You can leave this page and come back."), "info")
    return redirect(url_for("editions.round_page", round_id=round_id))


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The two files of a done edition: the PDF and its Word version, each stored under 'compiled'.
EDITION_FILES = {"pdf": ("stored_name", "application/pdf"), "docx": ("docx_stored_name", DOCX_MIME)}


@bp.get("/rounds/<int:round_id>/editions/<int:edition_id>/download")
@login_required
@writes_on_get  # every download is an audit event
def download(round_id: int, edition_id: int):
    return _send_edition_file(round_id, edition_id, "pdf")


@bp.get("/rounds/<int:round_id>/editions/<int:edition_id>/download.docx")
@login_required
@writes_on_get  # every download is an audit event
def download_docx(round_id: int, edition_id: int):
    """The edition in Word: whoever may download the PDF (the same permission), nobody else."""
    return _send_edition_file(round_id, edition_id, "docx")


def _send_edition_file(round_id: int, edition_id: int, kind: str):
    attribute, mimetype = EDITION_FILES[kind]
    rnd = _round_or_404(round_id, Permission.DOWNLOAD)
    edition = compile_service.get_edition(rnd, edition_id)
    stored_name = getattr(edition, attribute, None) if edition is not None else None
    if edition is None or edition.state != CompileState.done or not stored_name:
        abort(404)
    path = storage.path_for("compiled", stored_name)
    if not path.exists():
        abort(404)
    compile_service.record_download(edition, current_user, kind=kind)
    db.session.commit()
    name = f"{rnd.document_number}-edition-{edition.id}".replace("/", "-").replace(" ", "_") + f".{kind}"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


def _send_party_pdf(report, revision, path):
    audit.record("report.pdf_download", report, actor=current_user, revision=revision.number)
    db.session.commit()
    name = f"{report.party.code}-report-revision-{revision.number}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name, max_age=0)


def _party_pdf_source(report_id: int):
    from ctportal.services.reporting.revisions import latest_revision

    report = policy.get_report_or_404(report_id, permission=Permission.DOWNLOAD)
    revision = report.approved_revision or latest_revision(report)
    if revision is None:
        abort(404)
    return report, revision


@bp.get("/reports/<int:report_id>/pdf")
@login_required
@writes_on_get  # an audit event, or a job to make the PDF
def report_pdf(report_id: int):
    """A party's own report as a PDF: its approved revision, or the latest one it submitted.

    Made once per revision by a job; once made it is sent at once (the usual case). Otherwise
    this queues the job and shows its progress page."""
    from ctportal.services.editions import party_jobs
    from ctportal.services.editions.party import cached_party_pdf

    report, revision = _party_pdf_source(report_id)
    path = cached_party_pdf(report, revision)
    if path is not None:
        return _send_party_pdf(report, revision, path)
    job, new = party_jobs.request_pdf(report, revision, current_user)
    job_id = job.id
    db.session.commit()
    if new:
        party_jobs.enqueue(job_id)
    path = cached_party_pdf(report, revision)  # made already (a quick worker, or jobs run in place)
    if path is not None:
        return _send_party_pdf(report, revision, path)
    return redirect(url_for("editions.report_pdf_job", report_id=report.id, job_id=job_id))


def _party_pdf_job(report_id: int, job_id: int):
    from ctportal.services.editions import party_jobs

    report = policy.get_report_or_404(report_id, permission=Permission.DOWNLOAD)
    job = party_jobs.get_job(report, job_id)
    if job is None:
        abort(404)
    _fail_silent_jobs()
    return report, job


@bp.get("/reports/<int:report_id>/pdf/jobs/<int:job_id>")
@login_required
@writes_on_get  # a job whose worker died is marked failed when looked at
def report_pdf_job(report_id: int, job_id: int):
    report, job = _party_pdf_job(report_id, job_id)
    active = job.state in (CompileState.queued, CompileState.running)
    response = make_response(render_template("editions/party_pdf.html", report=report, job=job, active=active,
                                             states=CompileState))
    if active:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/reports/<int:report_id>/pdf/jobs/<int:job_id>/status.json")
@login_required
@writes_on_get
def report_pdf_status(report_id: int, job_id: int):
    _report, job = _party_pdf_job(report_id, job_id)
    return jsonify({"id": job.id, "state": job.state.value, "progress": job.progress, "stage": job.stage,
                    "error": job.error if job.state == CompileState.failed else "",
                    "text": _("The PDF is %(state)s: %(stage)s (%(pct)s%%).", state=job.state.title.lower(),
                              stage=stored_text(job.stage).striptags(), pct=job.progress)
                    + " " + _("You can leave this page and come back.")})

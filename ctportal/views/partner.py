"""Work inside a partner (issue 18): its institutions, the board, an entry's assignment and sign-off.

Every route loads through the policy (policy/partner.py): a report (or institution) of another party — or any of this
work for someone outside the party, the Commission included — answers 404 exactly like one that does
not exist; seen but not allowed is 403. Views validate, call a service, commit once, flash, redirect.
"""
from __future__ import annotations

import io
import re

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ctportal import policy
from sqlalchemy.orm.exc import StaleDataError

from ctportal.forms.partner import (AssignmentForm, ChangeInstitutionForm, InstitutionForm, OfflineConfirmForm,
                                    OfflineUploadForm, SignOffForm)
from ctportal.infra.database import writes_on_get
from ctportal.models import Institution, Report, db
from ctportal.pages import partner as pages
from ctportal.pages.reports import conflict_rows, entry_label
from ctportal.policy import Work
from ctportal.services.partner import assignments, institutions, offline, steps
from ctportal.services.partner.offline_files import DOCX, XLSX, FormRefused
from ctportal.services.reporting import documents, signoff
from ctportal.views.reports import render_entry
from ctportal.web.gates import requires

bp = Blueprint("partner", __name__)


# --- the priority actions agreed with the party -------------------------------------------------------

@bp.get("/partner/priorities")
@login_required
@requires(policy.may_see_own_priorities)
def priorities():
    """The party's own list of the priority actions the Commission agreed with it: in force, then retired."""
    from ctportal.services.desk import priorities as agreed
    return render_template("partner/priorities.html", items=agreed.for_party(current_user.party))


# --- the party's institutions ---------------------------------------------------------------------

def _institutions_page(form=None, status: int = 200, changed=None):
    """The list with its forms; `form` is the add form as posted, `changed` an institution's form as posted
    (both with their problems, and what was typed kept)."""
    items = institutions.institutions_of(current_user.party_id)
    forms = {i.id: ChangeInstitutionForm(formdata=None, obj=i, prefix=f"i{i.id}") for i in items}
    if changed is not None:
        forms[changed[0]] = changed[1]
    return render_template("partner/institutions.html", items=items, forms=forms,
                           form=form or InstitutionForm(formdata=None),
                           changed=changed[1] if changed is not None else None), status


@bp.route("/partner/institutions", methods=["GET", "POST"])
@login_required
@requires(policy.may_manage_institutions)
def institutions_list():
    """The coordinator's list of the party's institutions, and the form to add one."""
    form = InstitutionForm()
    if not form.is_submitted():
        return _institutions_page()
    if not form.validate():
        return _institutions_page(form, 422)
    try:
        added = institutions.add(current_user, form.name.data or "")
    except institutions.InstitutionRefused as exc:
        db.session.rollback()
        form.name.errors = [exc.message]
        return _institutions_page(form, 422)
    db.session.commit()
    flash(_("“%(name)s” is added to your institutions.", name=added.name), "success")
    return redirect(url_for(".institutions_list"))


@bp.post("/partner/institutions/<int:institution_id>")
@login_required
@requires(policy.may_manage_institutions)
def change_institution(institution_id: int):
    institution = policy.institution_of_party_or_404(institution_id)
    form = ChangeInstitutionForm(prefix=f"i{institution.id}")
    if not form.validate():
        return _institutions_page(status=422, changed=(institution.id, form))
    try:
        institutions.change(institution, current_user, form.name.data or "", bool(form.active.data))
    except institutions.InstitutionRefused as exc:
        db.session.rollback()
        form.name.errors = [exc.message]
        return _institutions_page(status=422, changed=(institution_id, form))
    db.session.commit()
    flash(_("“%(name)s” is saved.", name=institution.name), "success")
    return redirect(url_for(".institutions_list"))


# --- the board --------------------------------------------------------------------------------------

@bp.get("/reports/<int:report_id>/board")
@login_required
def board(report_id: int):
    """The report's entries by who drafts them and where they stand: the coordinator's overview."""
    report = policy.get_work_report_or_404(report_id)
    return render_template("partner/board.html", **pages.board_page(report, current_user))


# --- one entry: assignment and sign-off -------------------------------------------------------------

def _entry(report_id: int, entry_id: int, need: Work):
    report = policy.get_work_report_or_404(report_id, need)
    return report, policy.entry_of_report_or_404(report, entry_id)


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/assignment")
@login_required
def assign(report_id: int, entry_id: int):
    report, entry = _entry(report_id, entry_id, Work.ASSIGN)
    form = AssignmentForm().offer(assignments.assignable_users(report.party_id),
                                  institutions.institutions_of(report.party_id))
    if not form.validate():
        return render_entry(report, entry, assignment_form=form, status=422)
    try:
        assignments.assign(entry, current_user, assignee_id=form.assignee_id.data or None,
                           institution_id=form.institution_id.data or None, due_on=form.due_on.data)
    except assignments.AssignmentRefused as exc:
        db.session.rollback()
        form[exc.field or "assignee_id"].errors = [exc.message]
        return render_entry(report, entry, assignment_form=form, status=422)
    db.session.commit()
    flash(_("The assignment of %(entry)s is saved.", entry=entry_label(entry)), "success")
    return redirect(url_for("reports.entry", report_id=report.id, entry_id=entry.id) + "#partner-work")


def _step(report_id: int, entry_id: int, step: str, need: Work, done):
    report, entry = _entry(report_id, entry_id, need)
    if step == "ready" and not policy.may_mark_ready(current_user, report, signoff.work_of(entry)):
        abort(403)
    form = SignOffForm()
    if not form.validate():
        return render_entry(report, entry, signoff_form=form, status=422)
    try:
        version = int(form.version.data) if form.version.data else None
    except ValueError:
        version = None
    try:
        steps.take(entry, step, current_user, version=version, note=form.note.data or "")
    except signoff.SignOffRefused as exc:
        db.session.rollback()
        form.note.errors = [exc.message] if exc.field == "note" else []
        if exc.field != "note":
            flash(exc.message, "error")
        return render_entry(report, entry, signoff_form=form, status=exc.status if exc.field != "note" else 422)
    db.session.commit()
    flash(done(entry_label(entry)), "success")
    return redirect(url_for("reports.entry", report_id=report.id, entry_id=entry.id) + "#partner-work")


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/ready")
@login_required
def mark_ready(report_id: int, entry_id: int):
    return _step(report_id, entry_id, "ready", Work.MARK_READY,
                 lambda label: _("%(entry)s is marked ready for the coordinator.", entry=label))


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/accept")
@login_required
def accept(report_id: int, entry_id: int):
    return _step(report_id, entry_id, "accept", Work.SIGN_OFF,
                 lambda label: _("%(entry)s is accepted for submission.", entry=label))


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/send-back")
@login_required
def send_back(report_id: int, entry_id: int):
    return _step(report_id, entry_id, "send_back", Work.SIGN_OFF,
                 lambda label: _("%(entry)s is sent back to its contributor with your comment.",
                                   entry=label))


# --- the offline round trip: an institution's form, filled in without an account --------------------

def _offline(report_id: int, institution_id: int) -> tuple[Report, Institution]:
    report = policy.get_work_report_or_404(report_id, Work.OFFLINE)
    institution = policy.institution_of_party_or_404(institution_id)
    return report, institution


def _offline_page(report: Report, *, refused: tuple[int, list[str]] | None = None, upload=None, status: int = 200):
    """The institutions with their entries, forms to download and an upload each; `refused` is an
    institution's upload as refused, with its problems."""
    page = pages.offline_page(report, current_user)
    uploads = {row["institution"].id: OfflineUploadForm(formdata=None, prefix=f"i{row['institution'].id}")
               for row in page["rows"]}
    if refused is not None:
        if upload is not None:
            uploads[refused[0]] = upload
        if refused[0] in uploads:
            uploads[refused[0]].file.errors = list(refused[1])
    return render_template("partner/offline.html", **page, refused=refused, uploads=uploads), status


@bp.get("/reports/<int:report_id>/offline")
@login_required
def offline_forms(report_id: int):
    """The institutions' forms: to download and upload for the coordinator while the report may be edited; the
    forms applied, for the party's users."""
    return _offline_page(policy.get_work_report_or_404(report_id))


_CONTENT_TYPES = {DOCX: documents.DOCX.content_type, XLSX: documents.XLSX.content_type}


@bp.get("/reports/<int:report_id>/offline/<int:institution_id>/form.<kind>")
@login_required
@writes_on_get  # every download is an audit event
def offline_form(report_id: int, institution_id: int, kind: str):
    report, institution = _offline(report_id, institution_id)
    if kind not in _CONTENT_TYPES:
        abort(404)
    if not offline.entries_of(report, institution):
        flash(_("No action is assigned to %(institution)s: assign actions to it on their pages first.",
                institution=institution.name), "error")
        return redirect(url_for(".offline_forms", report_id=report.id))
    data = offline.build_form(report, institution, kind, current_user)
    db.session.commit()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"{report.party.code} {report.round.title} {institution.name}").strip("-")
    response = send_file(io.BytesIO(data), mimetype=_CONTENT_TYPES[kind], as_attachment=True,
                         download_name=f"{stem[:120] or 'form'}.{kind}", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _preview(report: Report, institution: Institution, plan, token: str, status: int = 200, changed: bool = False):
    return render_template("partner/offline_preview.html", report=report, institution=institution, plan=plan,
                           form=OfflineConfirmForm(formdata=None, token=token), changed=changed,
                           conflict_rows=conflict_rows), status


def _refused(report: Report, institution: Institution, problems: list[str], upload=None):
    db.session.rollback()
    return _offline_page(report, refused=(institution.id, problems), upload=upload, status=422)


@bp.post("/reports/<int:report_id>/offline/<int:institution_id>/upload")
@login_required
def offline_upload(report_id: int, institution_id: int):
    """A filled-in form: checked, read, validated and shown as what it would change. Nothing is applied yet."""
    report, institution = _offline(report_id, institution_id)
    form = OfflineUploadForm(prefix=f"i{institution.id}")
    if not form.validate():
        return _refused(report, institution, [e for errors in form.errors.values() for e in errors], form)
    data = form.file.data.read(documents.max_upload_bytes() + 1)
    try:
        _kind, filed = offline.read(data, report, institution)
        plan = offline.plan(report, institution, filed)
        token = offline.hold(data, form.file.data.filename or "form", report, institution, current_user, plan)
    except offline.InvalidForm as exc:
        return _refused(report, institution, exc.problems, form)
    except (FormRefused, documents.RejectedFile, documents.StorageFailed) as exc:
        return _refused(report, institution, [exc.message], form)
    return _preview(report, institution, plan, token)


@bp.post("/reports/<int:report_id>/offline/<int:institution_id>/confirm")
@login_required
def offline_confirm(report_id: int, institution_id: int):
    """Apply a previewed form: each changed entry saved as a web edit, the file kept; or the preview again
    when an entry was saved on the portal meanwhile."""
    report, institution = _offline(report_id, institution_id)
    form = OfflineConfirmForm()
    if not form.validate():
        flash(_("The form had expired. Upload the file again."), "error")
        return redirect(url_for(".offline_forms", report_id=report.id))
    try:
        held = offline.held(form.token.data or "", report, institution, current_user)
        _kind, filed = offline.read(held.data(), report, institution)
        plan = offline.plan(report, institution, filed)
        if sorted(p.entry.id for p in plan.conflicts) != held.conflicts:
            raise offline.FormChanged()
        saved = offline.apply(report, plan, current_user)
        offline.keep(report, held, current_user, institution, saved)
        db.session.commit()
    except (offline.FormChanged, StaleDataError):
        db.session.rollback()
        plan = offline.plan(report, institution, offline.read(held.data(), report, institution)[1])
        token = offline.hold(held.data(), held.filename, report, institution, current_user, plan)
        return _preview(report, institution, plan, token, status=409, changed=True)
    except offline.InvalidForm as exc:
        return _refused(report, institution, exc.problems)
    except FormRefused as exc:
        return _refused(report, institution, [exc.message])
    flash(ngettext("The form of %(institution)s is applied: %(num)d entry saved. The file is kept with the report.",
                   "The form of %(institution)s is applied: %(num)d entries saved. The file is kept with the report.",
                   len(saved), institution=institution.name), "success")
    return redirect(url_for(".offline_forms", report_id=report.id))

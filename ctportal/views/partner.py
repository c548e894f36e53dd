"""Work inside a partner (issue 18): its institutions, the board, an entry's assignment and sign-off.

Every route loads through the policy (policy/partner.py): a report (or institution) of another party — or any of this
work for someone outside the party, the Commission included — answers 404 exactly like one that does
not exist; seen but not allowed is 403. Views validate, call a service, commit once, flash, redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms.partner import AssignmentForm, ChangeInstitutionForm, InstitutionForm, SignOffForm
from ctportal.models import db
from ctportal.pages import partner as pages
from ctportal.pages.reports import entry_label
from ctportal.policy import Work
from ctportal.services.partner import assignments, institutions, steps
from ctportal.services.reporting import signoff
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

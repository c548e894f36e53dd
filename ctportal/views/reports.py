"""A party's reports: the overview, one page per objective, the entry form, submission.

Every request loads the report through the policy (404 when the user may not see it, 403 when
they may see it but not do this), then the entry through the report (404 for an entry of any
other report), then validates, calls a service and commits once.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from ctportal import policy
from ctportal.domain import entry_fields
from ctportal.forms import ActionForm
from ctportal.forms.documents import UploadForm, entry_page_upload_form
from ctportal.forms.entry import (PreviewForm, SubmitReportForm, added_row, build_entry_form, error_list,
                                  expected_version, form_to_data)
from ctportal.infra import markdown
from ctportal.models import Entry, Report, db
from ctportal.pages import partner as partner_pages
from ctportal.pages import reports as pages
from ctportal.policy import Permission
from ctportal.services.reporting import drafts
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting import reports as report_service
from ctportal.services.reporting import completeness, signoff
from ctportal.services.review import confirmation
from ctportal.services.review.workflow import IncompleteReport, Step, TransitionError, apply_transition
from ctportal.services.editions import factcheck
from ctportal.views.errors import on_expired_form

bp = Blueprint("reports", __name__)

# The pages that show the editable draft. The Commission side reads revisions, never the draft
# a party is working on (DESIGN.md: a draft only as a progress count), so it is sent to the
# review pages, which show the latest submitted revision.
_DRAFT_PAGES = {"reports.overview": "review.report", "reports.section": "review.report",
                "reports.entry": "review.entry"}


@bp.before_request
def _commission_reads_revisions():
    target = _DRAFT_PAGES.get(request.endpoint or "")
    if target and request.method == "GET" and policy.is_commission(current_user):
        args = {k: v for k, v in (request.view_args or {}).items() if k in ("report_id", "entry_id")}
        if target == "review.report":
            args.pop("entry_id", None)
        policy.get_report_or_404(args["report_id"])  # not visible: the same 404 as before
        return redirect(url_for(target, **args))
    return None


# --- loading ---------------------------------------------------------------------------------------



# --- pages -----------------------------------------------------------------------------------------

@bp.get("/reports")
@login_required
def my_reports():
    return render_template("reports/my_reports.html", items=pages.report_list(current_user))


def _render_overview(report: Report, *, missing=None, attempted=False, status=200):
    return render_template(
        "reports/overview.html", attempted=attempted, upload_form=UploadForm(),
        **pages.overview(report, current_user, missing=missing),
        **partner_pages.overview_panel(report, current_user),
        # A draft edition of this round open for the party's fact-check (issue 15, item 4).
        factchecks=[e for e in factcheck.open_for(current_user) if e.round_id == report.round_id]), status


@bp.get("/reports/<int:report_id>")
@login_required
def overview(report_id: int):
    report = policy.get_report_or_404(report_id)
    return _render_overview(report)


@bp.get("/reports/<int:report_id>/sections/<slug>")
@login_required
def section(report_id: int, slug: str):
    report = policy.get_report_or_404(report_id)
    sections = pages.sections_of(report)
    current = next((s for s in sections if s.slug == slug), None)
    if current is None:
        abort(404)
    return render_template("reports/section.html", **pages.section_page(report, current_user, current, sections))


def _render_entry(report: Report, entry: Entry, form=None, *, preview=None, problems=(), conflict=None,
                  status=200, restored=None, upload_form=None, expired=False, assignment_form=None,
                  signoff_form=None):
    section = pages.section_of_entry(report, entry)
    if section is None:
        abort(404)
    errors = error_list(form) if form is not None else []
    errors += [(p.field, p.message) for p in problems]
    return render_template(
        "reports/entry.html", form=form, preview=preview, errors=errors, restored=restored, expired=expired,
        upload_form=upload_form or entry_page_upload_form(), assignment_form=assignment_form,
        signoff_form=signoff_form, **partner_pages.entry_panel(report, entry, current_user),
        **pages.entry_page(report, entry, current_user, section, conflict)), status


def _restored_draft(entry: Entry):
    """The user's unsaved draft of the entry as a form, or (None, None) when there is none, or it
    says nothing the saved entry does not (an autosave of an unchanged form)."""
    draft = drafts.find(current_user, entry)
    if draft is None:
        return None, None
    form = build_entry_form(entry, formdata=MultiDict([(k, v) for k, values in draft.fields.items() for v in values]))
    if expected_version(form) == entry.version and not entry_service.differences(
            form_to_data(form), entry_service.EntryData.of(entry)):
        return None, None
    return form, draft


def render_entry(report: Report, entry: Entry, *, status: int = 200, assignment_form=None, signoff_form=None):
    """The entry page as a GET shows it (the form, or the user's restored draft); the partner's work forms
    given are shown with their problems (views/partner.py)."""
    can_edit = policy.can(current_user, Permission.EDIT, report)
    form, draft = _restored_draft(entry) if can_edit else (None, None)
    if can_edit and form is None:
        form = build_entry_form(entry)
    return _render_entry(report, entry, form, restored=draft, status=status, assignment_form=assignment_form,
                         signoff_form=signoff_form)


@bp.get("/reports/<int:report_id>/entries/<int:entry_id>")
@login_required
def entry(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id)
    return render_entry(report, policy.entry_of_report_or_404(report, entry_id))


def _not_uploaded(message: str) -> UploadForm:
    upload = entry_page_upload_form()
    upload.file.errors = [message]
    return upload


def _save(report: Report, entry: Entry, form, *, upload_form=None):
    """Save the validated entry form, with the conflict check; None once saved and committed, else the
    page to answer (the form with its problems, or both versions side by side)."""
    version = expected_version(form)
    if version is None:
        form.version.errors = [_("the form is missing its version. Reload the page; copy your text first.")]
        return _render_entry(report, entry, form, status=400, upload_form=upload_form)
    data = form_to_data(form)
    entry_id = entry.id
    try:
        result = entry_service.save_entry(entry, data, version, current_user)
        if isinstance(result, entry_service.Saved):
            drafts.discard(current_user, entry)  # saved: the draft has done its work
            db.session.commit()
    except entry_service.InvalidEntry as exc:
        db.session.rollback()
        return _render_entry(report, policy.entry_of_report_or_404(report, entry_id), form, problems=exc.problems,
                             status=422, upload_form=upload_form)
    except StaleDataError:
        # Another save of this entry reached the database first.
        db.session.rollback()
        entry = policy.entry_of_report_or_404(report, entry_id)
        db.session.refresh(entry)
        result = entry_service.conflict_for(entry, data)
    if isinstance(result, entry_service.Conflict):
        db.session.rollback()
        entry = policy.entry_of_report_or_404(report, entry_id)
        # The form keeps what this user typed, now based on the saved version: saving it again is
        # a deliberate choice made after seeing both texts.
        mine = build_entry_form(entry, data=result.mine, version=entry.version)
        return _render_entry(report, entry, mine, conflict=result, status=409, upload_form=upload_form)
    return None


def save_typed_fields(report: Report, entry: Entry):
    """The upload on the entry page posts the entry's form with the file (no JavaScript needed): the
    typed fields are saved first, by the same save as the Save button. None when they are saved (or
    say nothing new); else the entry page with the form as typed and why the file was not uploaded."""
    form = build_entry_form(entry, formdata=request.form)
    not_uploaded = _("The file was not uploaded, because your answer could not be saved: see above, then choose "
                     "the file again.")
    if not form.validate():
        return _render_entry(report, entry, form, status=422, upload_form=_not_uploaded(not_uploaded))
    if expected_version(form) == entry.version and not entry_service.differences(
            form_to_data(form), entry_service.EntryData.of(entry)):
        return None
    return _save(report, entry, form, upload_form=_not_uploaded(not_uploaded))


def entry_with_upload_problem(report: Report, entry: Entry, upload_form: UploadForm, status: int):
    """The entry page after a refused upload: the answer (saved just before) in the form, the file's problem."""
    db.session.refresh(entry)
    return _render_entry(report, entry, build_entry_form(entry), upload_form=upload_form, status=status)


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>")
@login_required
def save_entry(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    entry = policy.entry_of_report_or_404(report, entry_id)
    form = build_entry_form(entry, formdata=request.form)
    rows = added_row(form)
    if rows is not None:
        # No JavaScript: one more blank row, and everything typed so far stays in the form.
        rows.append_entry()
        return _render_entry(report, entry, form)
    valid = form.validate()
    if form.preview.data:
        text = form[entry_fields.PREVIEWED.name].data or ""
        error = entry_service.check_text(entry_fields.PREVIEWED.name, text)
        html = markdown.render(text) if not error else None
        return _render_entry(report, entry, form, preview=html or Markup(""),
                             status=200 if valid else 422)
    if not valid:
        return _render_entry(report, entry, form, status=422)
    refused = _save(report, entry, form)
    if refused is not None:
        return refused
    flash(_("%(action)s saved.", action=pages.entry_label(entry)), "success")
    if form.save_next.data:
        _previous, following = pages.neighbours(report, entry)
        if following is not None:
            return redirect(url_for(".entry", report_id=report.id, entry_id=following.id))
        return redirect(url_for(".overview", report_id=report.id))
    return redirect(url_for(".entry", report_id=report.id, entry_id=entry.id))


@on_expired_form("reports.save_entry", "documents.upload_to_entry")
def entry_form_again():
    """The entry form posted with an expired token (signed in again in another tab, say): shown again
    with what was posted, version included, so saving it meets the conflict check as any save."""
    args = request.view_args or {}
    report = policy.get_report_or_404(args["report_id"], permission=Permission.EDIT)
    entry = policy.entry_of_report_or_404(report, args["entry_id"])
    if "version" not in request.form:
        return None
    form = build_entry_form(entry, formdata=request.form)
    return _render_entry(report, entry, form, expired=True, status=400)


@bp.post("/reports/<int:report_id>/preview")
@login_required
def preview(report_id: int):
    """The narrative as it will appear on screen and in the PDF: the one sanitiser, server-side."""
    policy.get_report_or_404(report_id, permission=Permission.EDIT)
    form = PreviewForm()
    if not form.validate():
        abort(400)
    text = (form.text.data or "").replace("\r\n", "\n")
    error = entry_service.check_text(entry_fields.PREVIEWED.name, text)
    if error:
        message = _("%(field)s: %(error)s", field=_(entry_fields.PREVIEWED.label), error=error)
        return render_template("reports/_preview.html", error=message, html=None)
    return render_template("reports/_preview.html", error=None, html=markdown.render(text))


def _submission_page(report: Report, form: SubmitReportForm | None = None, status: int = 200):
    summary = confirmation.submission_summary(report)
    if form is None:
        form = SubmitReportForm(formdata=None, state_version=report.state_version)
    form.confirmed.data = summary.token  # the token of the summary this page states, now
    return render_template("reports/submit.html", report=report, summary=summary, form=form,
                           not_accepted=signoff.not_accepted(report), entry_label=pages.entry_label), status


@bp.route("/reports/<int:report_id>/submit", methods=["GET", "POST"])
@login_required
def submit(report_id: int):
    """Submission goes through this page: it states what is sent (and, on a resubmission, what
    changed) and takes an optional note to the Commission; the workflow checks the summary's token."""
    report = policy.get_report_or_404(report_id, permission=Permission.SUBMIT)
    if request.method == "GET":
        missing = completeness.missing_items(report)
        if missing:
            return _render_overview(report, missing=missing, attempted=True, status=422)
        return _submission_page(report)
    form = SubmitReportForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            flash(_("The form had expired. Read the summary and submit again."), "error")
        return _submission_page(report, form, 422)
    try:
        expected: int | None = int(form.state_version.data) if form.state_version.data is not None else None
    except ValueError:
        expected = None
    try:
        apply_transition(report, Step.submit, current_user, expected_state_version=expected,
                         confirmed=form.confirmed.data or None, note=form.note.data or "")
    except IncompleteReport as exc:
        db.session.rollback()
        report = policy.get_report_or_404(report_id)
        return _render_overview(report, missing=exc.missing, attempted=True, status=422)
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        report = policy.get_report_or_404(report_id, permission=Permission.SUBMIT)
        return _submission_page(report, form, 409)
    db.session.commit()
    flash(_("The report was submitted for review. It is read-only while the Commission reviews it."), "success")
    return redirect(url_for(".overview", report_id=report.id))


@bp.post("/reports/<int:report_id>/copy-previous")
@login_required
def copy_previous(report_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        copied = report_service.copy_from_last_approved(report, current_user)
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".overview", report_id=report_id))
    db.session.commit()
    flash(ngettext("%(num)d entry was copied from the last approved report. It stays marked “copied from the "
                   "last round” until someone edits it.",
                   "%(num)d entries were copied from the last approved report. Each stays marked “copied from "
                   "the last round” until someone edits it.", copied), "success")
    return redirect(url_for(".overview", report_id=report.id))

"""Documents of a report: upload (to the report or to an entry), download, replace, delete.

Always loaded through the report, which the policy checks first: a document of another party's
report answers 404, exactly like one that does not exist.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.infra.database import writes_on_get
from ctportal.forms.documents import ReplaceForm, UploadForm, entry_page_upload_form
from ctportal.forms import ActionForm
from ctportal.models import Document, Entry, Report, Sensitivity, db
from ctportal.policy import Permission
from ctportal.services.reporting import documents as service
from ctportal.infra import storage
from ctportal.views import reports as entry_views
from ctportal.views.errors import error_page, on_form
from ctportal.web.safe_urls import safe_next

bp = Blueprint("documents", __name__)
log = logging.getLogger("ctportal.documents")

NOT_SAVED = _l("The document could not be saved because the database did not answer. Nothing was uploaded; "
               "please try again, and tell the portal administrators if it happens again.")


WITHHELD = _l("This document was marked RESTRICTED, a classified marking this portal may not hold, so it cannot "
              "be downloaded here. Ask the secretariat how it is to be handled.")


def _back(report: Report, entry_id: int | None) -> str:
    if entry_id is not None:
        return url_for("reports.entry", report_id=report.id, entry_id=entry_id, _anchor="documents")
    return url_for("reports.overview", report_id=report.id, _anchor="documents")


def _save_then_upload(report: Report, entry: Entry):
    """The upload of the entry page: it posts the entry's form too, so what was typed is saved first
    and never lost to the upload, a refused file included (issue 13)."""
    refused = entry_views.save_typed_fields(report, entry)
    if refused is not None:
        return refused
    saved = policy.entry_of_report_or_404(report, entry.id)
    form = entry_page_upload_form()
    status = 422
    if form.validate():
        doc, status = _store(report, saved, form)
        if doc is not None:
            flash(_("Your answer is saved, and “%(name)s” was uploaded.", name=doc.original_name), "success")
            return redirect(_back(report, saved.id))
    return entry_views.entry_with_upload_problem(report, saved, form, status)


def _upload(report: Report, entry: Entry | None):
    if request.method == "POST" and entry is not None and "version" in request.form:
        return _save_then_upload(report, entry)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            doc, status = _store(report, entry, form)
            if doc is not None:
                flash(_("“%(name)s” was uploaded.", name=doc.original_name), "success")
                return redirect(_back(report, entry.id if entry else None))
    return render_template("documents/upload.html", form=form, report=report, entry=entry,
                           limit_mb=current_app.config["MAX_UPLOAD_MB"],
                           back=_back(report, entry.id if entry else None)), status


def _store(report: Report, entry: Entry | None, form) -> tuple[Document | None, int]:
    """Store the validated form's file and commit it: the document, or None with the problem under
    the form's file field and the status to answer (one body for both upload forms)."""
    try:
        doc = service.upload(report, form.file.data.stream, form.file.data.filename, current_user,
                             entry=entry, title=form.title.data or "",
                             sensitivity=Sensitivity(form.sensitivity.data))
    except (service.RejectedFile, service.StorageFailed) as exc:
        on_form(form, exc, "file")
        return None, exc.status
    if _commit_or_discard(doc):
        return doc, 200
    form.file.errors = [str(NOT_SAVED)]
    return None, 503


def _commit_or_discard(doc: Document) -> bool:
    """Commit the new row; if that fails the file just written must not stay behind.

    A database error answers False (the caller tells the user); anything else is raised.
    """
    try:
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        stored_name = doc.stored_name
        db.session.rollback()
        storage.remove("documents", stored_name)
        log.exception("the commit of an upload failed; its file %s was removed", stored_name)
        return False
    except BaseException:
        db.session.rollback()
        service.discard_file(doc)
        raise
    return True


@bp.route("/reports/<int:report_id>/documents/upload", methods=["GET", "POST"])
@login_required
def upload(report_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    return _upload(report, None)


@bp.route("/reports/<int:report_id>/entries/<int:entry_id>/documents/upload", methods=["GET", "POST"])
@login_required
def upload_to_entry(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    return _upload(report, policy.entry_of_report_or_404(report, entry_id))


@bp.get("/reports/<int:report_id>/documents/<int:document_id>")
@login_required
@writes_on_get  # every download is an audit event
def download(report_id: int, document_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.DOWNLOAD)
    doc = policy.document_of_report_or_404(report, document_id)
    if not doc.sensitivity.held:
        # Marked classified by an earlier version: withheld from everyone (docs/security.md, "Markings").
        return error_page(410, str(WITHHELD))
    path = storage.path_for("documents", doc.stored_name)
    if not path.exists():
        abort(404)
    service.record_download(doc, current_user)
    db.session.commit()
    # The name's extension follows the content (a PDF named minutes.html downloads as minutes.pdf);
    # the sandbox CSP and nosniff come with every file (infra/security_headers.py).
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=service.download_name(doc), conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/reports/<int:report_id>/documents/<int:document_id>/replace", methods=["GET", "POST"])
@login_required
def replace(report_id: int, document_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    old = policy.document_of_report_or_404(report, document_id)
    if not old.is_current or old.partner_internal:  # a kept offline form is a record: neither replaced nor deleted
        abort(404)
    form = ReplaceForm(sensitivity=old.sensitivity.value if old.sensitivity.held else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            entry = db.session.get(Entry, old.entry_id) if old.entry_id else None
            try:
                doc = service.upload(report, form.file.data.stream, form.file.data.filename, current_user,
                                     entry=entry, title=old.title, sensitivity=Sensitivity(form.sensitivity.data),
                                     replaces=old)
            except (service.RejectedFile, service.StorageFailed) as exc:
                on_form(form, exc, "file")
                status = exc.status
            else:
                name = old.original_name
                if _commit_or_discard(doc):
                    flash(_("A new version of “%(name)s” was uploaded; the earlier one is kept.", name=name),
                          "success")
                    return redirect(_back(report, old.entry_id))
                form.file.errors = [str(NOT_SAVED)]
                status = 503
        else:
            status = 422
    return render_template("documents/replace.html", form=form, report=report, document=old,
                           limit_mb=current_app.config["MAX_UPLOAD_MB"], back=_back(report, old.entry_id)), status


@bp.route("/reports/<int:report_id>/documents/<int:document_id>/delete", methods=["GET", "POST"])
@login_required
def delete(report_id: int, document_id: int):
    """Deleting a document asks first (this page, without JavaScript) and returns to where the user was."""
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    doc = policy.document_of_report_or_404(report, document_id)
    if not doc.is_current or doc.partner_internal:
        abort(404)
    entry_id = doc.entry_id
    back = safe_next(request.values.get("next"), _back(report, entry_id))
    if request.method == "GET":
        service.ensure_deletable(doc)  # DocumentLocked: 409 with its message, before anything is asked
        entry = db.session.get(Entry, entry_id) if entry_id else None
        return render_template("documents/delete.html", report=report, doc=doc, entry=entry, back=back,
                               form=ActionForm())
    if not ActionForm().validate():
        flash(_("The form had expired. Delete the document again."), "error")
        return redirect(url_for("documents.delete", report_id=report.id, document_id=doc.id, next=back))
    service.delete(doc, current_user)  # DocumentLocked: 409 with its message (views/errors.py)
    db.session.commit()
    flash(_("“%(name)s” was deleted from the report.", name=doc.original_name), "success")
    return redirect(back)

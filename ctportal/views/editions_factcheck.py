"""A party's fact-check of a draft edition (issue 15, item 4): its own part of the draft, and the
factual corrections its coordinator sends until the period ends. Access: policy.factcheck_permissions
(another party, a contributor, the Commission: 404 — the Commission reads the edition and the
corrections on its own editions page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms import options
from ctportal.forms.factcheck import CorrectionForm
from ctportal.infra import storage
from ctportal.infra.database import writes_on_get
from ctportal.models import CompiledReport, Round, db
from ctportal.policy import Permission
from ctportal.services import audit
from ctportal.services.editions import factcheck

bp = Blueprint("factcheck", __name__, url_prefix="/fact-check")


def _part(edition: CompiledReport):
    item = factcheck.slice_for(edition, current_user.party_id)
    if item is None:  # the policy found it; gone meanwhile is missing
        abort(404)
    return item


def _form(item) -> CorrectionForm:
    form = CorrectionForm()
    form.action_code.choices = options([("", _("General (not about one action)"))] + [
        (code, _("Action %(code)s", code=code)) for code in factcheck.action_codes(item)])
    return form


def _page(edition: CompiledReport, item, form: CorrectionForm, status: int = 200):
    rnd = db.session.get(Round, edition.round_id)
    return render_template("editions/factcheck.html", edition=edition, rnd=rnd, item=item, form=form,
                           may_correct=policy.may_correct_factcheck(current_user, edition),
                           sent=factcheck.corrections(edition, current_user.party_id)), status


@bp.get("/<int:edition_id>")
@login_required
def page(edition_id: int):
    edition = policy.get_factcheck_or_404(edition_id)
    item = _part(edition)
    return _page(edition, item, _form(item))


@bp.get("/<int:edition_id>/pdf")
@login_required
@writes_on_get  # every download is an audit event
def download(edition_id: int):
    edition = policy.get_factcheck_or_404(edition_id, permission=Permission.DOWNLOAD)
    item = _part(edition)
    path = storage.path_for("compiled", item.stored_name)
    if not path.exists():
        abort(404)
    audit.record("factcheck.download", edition, actor=current_user, sha256=item.sha256)
    db.session.commit()
    return send_file(path, mimetype="application/pdf", as_attachment=True, max_age=0,
                     download_name=f"draft-edition-{edition.id}-{current_user.party.code}.pdf")


@bp.post("/<int:edition_id>/corrections")
@login_required
def correct(edition_id: int):
    edition = policy.get_factcheck_or_404(edition_id, permission=Permission.COMMENT)
    item = _part(edition)
    form = _form(item)
    if not form.validate_on_submit():
        return _page(edition, item, form, 400)
    try:
        factcheck.add_correction(item, current_user, form.action_code.data or "", form.body.data or "")
    except factcheck.FactcheckError as exc:
        getattr(form, exc.field or "body").errors = [exc.message]
        return _page(edition, item, form, 400)  # the text stays in the form
    db.session.commit()
    flash(_("Your correction was sent to the secretariat."), "success")
    return redirect(url_for("factcheck.page", edition_id=edition.id))

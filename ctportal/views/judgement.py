"""The Commission's texts of a round (issue 15): written and approved by reviewers and the
secretariat; a party reads its texts only once a final edition carries them (policy)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms.judgement import EMPTY_ROWS, ApproveTextForm, TextFormBase, text_form
from ctportal.infra import markdown
from ctportal.models import Assessment, Round, TextKind, User, db
from ctportal.policy import Permission
from ctportal.services.review import judgement as service
from ctportal.views.errors import on_form, refused_to

bp = Blueprint("judgement", __name__, url_prefix="/judgement")


def _slot_or_404(rnd: Round, key: str) -> service.Slot:
    slot = service.slot_of(rnd, key)
    if slot is None:
        abort(404)
    return slot


def _names(*ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i}
    return {u.id: u.name for u in db.session.query(User).filter(User.id.in_(wanted))} if wanted else {}


@bp.get("/rounds/<int:round_id>")
@login_required
def index(round_id: int):
    rnd = policy.get_text_round_or_404(round_id)
    found = service.texts(rnd)
    names = _names(*(t.written_by_id for t in found.values()), *(t.approved_by_id for t in found.values()))
    return render_template("judgement/index.html", rnd=rnd, slots=service.slots(rnd), texts=found, names=names,
                           may_write=Permission.ASSESS in policy.commission_text_permissions(current_user, rnd))


def _inputs(form: TextFormBase) -> list[service.RecommendationInput]:
    return [service.RecommendationInput(str(body.data or ""), service.parse_codes(str(codes.data or "")), row=n)
            for n, body, codes in form.recommendation_rows()
            if str(body.data or "").strip() or str(codes.data or "").strip()]


@bp.route("/rounds/<int:round_id>/texts/<slot_key>", methods=["GET", "POST"])
@login_required
def text(round_id: int, slot_key: str):
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        abort(404)
    if Permission.VIEW not in policy.commission_text_permissions(current_user, rnd):
        return _read_only(rnd, slot_key)
    slot = _slot_or_404(rnd, slot_key)
    current = service.text_of(rnd, slot)
    may_write = Permission.ASSESS in policy.commission_text_permissions(current_user, rnd)
    if request.method == "POST" and not may_write:
        abort(403)
    rows = 0
    if slot.kind == TextKind.party:
        asked = request.form.get("rows", type=int) or 0
        rows = max(asked, len(current.recommendations) + EMPTY_ROWS if current else EMPTY_ROWS)
    form = text_form(rows)
    if request.method == "GET" and current is not None:
        form.body.data, form.version.data = current.body, current.version
        form.assessment.data = current.assessment.value if current.assessment else ""
        for rec in current.recommendations:
            form[f"rec_{rec.number}_body"].data = rec.body
            form[f"rec_{rec.number}_codes"].data = ", ".join(rec.action_codes)
    form.rows.data = str(rows)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = markdown.render(form.body.data or "")
        else:
            try:
                saved = service.save(rnd, slot, current_user, body=form.body.data or "",
                                     assessment=Assessment(form.assessment.data) if form.assessment.data else None,
                                     recommendations=_inputs(form), version=form.version.data)
            except service.TextError as exc:
                on_form(form, exc, "body")
            else:
                db.session.commit()
                flash(_("%(text)s: saved as a draft (version %(version)d). Another member of the Commission "
                        "approves it.", text=slot.label, version=saved.version), "success")
                return redirect(url_for("judgement.text", round_id=rnd.id, slot_key=slot.key))
    names = _names(current.written_by_id, current.approved_by_id) if current else {}
    return render_template("judgement/edit.html", rnd=rnd, slot=slot, text=current, form=form, preview=preview,
                           may_write=may_write, names=names, approve_form=ApproveTextForm(formdata=None),
                           may_approve=current is not None and policy.may_approve_commission_text(current_user, current)
                           and Permission.APPROVE in policy.commission_text_permissions(current_user, rnd),
                           rendered=markdown.render(current.body) if current else "")


def _read_only(rnd: Round, slot_key: str):
    """A party's (or observer's) view of a text: only what a final edition carries, else 404."""
    slot = service.slot_of(rnd, slot_key)
    current = service.text_of(rnd, slot) if slot else None
    if slot is None or current is None or not policy.may_read_commission_text(current_user, current):
        abort(404)
    return render_template("judgement/read.html", rnd=rnd, slot=slot, text=current,
                           rendered=markdown.render(current.body))


@bp.post("/rounds/<int:round_id>/texts/<slot_key>/approve")
@login_required
def approve(round_id: int, slot_key: str):
    rnd = policy.get_text_round_or_404(round_id, permission=Permission.APPROVE)
    slot = _slot_or_404(rnd, slot_key)
    current = service.text_of(rnd, slot)
    if current is None:
        abort(404)
    form = ApproveTextForm()
    back = url_for("judgement.text", round_id=rnd.id, slot_key=slot.key)
    if not form.validate_on_submit():
        flash(_("The form had expired. Send it again."), "error")
        return redirect(back)
    with refused_to(back):
        service.approve(rnd, current, current_user, version=form.version.data or 0)
    db.session.commit()
    flash(_("%(text)s: approved. It stays internal to the Commission until the final edition carries it.",
            text=slot.label), "success")
    return redirect(url_for("judgement.index", round_id=rnd.id))

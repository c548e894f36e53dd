"""Partners' priority actions, kept by the Commission."""
from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms import options
from ctportal.forms.priorities import PriorityForm
from ctportal.models import Action, Party, PartyKind, PriorityAction, db
from ctportal.domain.parties import local_name
from ctportal.services.desk import priorities as service
from ctportal.services.desk.plan_versions import latest_version
from ctportal.views.errors import on_form, refused_to
from ctportal.web.gates import gate_area

bp = Blueprint("priorities", __name__, url_prefix="/priorities")
gate_area(bp, policy.may_manage_priorities)


def _partner(party_id: int) -> Party:
    party = db.session.get(Party, party_id)
    if party is None or party.kind != PartyKind.wb_partner:
        abort(404)
    return party


def _priority(priority_id: int) -> PriorityAction:
    priority = db.session.get(PriorityAction, priority_id)
    if priority is None:
        abort(404)
    return priority


def _action_choices(form: PriorityForm, current: PriorityAction | None = None) -> None:
    version = latest_version()
    actions = service.linkable_actions(version.id) if version else []
    if current is not None and current.action not in actions:
        actions.insert(0, current.action)
    form.action_id.choices = options((a.id, f"{a.code} — {a.text[:100]}{'…' if len(a.text) > 100 else ''}")
                                     for a in actions)


def _chosen_action(form: PriorityForm) -> Action | None:
    action = db.session.get(Action, form.action_id.data)
    if action is None:
        cast(list[str], form.action_id.errors).append(_("Choose one of the plan's actions."))
    return action


def _arrangement(form: PriorityForm) -> service.Arrangement:
    return service.Arrangement(form.agreed_on.data, form.agreed_at.data or "", form.arrangement_reference.data or "")


@bp.get("/")
@login_required
def index():
    counts = dict(db.session.execute(
        sa.select(PriorityAction.party_id, sa.func.count(PriorityAction.id))
        .where(PriorityAction.retired_at.is_(None)).group_by(PriorityAction.party_id)).all())
    version = latest_version()
    partners = service.partners()
    return render_template("priorities/index.html", partners=partners, counts=counts,
                           party_of={p.id: p for p in partners},
                           unlinked=service.unlinked(version.id) if version else [], version=version)


@bp.route("/party/<int:party_id>", methods=["GET", "POST"])
@login_required
def party(party_id: int):
    partner = _partner(party_id)
    form = PriorityForm()
    _action_choices(form)
    if form.validate_on_submit():
        action = _chosen_action(form)
        if action is not None:
            try:
                assert form.text.data is not None  # DataRequired passed
                service.add(partner, action, form.text.data, form.target_date.data, current_user, _arrangement(form))
            except service.PriorityError as exc:
                on_form(form, exc, "action_id")
            else:
                db.session.commit()
                flash(_("The priority action for %(party)s is added: it is now in the partner's report if that can "
                        "still be edited, and in every next report.", party=local_name(partner)), "success")
                return redirect(url_for("priorities.party", party_id=partner.id))
    return render_template("priorities/party.html", partner=partner, form=form,
                           items=service.for_party(partner))


@bp.route("/<int:priority_id>/edit", methods=["GET", "POST"])
@login_required
def edit(priority_id: int):
    priority = _priority(priority_id)
    partner = db.session.get(Party, priority.party_id)
    assert partner is not None  # party_id is a non-null foreign key
    if priority.retired_at is not None:
        abort(403)
    form = PriorityForm(obj=priority)
    _action_choices(form, priority)
    if form.validate_on_submit():
        action = _chosen_action(form)
        if action is not None:
            try:
                assert form.text.data is not None  # DataRequired passed
                service.edit(priority, action, form.text.data, form.target_date.data, current_user,
                             _arrangement(form))
            except service.PriorityError as exc:
                on_form(form, exc, "action_id")
            else:
                db.session.commit()
                flash(_("The priority action is saved. Every report that has it shows the change."), "success")
                return redirect(url_for("priorities.party", party_id=partner.id))
    return render_template("priorities/edit.html", partner=partner, form=form, priority=priority)


@bp.post("/<int:priority_id>/retire")
@login_required
def retire(priority_id: int):
    priority = _priority(priority_id)
    with refused_to(url_for("priorities.party", party_id=priority.party_id)):
        service.retire(priority, current_user)
    db.session.commit()
    flash(_("The priority action is retired: the partner's next report no longer contains it."), "success")
    return redirect(url_for("priorities.party", party_id=priority.party_id))

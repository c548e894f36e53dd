"""Indicators of a round (issue 18, item 4): the catalogue's, and those the Commission adds for one round."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.domain.errors import DomainError
from ctportal.forms.figures import IndicatorForm
from ctportal.models import Action, Objective, Round, RoundState, db
from ctportal.services.reporting import figures as figure_service
from ctportal.views.errors import on_form
from ctportal.web.gates import gate_area

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
gate_area(bp, policy.may_define_indicators)


def _actions(rnd: Round) -> list[tuple[str, str]]:
    actions = db.session.scalars(sa.select(Action).join(Objective).where(Action.plan_version_id == rnd.plan_version_id)
                                 .order_by(Objective.number, Action.position))
    return [(a.code, f"{a.code} — {a.text[:90]}{'…' if len(a.text) > 90 else ''}") for a in actions]


def _page(rnd: Round, form: IndicatorForm, status: int = 200):
    return render_template("indicators/round.html", rnd=rnd, form=form,
                           items=figure_service.round_indicators(rnd),
                           may_add=rnd.state != RoundState.closed), status


@bp.get("/")
@login_required
def index():
    rounds = [r for r in db.session.scalars(sa.select(Round).order_by(Round.period_end.desc(), Round.id.desc()))
              if policy.Permission.VIEW in policy.round_permissions(current_user, r)]
    return render_template("indicators/index.html", rounds=rounds)


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@login_required
def round_indicators(round_id: int):
    rnd = policy.get_round_or_404(round_id)
    form = IndicatorForm()
    form.fill_choices(_actions(rnd))
    if not form.is_submitted():
        return _page(rnd, form)
    if rnd.state == RoundState.closed:
        form.action_code.errors = [_("This round is closed: its indicators can no longer change.")]
        return _page(rnd, form, 409)
    if not form.validate():
        return _page(rnd, form, 422)
    try:
        indicator = figure_service.add_round_indicator(
            rnd, form.action_code.data or "", form.name.data or "", form.unit.data or "",
            form.disaggregation.data or "", current_user)
    except DomainError as exc:
        on_form(form, exc, "name")
        return _page(rnd, form, 422)
    db.session.commit()
    flash(_("Indicator “%(name)s” added to action %(code)s for this round; the reports being written show it at once.",
            name=indicator.name, code=form.action_code.data), "success")
    return redirect(url_for(".round_indicators", round_id=rnd.id))

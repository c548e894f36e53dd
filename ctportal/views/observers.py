"""Administrators choose the parties an observer reads (each party still decides, round by round)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from ctportal import policy
from ctportal.domain.parties import local_name
from ctportal.forms import options
from ctportal.models import Party, Role, User, db
from ctportal.services.accounts import observers
from ctportal.web.gates import requires
from ctportal.views.auth import _me

bp = Blueprint("observers", __name__, url_prefix="/admin/observers")


class ObservedPartiesForm(FlaskForm):
    parties = SelectMultipleField(_l("Parties"), widget=widgets.ListWidget(prefix_label=False),
                                  option_widget=widgets.CheckboxInput())


def _observer_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.observer:
        abort(404)
    return user


@bp.route("/<int:user_id>/parties", methods=["GET", "POST"])
@requires(policy.may_administer)
def parties(user_id: int):
    user = _observer_or_404(user_id)
    all_parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order)))
    form = ObservedPartiesForm()
    form.parties.choices = options((p.code, local_name(p)) for p in all_parties)
    if form.validate_on_submit():
        chosen = [p for p in all_parties if p.code in (form.parties.data or [])]
        observers.bind(user, chosen, actor=_me())
        db.session.commit()
        flash(_("%(name)s now observes: %(parties)s.", name=user.name,
                parties=", ".join(p.code for p in chosen) or _("no party")), "success")
        return redirect(url_for("observers.parties", user_id=user.id))
    if not form.is_submitted():
        form.parties.data = [p.code for p in observers.bound_parties(user)]
    return render_template("admin/observer_parties.html", user=user, form=form)

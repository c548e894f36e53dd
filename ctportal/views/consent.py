"""The party's side of sharing: its coordinator gives or withdraws observers' access, round by round."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.models import db
from ctportal.services.accounts import observers
from ctportal.views.auth import _me

bp = Blueprint("consent", __name__, url_prefix="/sharing")


def _require_manager() -> None:
    if not policy.may_manage_consent(current_user):
        abort(403)


@bp.get("/")
@login_required
def index():
    _require_manager()
    party = _me().party
    return render_template("consent/index.html", party=party, rounds=observers.consent_rounds(party),
                           observers=observers.observers_of(party))


def _round(round_id: int):
    _require_manager()
    return policy.get_round_or_404(round_id)


@bp.post("/rounds/<int:round_id>/give")
@login_required
def give(round_id: int):
    rnd = _round(round_id)
    if observers.give(rnd, _me().party, _me()):
        db.session.commit()
        flash(_("Observers bound to your party may now read its approved report for “%(title)s”.", title=rnd.title),
              "success")
    return redirect(url_for("consent.index"))


@bp.post("/rounds/<int:round_id>/withdraw")
@login_required
def withdraw(round_id: int):
    rnd = _round(round_id)
    if observers.withdraw(rnd, _me().party, _me()):
        db.session.commit()
        flash(_("Consent for “%(title)s” is withdrawn: observers no longer read it.", title=rnd.title), "success")
    return redirect(url_for("consent.index"))

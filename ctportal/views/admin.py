"""Administration: accounts (invite, role, deactivate, unlock, reset two-step) and parties."""
from __future__ import annotations


import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ctportal import policy
from ctportal.forms import ActionForm
from ctportal.forms.admin import EditUserForm, InviteUserForm, PartyTwoFactorForm, UserFilterForm
from ctportal.models import Party, Role, User, db, utcnow
from ctportal.services.accounts import users
from ctportal.services.accounts.users import AccountError
from ctportal.views.errors import on_form, refused_to
from ctportal.web.gates import gate_area

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Before any object is loaded: a non-admin learns nothing about which accounts exist.
gate_area(bp, policy.may_administer)


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/users", endpoint="users")
def users_list():
    form = UserFilterForm(request.args)
    valid = form.validate()
    role = Role(form.role.data) if valid and form.role.data else None
    party = (db.session.scalar(sa.select(Party).where(Party.code == form.party.data))
             if valid and form.party.data else None)
    found = users.search_users(form.q.data or "" if valid else "", role, party, form.status.data if valid else "")
    return render_template("admin/users.html", form=form, users=found, now=utcnow(),
                           filtered=any((form.q.data, form.role.data, form.party.data, form.status.data)))


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    form = InviteUserForm()
    if form.validate_on_submit():
        try:
            user, _token = users.invite_user(form.email.data, form.name.data, form.chosen_role(),
                                             form.chosen_party(), actor=current_user)
        except AccountError as exc:
            on_form(form, exc, "party")
        else:
            db.session.commit()
            flash(_("%(name)s is invited: an email with a link to set the password is on its way to %(email)s.",
                    name=user.name, email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = EditUserForm(obj=None, data={"name": user.name, "role": user.role.value,
                                        "party": user.party.code if user.party else ""}
                        ) if request.method == "GET" else EditUserForm()
    if form.validate_on_submit():
        try:
            changed = users.change_role(user, form.chosen_role(), form.chosen_party(), actor=current_user)
            assert form.name.data is not None  # DataRequired passed
            if form.name.data.strip() != user.name:
                users.rename(user, form.name.data, actor=current_user)
                changed = True
        except AccountError as exc:
            on_form(form, exc, "party")
        else:
            db.session.commit()
            flash(_("The account is saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/edit_user.html", form=form, user=_user_or_404(user_id), now=utcnow())


def _account_action(user_id: int, action, message):
    """`message`: a lazy string with %(name)s, translated when flashed."""
    user = _user_or_404(user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with refused_to(url_for("admin.edit_user", user_id=user_id)):
        action(user, actor=current_user)
    db.session.commit()
    flash(str(message) % {"name": user.name}, "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _account_action(user_id, users.deactivate, _l("%(name)s is deactivated and signed out everywhere."))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _account_action(user_id, users.reactivate, _l("%(name)s can sign in again."))


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    return _account_action(user_id, users.unlock, _l("%(name)s is unlocked."))


@bp.post("/users/<int:user_id>/reset-two-step")
def reset_two_step(user_id: int):
    return _account_action(user_id, users.reset_second_factor,
                           _l("Two-step sign-in of %(name)s is reset; they set up their app again at the next "
                              "sign-in."))


@bp.post("/users/<int:user_id>/resend-invitation")
def resend_invitation(user_id: int):
    return _account_action(user_id, users.resend_invitation, _l("A new invitation is on its way to %(name)s."))


@bp.get("/parties")
def parties():
    rows = db.session.execute(
        sa.select(Party, sa.func.count(User.id)).outerjoin(User, User.party_id == Party.id)
        .group_by(Party.id).order_by(Party.sort_order)).all()
    return render_template("admin/parties.html", rows=rows)


@bp.post("/parties/<int:party_id>/two-step")
def party_two_step(party_id: int):
    party = db.get_or_404(Party, party_id)
    form = PartyTwoFactorForm()
    if not form.validate_on_submit():
        abort(400)
    ended = users.set_party_requires_2fa(party, bool(form.require_2fa.data), actor=current_user)
    db.session.commit()
    from ctportal.domain.parties import local_name
    if party.require_2fa:
        flash(_("Two-step sign-in is now mandatory for %(party)s.", party=local_name(party))
              + (" " + ngettext("%(num)d session of users without an app ended.",
                                "%(num)d sessions of users without an app ended.", ended) if ended else ""),
              "success")
    else:
        flash(_("Two-step sign-in is optional again for %(party)s.", party=local_name(party)), "success")
    return redirect(url_for("admin.parties"))

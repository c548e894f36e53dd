"""Personal API tokens on the account page: make one (shown once), revoke one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ctportal.forms.api_tokens import ApiTokenForm
from ctportal.models import db
from ctportal.services.accounts import api_tokens
from ctportal.views.auth import _me

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


@bp.post("")
@login_required
def create():
    form = ApiTokenForm()
    if form.validate_on_submit():
        token, secret = api_tokens.create(_me(), form.name.data, form.days.data)
        db.session.commit()
        # Rendered, not redirected: the secret must never sit in the session cookie or a flash.
        return render_template("account/api_token_created.html", token=token, secret=secret)
    from ctportal.views.account import _settings
    return _settings(token_form=form)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = api_tokens.own_token(_me(), token_id)
    if token is None:
        abort(404)
    if api_tokens.revoke(token, _me()):
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it stops working at once.", name=token.name), "success")
    return redirect(url_for("account.settings") + "#api-tokens-heading")

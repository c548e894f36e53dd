"""The signed-in user's own account: password, two-step sign-in, sessions."""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, redirect, render_template, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from ctportal import policy
from ctportal.web.extensions import limiter
from ctportal.forms.account import ChangePasswordForm, ConfirmPasswordForm, EnableTotpForm
from ctportal.models import db
from ctportal.services import audit
from ctportal.services.accounts import signin as auth
from ctportal.services.accounts import sessions
from ctportal.services.accounts import users
from ctportal.services.accounts.passwords import verify_password
from ctportal.views.auth import _me, _qr_data_uri

bp = Blueprint("account", __name__, url_prefix="/account")

WRONG_PASSWORD = _l("This is not your current password.")


def _confirm_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _user_key() -> str:
    return "account-confirm:" + str(getattr(_me(), "id", ""))


def _settings(password_form=None, disable_form=None, codes_form=None, token_form=None, status: int = 200):
    from ctportal.forms.api_tokens import ApiTokenForm
    from ctportal.services.accounts import api_tokens
    live = sessions.live_sessions(_me())
    return render_template(
        "account/settings.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        disable_form=disable_form or ConfirmPasswordForm(formdata=None, prefix="disable"),
        codes_form=codes_form or ConfirmPasswordForm(formdata=None, prefix="codes"),
        current_token=current_user.session_token, is_current=sessions.is_current,
        mandatory=policy.two_factor_mandatory(_me()),
        recovery_left=auth.recovery_codes_left(_me()),
        live_sessions=live,
        token_form=token_form or ApiTokenForm(formdata=None), api_tokens=api_tokens.tokens_of(_me()),
    ), status


def _password_ok(form: ConfirmPasswordForm | ChangePasswordForm, field) -> bool:
    if verify_password(current_user.password_hash, field.data or ""):
        return True
    audit.record("account.password_confirm_failed", _me())
    db.session.commit()
    field.errors.append(WRONG_PASSWORD)
    return False


@bp.get("")
@login_required
def settings():
    return _settings()


@bp.post("/password")
@login_required
@limiter.limit(_confirm_limit, key_func=_user_key)
def change_password():
    form = ChangePasswordForm()
    form.email_for_rules = current_user.email
    if form.validate_on_submit() and _password_ok(form, form.current_password):
        # Every other browser signed in as this user is signed out; this one stays.
        ended = users.set_password(_me(), form.new_password.data, reason="changed by the user",
                                   keep_session=current_user.session_token)
        db.session.commit()
        flash(_("Your password is changed.") + (" " + ngettext("%(num)d other session signed out.",
                                                               "%(num)d other sessions signed out.", ended)
                                                if ended else ""), "success")
        return redirect(url_for("account.settings"))
    return _settings(password_form=form)


@bp.route("/two-step", methods=["GET", "POST"])
@login_required
@limiter.limit(_confirm_limit, key_func=_user_key, methods=["POST"])
def enable_totp():
    """Turn on two-step sign-in: scan the key, prove it works with one code, get recovery codes."""
    if current_user.totp_enabled:
        flash(_("Two-step sign-in is already on for your account."), "info")
        return redirect(url_for("account.settings"))
    secret = session.get("totp_enrol_secret") or auth.new_totp_secret()
    session["totp_enrol_secret"] = secret
    form = EnableTotpForm()
    if form.validate_on_submit():
        if auth.verify_totp(_me(), form.code.data, secret=secret):
            codes = auth.enable_totp(_me(), secret)
            session.pop("totp_enrol_secret", None)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("account.settings"))
        db.session.commit()
        form.code.errors.append(_("This code does not match. Check the time on your phone and try the next code."))
    return render_template("account/enable_totp.html", form=form, secret=secret,
                           qr=_qr_data_uri(auth.totp_uri(_me(), secret)))


@bp.post("/two-step/disable")
@login_required
@limiter.limit(_confirm_limit, key_func=_user_key)
def disable_totp():
    form = ConfirmPasswordForm(prefix="disable")
    if not current_user.totp_enabled:
        return redirect(url_for("account.settings"))
    if policy.two_factor_mandatory(_me()):
        flash(_("Two-step sign-in is mandatory for your account; it cannot be turned off."), "error")
        return redirect(url_for("account.settings"))
    if form.validate_on_submit() and _password_ok(form, form.password):
        users.disable_totp(_me())
        db.session.commit()
        flash(_("Two-step sign-in is off."), "success")
        return redirect(url_for("account.settings"))
    return _settings(disable_form=form)


@bp.post("/two-step/recovery-codes")
@login_required
@limiter.limit(_confirm_limit, key_func=_user_key)
def regenerate_recovery_codes():
    form = ConfirmPasswordForm(prefix="codes")
    if not current_user.totp_enabled:
        return redirect(url_for("account.settings"))
    if form.validate_on_submit() and _password_ok(form, form.password):
        codes = auth.new_recovery_codes(_me())
        audit.record("account.recovery_codes_regenerated", _me())
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("account.settings"),
                               regenerated=True)
    return _settings(codes_form=form)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    ended = sessions.end_all_sessions(_me())
    audit.record("logout.everywhere", _me(), sessions_ended=ended)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))

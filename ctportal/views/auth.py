"""Sign-in, second factor, sign-out."""
from __future__ import annotations


from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ctportal import policy
from ctportal.web.extensions import limiter
from ctportal.web.i18n import select_language
from ctportal.web.safe_urls import safe_next
from ctportal.forms.auth import EnrolTotpForm, ForgotPasswordForm, LoginForm, SecondFactorForm, SetPasswordForm
from ctportal.models import TokenPurpose, db
from ctportal.services import audit
from ctportal.services.accounts import signin as auth
from ctportal.services.accounts import sessions
from ctportal.services.accounts import tokens
from ctportal.services.accounts import preferences
from ctportal.services.accounts import users

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l("The email address or password is not correct. After several failed attempts "
                  "an account is locked for a while.")


def _me():
    """The signed-in User itself, not Flask-Login's proxy: services and the audit trail need the model
    (type(current_user) is werkzeug's LocalProxy, so the trail would name the object "localproxy")."""
    return current_user._get_current_object()


def _login_failed_only(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _second_factor_key() -> str:
    return "second-factor-account:" + str(getattr(_me(), "id", "") or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_login_failed_only)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"],
               key_func=_account_key, deduct_when=_login_failed_only)
def login():
    if current_user.is_authenticated and not current_user.second_factor_pending:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = auth.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            db.session.commit()
            form.password.errors.append(LOGIN_FAILED)
            return render_template("auth/login.html", form=form), 200
        if user.language is None:
            # The language the sign-in page spoke (the switcher's choice, else Accept-Language) becomes the
            # account's until its holder chooses another; the account's mail follows it.
            preferences.set_language(user, select_language())
        _begin_session(user)
        db.session.commit()
        target = safe_next(request.args.get("next"))
        if policy.needs_second_factor(user):
            session["after_second_factor"] = target
            if user.totp_enabled:
                return redirect(url_for("auth.second_factor"))
            return redirect(url_for("auth.enrol_totp"))
        auth.record_login(user)
        db.session.commit()
        return redirect(target)
    return render_template("auth/login.html", form=form)


def _begin_session(user) -> None:
    # A new session id at sign-in, so a cookie planted before sign-in is worth nothing after it.
    old = session.get("_user_id")
    if old:
        sessions.end_session(old)
    session.clear()
    token = sessions.start_session(user, second_factor_done=not policy.needs_second_factor(user),
                                   ip=request.remote_addr or "", user_agent=request.user_agent.string)
    user.session_token = token
    user.second_factor_pending = policy.needs_second_factor(user)
    login_user(user, remember=False)


def _complete_sign_in() -> None:
    """The second step is done: a new session token replaces the half-signed-in one."""
    user = _me()
    target = session.get("after_second_factor")
    token = sessions.replace_session(user.session_token, user, ip=request.remote_addr or "",
                                     user_agent=request.user_agent.string)
    session.clear()
    user.session_token = token
    user.second_factor_pending = False
    login_user(user, remember=False)
    if target:
        session["after_second_factor"] = target
    auth.record_login(user)


def _finish_second_factor():
    _complete_sign_in()
    db.session.commit()
    return redirect(safe_next(session.pop("after_second_factor", None)))


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_login_failed_only)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"],
               key_func=_second_factor_key, deduct_when=_login_failed_only)
@login_required
def second_factor():
    if not current_user.second_factor_pending:
        return redirect(url_for("main.home"))
    if not current_user.totp_enabled:
        return redirect(url_for("auth.enrol_totp"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        # A locked account gets no further guesses, even with a valid password behind it.
        if not auth.is_locked(_me()) and (
                auth.verify_totp(_me(), code) or auth.use_recovery_code(_me(), code)):
            return _finish_second_factor()
        g.login_failed = True
        # Wrong codes count towards the same lock as wrong passwords: guessing 6 digits from many
        # addresses is stopped by the account, not only by the address.
        if auth.second_factor_failed(_me()) or auth.is_locked(_me()):
            sessions.end_session(current_user.session_token)
            db.session.commit()
            logout_user()
            session.clear()
            flash(str(LOGIN_FAILED), "error")
            return redirect(url_for("auth.login"))
        db.session.commit()
        form.code.errors.append(_("This code is not valid, or it has already been used. "
                                  "Wait for the next code and try again."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol-authenticator", methods=["GET", "POST"])
@login_required
def enrol_totp():
    """First sign-in of an account that needs a second factor: set up the authenticator app.

    Only for a half-signed-in session; a signed-in user turns the second step on from their
    account page (account.enable_totp), which asks for their password first.
    """
    if not current_user.second_factor_pending:
        return redirect(url_for("account.settings"))
    if current_user.totp_enabled:
        return redirect(url_for("auth.second_factor"))
    secret = session.get("totp_enrol_secret") or auth.new_totp_secret()
    session["totp_enrol_secret"] = secret
    form = EnrolTotpForm()
    if form.validate_on_submit():
        if auth.verify_totp(_me(), form.code.data, secret=secret):
            codes = auth.enable_totp(_me(), secret)
            session.pop("totp_enrol_secret", None)
            _complete_sign_in()
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=safe_next(session.pop("after_second_factor", None)))
        db.session.commit()
        form.code.errors.append(_("This code does not match. Check the time on your phone and try the next code."))
    return render_template("auth/enrol_totp.html", form=form, secret=secret,
                           qr=_qr_data_uri(auth.totp_uri(_me(), secret)))


def _qr_data_uri(uri: str) -> str:
    import segno
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


@bp.post("/logout")
def logout():
    # CSRFProtect has already checked the token: a forged sign-out cannot be posted.
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_token)
        audit.record("logout", _me())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/session/keep-alive")
@login_required
def keep_alive():
    """"Stay signed in" (static/js/keep.js): the idle time of this session starts again now."""
    # CSRFProtect has checked the token: a page of another site cannot keep a session alive.
    alive = sessions.keep_alive(current_user.session_token)
    db.session.commit()
    return {"alive": alive, "idle_left": sessions.idle_seconds_left(sessions.seen_at(current_user.session_token))}


# --- one-time links: invitation, password reset -------------------------------------------------

def _link_not_valid(purpose: TokenPurpose):
    return render_template("auth/link_invalid.html", purpose=purpose.value, idle_warning=False,
                           language_next=url_for("main.index")), 404  # the same bytes for every token


def _set_password_from_link(token: str, purpose: TokenPurpose, template: str):
    # No rate limit here: a link token carries 256 random bits, and a wrong one costs one indexed lookup.
    row = tokens.find_valid(token, purpose)
    if row is None:
        return _link_not_valid(purpose)
    user = row.user
    form = SetPasswordForm()
    form.email_for_rules = user.email
    if form.validate_on_submit():
        if not tokens.consume(row):
            return _link_not_valid(purpose)
        # Every session of the account ends, this browser's too: sign in afresh with the new password.
        assert form.new_password.data is not None  # DataRequired passed
        users.set_password(user, form.new_password.data, reason=purpose.value)
        db.session.commit()
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()
            session.clear()
        flash(_("Your password is set. Sign in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    return _set_password_from_link(token, TokenPurpose.invite, "auth/accept_invite.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_from_link(token, TokenPurpose.reset, "auth/reset_password.html")


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a reset link. Throttled by address here; per account the service silently sends at most
    a few links an hour (a visible per-account limit would tell which addresses have an account)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        users.request_password_reset(form.email.data, page_language=select_language())
        db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("auth/reset_sent.html", email=form.email.data.strip())
    return render_template("auth/forgot_password.html", form=form)

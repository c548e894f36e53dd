"""Sign-in, second factor, sign-out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user

from ctportal.extensions import limiter
from ctportal.forms.auth import EnrolTotpForm, LoginForm, SecondFactorForm
from ctportal.models import db
from ctportal.services import audit, auth, sessions

bp = Blueprint("auth", __name__)

LOGIN_FAILED = ("The email address or password is not correct. After several failed attempts "
                "an account is locked for a while.")


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return url_for("main.home")
    return target


def _login_failed_only(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


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
        _begin_session(user)
        db.session.commit()
        target = safe_next(request.args.get("next"))
        if user.needs_second_factor:
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
    token = sessions.start_session(user, second_factor_done=not user.needs_second_factor,
                                   ip=request.remote_addr or "", user_agent=request.user_agent.string)
    user.session_token = token
    user.second_factor_pending = user.needs_second_factor
    login_user(user, remember=False)


def _finish_second_factor():
    sessions.mark_second_factor_done(current_user.session_token)
    auth.record_login(current_user)
    db.session.commit()
    return redirect(safe_next(session.pop("after_second_factor", None)))


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_login_failed_only)
@login_required
def second_factor():
    if not current_user.second_factor_pending:
        return redirect(url_for("main.home"))
    if not current_user.totp_enabled:
        return redirect(url_for("auth.enrol_totp"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if auth.verify_totp(current_user, code) or auth.use_recovery_code(current_user, code):
            return _finish_second_factor()
        g.login_failed = True
        audit.record("login.second_factor_failed", current_user)
        db.session.commit()
        form.code.errors.append("This code is not valid, or it has already been used. "
                                "Wait for the next code and try again.")
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol-authenticator", methods=["GET", "POST"])
@login_required
def enrol_totp():
    """First sign-in of an account that needs a second factor: set up the authenticator app."""
    if current_user.totp_enabled and not current_user.second_factor_pending:
        return redirect(url_for("main.home"))
    if current_user.totp_enabled:
        return redirect(url_for("auth.second_factor"))
    secret = session.get("totp_enrol_secret") or auth.new_totp_secret()
    session["totp_enrol_secret"] = secret
    form = EnrolTotpForm()
    if form.validate_on_submit():
        if auth.verify_totp(current_user, form.code.data, secret=secret):
            codes = auth.enable_totp(current_user, secret)
            session.pop("totp_enrol_secret", None)
            sessions.mark_second_factor_done(current_user.session_token)
            auth.record_login(current_user)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=safe_next(session.pop("after_second_factor", None)))
        db.session.commit()
        form.code.errors.append("This code does not match. Check the time on your phone and try the next code.")
    return render_template("auth/enrol_totp.html", form=form, secret=secret,
                           qr=_qr_data_uri(auth.totp_uri(current_user, secret)))


def _qr_data_uri(uri: str) -> str:
    import segno
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


@bp.post("/logout")
def logout():
    # CSRFProtect has already checked the token: a forged sign-out cannot be posted.
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_token)
        audit.record("logout", current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))

"""Flask-Login wired to database sessions, and the gate for the second factor."""
from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext
from flask_login import LoginManager, current_user
from flask_login.utils import login_url  # type: ignore[import-untyped]  # flask_login ships no types

from ctportal.models import User
from ctportal.services.accounts import sessions
from ctportal.web.kept_forms import keep_entry_form_of_ended_session

# Lazy, made into text in the reader's language when flashed (a lazy string cannot go into the session).
KEPT_MESSAGE = lazy_gettext("Your session had ended, so nothing was saved yet — but what you typed is kept for you. "
                            "Sign in again: the form opens with your text restored, and you can save it.")

# Reachable before sign-in is complete (second factor pending, or anonymous).
OPEN_ENDPOINTS = {
    "static", "auth.login", "auth.logout", "auth.second_factor", "auth.enrol_totp",
    "auth.accept_invite", "auth.forgot_password", "auth.reset_password", "health.healthz", "health.readyz",
}


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Our own session rows give stronger protection than Flask-Login's fingerprint check.
    login_manager.session_protection = None

    @login_manager.unauthorized_handler
    def _sign_in_first():
        # As Flask-Login's own answer (sign in, then back here), except that the typed text of an
        # entry's form posted after the session ended is kept first (web/kept_forms.py).
        landing = keep_entry_form_of_ended_session()
        if request.endpoint in ("drafts.autosave", "auth.keep_alive"):
            return jsonify(signed_out=True, kept=landing is not None,
                           login=login_url("auth.login", landing or request.referrer)), 401
        if landing:
            flash(str(KEPT_MESSAGE), "info")
        else:
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url("auth.login", landing or request.url))

    @login_manager.user_loader
    def _load(token: str):
        row = sessions.find_live_session(token)
        if row is None:
            return None
        user: User = row.user
        user.session_token = token
        user.second_factor_pending = not row.second_factor_done
        user.session_seen_at = row.last_seen_at
        return user

    @app.before_request
    def _second_factor_gate():
        if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
            return None
        if current_user.is_authenticated and current_user.second_factor_pending:
            if current_user.totp_enabled:
                return redirect(url_for("auth.second_factor"))
            return redirect(url_for("auth.enrol_totp"))
        return None

    @app.context_processor
    def _session_info():
        # The page's idle warning counts from the session's last noted activity (noted at most once
        # a minute), not from the page view: exactly when the server will end the session.
        seen = getattr(current_user, "session_seen_at", None) if current_user.is_authenticated else None
        return {"session_idle_minutes": app.config["SESSION_IDLE_MINUTES"],
                "session_idle_seconds": int(float(app.config["SESSION_IDLE_MINUTES"]) * 60),
                "session_idle_left": sessions.idle_seconds_left(seen)}

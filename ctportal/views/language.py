"""The language switcher on every page (issue 17): a plain form, no script needed."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session
from flask_login import current_user

from ctportal.domain import languages
from ctportal.models import db
from ctportal.services.accounts import preferences
from ctportal.web.i18n import SESSION_KEY
from ctportal.web.safe_urls import safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
def choose():
    """Keep the choice in this browser's session and, when signed in, on the account; back to the page."""
    code = request.form.get("language", "")
    if code not in languages.BY_CODE:
        abort(400)
    session[SESSION_KEY] = code
    if current_user.is_authenticated:
        preferences.set_language(current_user._get_current_object(), code)
        db.session.commit()
    return redirect(safe_next(request.form.get("next")), code=303)

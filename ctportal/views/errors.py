"""Error pages in the portal's layout (the same bytes for "missing" and "not yours"), and the one
way views answer a refused operation (a DomainError from a service):

* `refused_to(url)` around a service call with no form to show again: roll back, flash the
  message, redirect to `url` (the page the user acted on) — except a refused access (403), which
  goes on to the handler;
* `on_form(form, exc, default_field)`: roll back, the message goes under the field it concerns
  (`exc.field`, else the default), and the view shows the form again;
* anything else reaches the registered handler: roll back, and the error page with the error's
  status (a 403 exactly like every other 403; a 409 or 422 shows the message). A 500 or 503 after the
  request committed a change says so (AFTER_COMMIT), never "Nothing was changed".

A form posted with an expired CSRF token is never a dead end (issue 13): a route registered with
`@on_expired_form(endpoint)` shows its form again with what was posted; signed out, an entry's form
is kept for its user (web/kept_forms.py) and the browser goes to sign in; any other form answers
the error page with the posted text in it, to copy.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login.utils import login_url  # type: ignore[import-untyped]  # flask_login ships no types
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ctportal.api import api_of, is_api_request
from ctportal.domain.errors import DomainError
from ctportal.infra.database import committed_in_request
from ctportal.models import db
from ctportal.web.auth_session import KEPT_MESSAGE
from ctportal.web.kept_forms import keep_entry_form_of_ended_session, same_origin

log = logging.getLogger("ctportal.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your account does not allow this action.")),
    404: (_l("Page not found"), _l("There is no page at this address, or it is not available to your account.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Reload the page to see the current "
                      "version; nothing you saved before was lost.")),
    410: (_l("Withheld"), _l("This file is not available from the portal.")),
    413: (_l("File too large"), _l("The file is larger than the portal accepts.")),
    422: (_l("Not saved"), _l("The request could not be completed as sent. Go back, correct it and try again.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The portal could not complete your request. Nothing was changed. "
                                  "Please try again; if it happens again, tell the portal administrators.")),
    503: (_l("Not available"), _l("The portal cannot do this right now. Nothing was changed; please try again later.")),
}


# An error after this request committed: what the user sent is (at least partly) saved, and saying
# "Nothing was changed" would invite them to send it twice — or to believe it lost.
AFTER_COMMIT = _l("The portal saved what you sent, but could not finish the request afterwards. Open the page "
                  "again to see what was saved before you send anything again; if something is missing, "
                  "tell the portal administrators.")


EXPIRED_FORM = _l("Nothing was saved: the form had expired (the page was open a long time, or you signed in "
                  "again in another tab). What you typed is shown below — save it again.")
_FORM_AGAIN: dict[str, Callable[[], Any]] = {}
# Never echoed back: secrets, and the token itself.
_NOT_SHOWN = ("password", "code", "secret", "token", "csrf")


def error_page(code: int, detail: str | None = None, posted: list[tuple[str, str]] | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail is None and committed_in_request() and code >= 500:
        title, message = _l("Saved, but not finished"), AFTER_COMMIT
    # No idle warning on an error page: it carries the time left, and a 404 must be the same bytes
    # whatever was asked for (the next page the user opens has the warning again).
    return render_template("errors/error.html", code=code, title=str(title), message=detail or str(message),
                           posted=posted or [], idle_warning=False, language_next=url_for("main.index")), code


def on_expired_form(*endpoints: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the function that shows the form of these routes again, filled with the posted data,
    when its CSRF token had expired (it returns None if it cannot)."""
    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        for endpoint in endpoints:
            _FORM_AGAIN[endpoint] = fn
        return fn
    return register


def _posted_text() -> list[tuple[str, str]]:
    if (request.endpoint or "").startswith("auth."):
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if value.strip() and not any(word in name.lower() for word in _NOT_SHOWN)][:50]


def _expired_form(exc: CSRFError):
    if request.method != "POST" or not same_origin():
        return error_page(400, _("The form did not come from this portal. Nothing was saved."))
    again = _FORM_AGAIN.get(request.endpoint or "")
    if again is not None and current_user.is_authenticated:
        try:
            shown = again()
        except HTTPException:  # the form is not this user's to see (404/403): the plain answer
            shown = None
        if shown is not None:
            return shown
    if not current_user.is_authenticated:
        landing = keep_entry_form_of_ended_session()
        if landing:
            flash(str(KEPT_MESSAGE), "info")
            return redirect(login_url("auth.login", landing))
    return error_page(400, _("The form had expired or did not come from this portal, so nothing was saved. "
                             "What you typed is below: copy it, reload the form and send it again."),
                      posted=_posted_text())


@contextmanager
def refused_to(back: str) -> Iterator[None]:
    try:
        yield
    except DomainError as exc:
        if exc.status in (403, 404):
            raise  # a refused access is answered like every other one (the registered handler), never flashed
        db.session.rollback()
        flash(exc.message, "error")
        abort(redirect(back))


def on_form(form: FlaskForm, exc: DomainError, default_field: str) -> None:
    db.session.rollback()
    name = exc.field if exc.field in form._fields else default_field
    form[name].errors = list(form[name].errors) + [exc.message]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _refused(exc: DomainError):
        db.session.rollback()
        # 403 and 404 pages never carry a message: a refusal must not say more than any other.
        return error_page(exc.status, None if exc.status in (403, 404) else exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return _expired_form(exc)

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_MB"]
        return error_page(413, _("The file is larger than the portal accepts (%(limit)s MB at most). "
                                 "Nothing was uploaded.", limit=limit))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if is_api_request(request.path):
            # JSON for API clients; the body names the status only (a 404 never says why).
            return api_of(app).handle_http_exception(exc)
        if exc.code in MESSAGES:
            # 404 pages deliberately ignore exc.description: a refused object must look missing.
            return error_page(exc.code)
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        if app.testing and not app.config.get("TEST_ERROR_PAGES"):
            raise exc  # tests see the real traceback, unless they test the error page itself
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request(request.path):
            return {"code": 500, "status": "Internal Server Error"}, 500  # the API reads only: nothing committed
        return error_page(500)

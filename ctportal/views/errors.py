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
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Iterator

from flask import Flask, abort, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ctportal.api import api_of, is_api_request
from ctportal.domain.errors import DomainError
from ctportal.infra.database import committed_in_request
from ctportal.models import db

log = logging.getLogger("ctportal.errors")

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not allow this action."),
    404: ("Page not found", "There is no page at this address, or it is not available to your account."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone else changed this in the meantime. Reload the page to see the current "
                      "version; nothing you saved before was lost."),
    410: ("Withheld", "This file is not available from the portal."),
    413: ("File too large", "The file is larger than the portal accepts."),
    422: ("Not saved", "The request could not be completed as sent. Go back, correct it and try again."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a few minutes and try again."),
    500: ("Something went wrong", "The portal could not complete your request. Nothing was changed. "
                                  "Please try again; if it happens again, tell the portal administrators."),
    503: ("Not available", "The portal cannot do this right now. Nothing was changed; please try again later."),
}


# An error after this request committed: what the user sent is (at least partly) saved, and saying
# "Nothing was changed" would invite them to send it twice — or to believe it lost.
AFTER_COMMIT = ("The portal saved what you sent, but could not finish the request afterwards. Open the page "
                "again to see what was saved before you send anything again; if something is missing, "
                "tell the portal administrators.")


def error_page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail is None and committed_in_request() and code >= 500:
        title, message = "Saved, but not finished", AFTER_COMMIT
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


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
        return error_page(400, "The form had expired or did not come from this portal. "
                               "Go back, reload the page and send it again.")

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_MB"]
        return error_page(413, f"The file is larger than the portal accepts ({limit} MB at most). "
                               "Nothing was uploaded.")

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

"""Every refusal a service raises is a DomainError, and views answer them one way (views/errors.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for

from ctportal.domain.catalogue import CatalogueError
from ctportal.domain.errors import DomainError
from ctportal.models import AuditEvent, db
from ctportal.services import audit
from ctportal.services.accounts.users import AccountError
from ctportal.services.desk.plan_versions import PlanUploadError
from ctportal.services.desk.priorities import PriorityError
from ctportal.services.desk.rounds import RoundError
from ctportal.services.editions.editions import CompileError
from ctportal.services.reporting.documents import DocumentLocked, RejectedFile, StorageFailed
from ctportal.services.reporting.entries import InvalidEntry
from ctportal.services.review.comments import CommentError, CommentForbidden
from ctportal.services.review.reviews import ReviewError
from ctportal.services.review.workflow import IncompleteReport, TransitionError
from ctportal.views.errors import on_form, refused_to


@pytest.mark.parametrize("error", [AccountError, CatalogueError, CommentError, CommentForbidden, CompileError,
                                   DocumentLocked, IncompleteReport, InvalidEntry, PlanUploadError, PriorityError,
                                   RejectedFile, ReviewError, RoundError, StorageFailed, TransitionError])
def test_each_service_refusal_is_a_domain_error(error):
    assert issubclass(error, DomainError)


def test_the_message_and_field_are_the_users():
    exc = RoundError("Give the reason for the extension.", field="reason")
    assert str(exc) == exc.message == "Give the reason for the extension." and exc.field == "reason"


@pytest.fixture
def refusing_app(app):
    """Routes that write an audit row and then are refused, each answered one of the three ways."""
    def refuse(error: DomainError):
        audit.record("test.written", None)
        db.session.flush()
        raise error

    @app.post("/_test/unhandled/<int:status>")
    def _unhandled(status: int):
        error = DomainError("The report was approved meanwhile.")
        error.status = status
        refuse(error)

    @app.post("/_test/redirected")
    def _redirected():
        with refused_to(url_for("main.home")):
            refuse(RoundError("Reminders are only sent while the round is open."))
        return "not reached"

    @app.post("/_test/forbidden-in-refused-to")
    def _forbidden():
        with refused_to(url_for("main.home")):
            refuse(CommentForbidden("internal"))
        return "not reached"

    @app.post("/_test/on-form")
    def _on_form():
        from ctportal.forms.rounds import ExtensionForm
        form = ExtensionForm(meta={"csrf": False})
        try:
            refuse(RoundError("Give the reason for the extension.", field="reason"))
        except RoundError as exc:
            on_form(form, exc, "new_deadline")
        return {"reason": form.reason.errors, "new_deadline": form.new_deadline.errors}

    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _written() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "test.written"))


def test_an_unanswered_refusal_rolls_back_and_shows_its_message_with_its_status(refusing_app, client):
    response = client.post("/_test/unhandled/409")
    assert response.status_code == 409
    assert "The report was approved meanwhile." in response.get_data(as_text=True)
    assert _written() == 0


def test_a_refused_access_is_the_ordinary_403_page(refusing_app, client):
    response = client.post("/_test/unhandled/403")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "The report was approved meanwhile." not in body and "Your account does not allow this action." in body
    assert client.post("/_test/forbidden-in-refused-to").status_code == 403
    assert _written() == 0


def test_refused_to_flashes_the_message_and_redirects(refusing_app, client, auth):
    auth.login("secretariat")
    response = client.post("/_test/redirected")
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert "Reminders are only sent while the round is open." in client.get("/home").get_data(as_text=True)
    assert _written() == 0


def test_on_form_puts_the_message_under_the_field_it_names(refusing_app, client):
    assert client.post("/_test/on-form").get_json() == {"reason": ["Give the reason for the extension."],
                                                         "new_deadline": []}
    assert _written() == 0


@pytest.mark.parametrize("status, title", [(409, "Conflict"), (422, "Not saved"), (503, "Not available")])
def test_each_status_of_an_unanswered_refusal_has_its_own_title(refusing_app, client, status, title):
    response = client.post(f"/_test/unhandled/{status}")
    assert response.status_code == status and title in response.get_data(as_text=True)

"""Issue 13, item 12: the portal holds LIMITE and public documents only. RESTRICTED (EU classified) is
never offered nor accepted, the upload form says why, and a document marked so earlier is withheld."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import Document, Sensitivity, db
from ctportal.services.reporting import documents as service
from tests.access.world import MINIMAL_PDF
from tests.factories import make_round, report_of
from tests.test_documents_upload import stored_files, upload


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


def test_the_upload_form_offers_only_what_the_portal_may_hold_and_warns(client, auth, al):
    auth.login("contributor_al")
    page = client.get(f"/reports/{al.id}/documents/upload").get_data(as_text=True)
    assert 'value="limite"' in page and 'value="public"' in page
    assert 'value="restricted"' not in page and ">RESTRICTED<" not in page
    assert "RESTREINT UE/EU RESTRICTED" in page and "must not be uploaded" in page


@pytest.mark.parametrize("marking", ["restricted", "RESTRICTED", "confidential", "secret"])
def test_a_forged_classified_marking_is_refused_naming_the_field(app, client, auth, al, marking):
    auth.login("contributor_al")
    response = upload(client, al, MINIMAL_PDF, "a.pdf", sensitivity=marking)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Sensitivity marking:" in page
    if marking == "restricted":
        assert "must not be uploaded" in page
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0 and stored_files(app) == []


def test_the_service_refuses_it_for_every_other_caller(app, users, al):
    import io
    with pytest.raises(service.RejectedFile) as refused:
        service.upload(al, io.BytesIO(MINIMAL_PDF), "a.pdf", users.contributor_al, sensitivity=Sensitivity.restricted)
    assert refused.value.field == "sensitivity"
    assert stored_files(app) == []


def test_a_document_marked_restricted_earlier_is_withheld_from_everyone(app, client, auth, al):
    auth.login("contributor_al")
    upload(client, al, MINIMAL_PDF, "old.pdf")
    doc = db.session.scalar(sa.select(Document))
    doc.sensitivity = Sensitivity.restricted  # what an earlier version accepted
    db.session.commit()
    listing = client.get(f"/reports/{al.id}").get_data(as_text=True)
    assert "Withheld" in listing
    response = client.get(f"/reports/{al.id}/documents/{doc.id}")
    assert response.status_code == 410 and MINIMAL_PDF not in response.data
    assert "classified marking" in response.get_data(as_text=True)
    replace = client.get(f"/reports/{al.id}/documents/{doc.id}/replace").get_data(as_text=True)
    assert 'value="restricted"' not in replace

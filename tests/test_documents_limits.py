"""The configurable size limits: a clear message, nothing stored."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from ctportal.models import Document, db
from tests.factories import make_round, report_of
from tests.test_documents_upload import office_zip, stored_files


@pytest.fixture
def app_config():
    return {"MAX_UPLOAD_MB": 1, "MAX_UNZIPPED_MB": 2}


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


def _post(client, report, content, name):
    return client.post(f"/reports/{report.id}/documents/upload",
                       data={"file": (io.BytesIO(content), name), "sensitivity": "limite"},
                       content_type="multipart/form-data")


def test_a_file_over_the_limit_gets_a_clear_message(app, client, auth, al):
    auth.login("contributor_al")
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)  # just over 1 MB: under Flask's hard cap, over ours
    response = _post(client, al, big, "big.pdf")
    assert response.status_code == 422
    assert b"larger than 1 MB, the most the portal accepts" in response.data
    assert stored_files(app) == [] and db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_a_request_far_over_the_limit_is_answered_413_with_the_limit(app, client, auth, al):
    auth.login("contributor_al")
    response = _post(client, al, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert b"1 MB at most" in response.data
    assert stored_files(app) == []


def test_office_files_unpacking_beyond_the_configured_total_are_refused(app):
    import os
    # Random bytes do not compress: the ratio is fine, only the total unpacked size is over the limit.
    from ctportal.services.reporting import documents as service
    small = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                        **{f"word/media/i{i}.bin": os.urandom(100 * 1024) for i in range(3)}})
    app.config["MAX_UNZIPPED_MB"] = 0  # 300 KB unpacked is over a limit of 0 MB
    with pytest.raises(service.RejectedFile, match="zip bomb"):
        service.store_upload(io.BytesIO(small), "x.docx")
    assert stored_files(app) == []

"""Documents: type by content, atomic storage with SHA-256, downloads as attachments, versions kept."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, Document, RevisionDocument, Sensitivity, db
from tests.access.world import MINIMAL_PDF
from tests.factories import fill_report, make_round, report_of, request_changes, submit

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def office_zip(members: dict[str, bytes], *, mimetype: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = office_zip({"content.xml": b"<office:document-content/>"}, mimetype="application/vnd.oasis.opendocument.text")
ODS = office_zip({"content.xml": b"<x/>"}, mimetype="application/vnd.oasis.opendocument.spreadsheet")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook
    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "Convictions"
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def rnd(app):
    return make_round()


@pytest.fixture
def al(rnd):
    return report_of(rnd, "AL")


def upload(client, report, content: bytes, name: str, *, entry=None, sensitivity="limite",
           content_type="application/octet-stream", title=""):
    url = (f"/reports/{report.id}/entries/{entry.id}/documents/upload" if entry is not None
           else f"/reports/{report.id}/documents/upload")
    return client.post(url, data={"file": (io.BytesIO(content), name, content_type), "sensitivity": sensitivity,
                                  "title": title}, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    folder = Path(app.config["STORAGE_DIR"]) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("content, name, expected_type", [
    (MINIMAL_PDF, "evidence.pdf", "application/pdf"),
    (PNG, "photo.png", "image/png"),
    (JPEG, "photo.jpeg", "image/jpeg"),
    (DOCX, "strategy.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (None, "statistics.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ODT, "minutes.odt", "application/vnd.oasis.opendocument.text"),
    (ODS, "figures.ods", "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_every_accepted_type_is_stored_by_a_server_made_name_with_its_sha256(
        app, client, auth, al, content, name, expected_type):
    content = content if content is not None else xlsx_bytes()
    auth.login("contributor_al")
    response = upload(client, al, content, name, sensitivity="public", title="Annex")
    assert response.status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.content_type == expected_type
    assert doc.original_name == name and doc.title == "Annex"
    assert doc.sensitivity == Sensitivity.public
    assert doc.sha256 == hashlib.sha256(content).hexdigest() and doc.size == len(content)
    assert name not in doc.stored_name and "/" not in doc.stored_name
    files = stored_files(app)
    assert [f.name for f in files] == [doc.stored_name]
    assert files[0].read_bytes() == content
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    assert event.object_id == doc.id and event.detail["sha256"] == doc.sha256


def test_the_type_is_decided_by_content_not_by_name_or_browser_claim(app, client, auth, al):
    auth.login("contributor_al")
    response = upload(client, al, PNG, "report.pdf", content_type="application/pdf")
    assert response.status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.content_type == "image/png" and doc.stored_name.endswith(".png")


@pytest.mark.parametrize("content, name", [
    (b"<html><script>alert(1)</script></html>", "evidence.pdf"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "photo.png"),
    (office_zip({"readme.txt": b"hello"}), "strategy.docx"),
    (office_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "slides.docx"),
    (office_zip({"content.xml": b"<x/>"}, mimetype="application/x-evil"), "minutes.odt"),
    (office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                 "word/vbaProject.bin": b"macro"}), "macro.docx"),
    (b"", "empty.pdf"),
    (b"PK\x03\x04 this is not really a zip", "broken.xlsx"),
])
def test_other_content_is_refused_with_a_message_and_nothing_is_stored(app, client, auth, al, content, name):
    auth.login("contributor_al")
    response = upload(client, al, content, name, content_type="application/pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "File:" in page and any(reason in page for reason in ("not accepted", "empty", "damaged"))
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []


def test_a_zip_bomb_disguised_as_an_office_file_is_refused(app, client, auth, al):
    bomb = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # small on the wire, 20 MB unpacked
    auth.login("contributor_al")
    response = upload(client, al, bomb, "innocent.docx")
    assert response.status_code == 422
    assert "zip bomb" in response.get_data(as_text=True)
    assert stored_files(app) == [] and db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_no_file_chosen_is_a_clear_error(client, auth, al):
    auth.login("contributor_al")
    response = client.post(f"/reports/{al.id}/documents/upload", data={"sensitivity": "limite"},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and b"File: choose a file to upload." in response.data


def test_an_unknown_sensitivity_marking_is_refused(client, auth, al):
    auth.login("contributor_al")
    response = upload(client, al, MINIMAL_PDF, "a.pdf", sensitivity="top-secret")
    assert response.status_code == 422 and b"Sensitivity marking" in response.data
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_download_is_an_attachment_with_the_original_name_never_cached_and_audited(client, auth, al):
    auth.login("contributor_al")
    upload(client, al, MINIMAL_PDF, "Raport për 2026 \"final\".pdf")
    doc = db.session.scalar(sa.select(Document))
    auth.logout()
    auth.login("coordinator_al")
    response = client.get(f"/reports/{al.id}/documents/{doc.id}")
    assert response.status_code == 200 and response.data == MINIMAL_PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Rapor" in disposition  # RFC 6266 / 5987 for the non-ASCII name
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.downloaded"))
    assert event.object_id == doc.id and event.actor_email == "coordinator.al@example.eu"


def test_a_document_posted_to_another_partys_report_or_entry_is_404_and_stores_nothing(app, client, auth, rnd, al):
    rs = report_of(rnd, "RS")
    auth.login("contributor_al")
    assert upload(client, rs, MINIMAL_PDF, "x.pdf").status_code == 404
    assert upload(client, al, MINIMAL_PDF, "x.pdf", entry=rs.entries[0]).status_code == 404
    assert upload(client, rs, MINIMAL_PDF, "x.pdf", entry=rs.entries[0]).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []


def test_another_partys_document_is_404_even_through_ones_own_report(client, auth, rnd, al):
    rs = report_of(rnd, "RS")
    auth.login("contributor_rs")
    upload(client, rs, MINIMAL_PDF, "serbia.pdf")
    theirs = db.session.scalar(sa.select(Document))
    auth.logout()
    auth.login("contributor_al")
    assert client.get(f"/reports/{al.id}/documents/{theirs.id}").status_code == 404
    assert client.get(f"/reports/{rs.id}/documents/{theirs.id}").status_code == 404
    assert client.post(f"/reports/{al.id}/documents/{theirs.id}/delete").status_code == 404
    assert db.session.get(Document, theirs.id).deleted_at is None


def test_upload_to_an_entry_links_it_there(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[3]
    assert upload(client, al, MINIMAL_PDF, "entry.pdf", entry=entry).status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.entry_id == entry.id
    assert b"entry.pdf" in client.get(f"/reports/{al.id}/entries/{entry.id}").data


def test_replacing_keeps_the_old_version(client, auth, al):
    auth.login("contributor_al")
    upload(client, al, MINIMAL_PDF, "v1.pdf")
    old = db.session.scalar(sa.select(Document))
    response = client.post(f"/reports/{al.id}/documents/{old.id}/replace",
                           data={"file": (io.BytesIO(PNG), "v2.png"), "sensitivity": "public"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(sa.select(Document).where(Document.replaces_id == old.id))
    old = db.session.get(Document, old.id)
    assert old.replaced_at is not None and new.is_current and new.sensitivity == Sensitivity.public
    assert client.get(f"/reports/{al.id}/documents/{old.id}").data == MINIMAL_PDF  # still downloadable
    page = client.get(f"/reports/{al.id}").get_data(as_text=True)
    assert "v2.png" in page and "1 earlier version" in page
    # An old version cannot itself be replaced or deleted: only the current one.
    assert client.get(f"/reports/{al.id}/documents/{old.id}/replace").status_code == 404


def test_deleting_a_draft_document_hides_it(client, auth, al):
    auth.login("contributor_al")
    upload(client, al, MINIMAL_PDF, "draft.pdf")
    doc = db.session.scalar(sa.select(Document))
    assert client.post(f"/reports/{al.id}/documents/{doc.id}/delete").status_code == 302
    assert db.session.get(Document, doc.id).deleted_at is not None
    assert client.get(f"/reports/{al.id}/documents/{doc.id}").status_code == 404
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.deleted")) is not None


def test_a_document_of_a_submitted_revision_cannot_be_deleted(client, auth, al, users):
    auth.login("contributor_al")
    upload(client, al, MINIMAL_PDF, "frozen.pdf")
    doc = db.session.scalar(sa.select(Document))
    fill_report(al)
    submit(al, users.coordinator_al)
    assert db.session.scalar(sa.select(RevisionDocument).where(RevisionDocument.document_id == doc.id))
    assert client.post(f"/reports/{al.id}/documents/{doc.id}/delete").status_code == 403  # under review
    request_changes(al, users.reviewer)  # editable again, but the revision keeps its documents
    response = client.post(f"/reports/{al.id}/documents/{doc.id}/delete")
    assert response.status_code == 409
    assert b"part of a submitted revision" in response.data
    assert db.session.get(Document, doc.id).deleted_at is None


def test_uploads_to_a_report_under_review_are_refused(client, auth, al, users):
    fill_report(al)
    submit(al, users.coordinator_al)
    auth.login("coordinator_al")
    assert upload(client, al, MINIMAL_PDF, "late.pdf").status_code == 403


def test_the_written_file_is_removed_when_the_database_commit_fails(app, al, users, monkeypatch):
    from ctportal.services.reporting import documents as service
    from ctportal.views.documents import _commit_or_discard
    doc = service.upload(al, io.BytesIO(MINIMAL_PDF), "a.pdf", users.contributor_al)
    assert len(stored_files(app)) == 1

    def failing_commit():
        raise RuntimeError("database went away")
    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        _commit_or_discard(doc)
    monkeypatch.undo()
    assert stored_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_original_names_are_cleaned_for_display(app):
    from ctportal.services.reporting.documents import clean_name
    assert clean_name("C:\\Users\\me\\plan.pdf", "pdf") == "plan.pdf"
    assert clean_name("../../etc/passwd", "pdf") == "passwd.pdf"  # the extension follows the content
    assert clean_name("bad\x00name\n.pdf", "pdf") == "badname.pdf"
    assert clean_name("", "pdf") == "document.pdf"
    assert len(clean_name("a" * 400 + ".pdf", "pdf")) <= 200

"""Issue 13, items 9 and 10: a PDF carrying active content or an appended payload is refused with the
reason, and a file's download name and headers follow what it is, never what it is called.

Each malicious PDF is built here with pikepdf (the same library the check uses) from a clean one
that is accepted, so the only difference between an accepted and a refused file is the attack.
"""
from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
import sqlalchemy as sa

from ctportal.models import Document, db
from tests.factories import make_round, report_of
from tests.test_documents_upload import PNG, stored_files, upload


def _pdf(change=None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    if change is not None:
        change(pdf)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _js_open_action(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                               JS=pikepdf.String("app.alert(1)")))


def _names_javascript(pdf):
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("x"), action])))


def _launch(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))


def _page_aa(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.URI,
                                                                  URI=pikepdf.String("https://evil.example")))


def _link_launch(pdf):
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                               Rect=pikepdf.Array([0, 0, 100, 100]),
                               A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def _embedded_file(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not really a program")


def _xfa(pdf):
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


def _submit_form_open(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://evil.example"))


ACTIVE = {
    "javascript-open-action": (_js_open_action, "JavaScript"),
    "javascript-name-tree": (_names_javascript, "JavaScript"),
    "launch-on-open": (_launch, "/OpenAction"),
    "page-automatic-action": (_page_aa, "/AA"),
    "link-launch": (_link_launch, "launches a program"),
    "embedded-file": (_embedded_file, "embedded file"),
    "xfa": (_xfa, "XFA"),
    "open-action-submit": (_submit_form_open, "/OpenAction"),
}

HTML = b"<html><body><script>alert(document.domain)</script></body></html>"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.html", HTML)
    return buf.getvalue()


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


def _refused(app, client, al, content: bytes, name: str = "minutes.pdf") -> str:
    response = upload(client, al, content, name)
    assert response.status_code == 422, response.status_code
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []
    return response.get_data(as_text=True)


def test_a_clean_pdf_built_the_same_way_is_accepted(app, client, auth, al):
    auth.login("contributor_al")
    assert upload(client, al, _pdf(), "minutes.pdf").status_code == 302
    # A destination as /OpenAction (open at page 1) is no action: accepted.
    pdf = _pdf(lambda p: setattr(p.Root, "OpenAction", pikepdf.Array([p.pages[0].obj, pikepdf.Name.Fit])))
    assert upload(client, al, pdf, "fit.pdf").status_code == 302


@pytest.mark.parametrize("attack", sorted(ACTIVE))
def test_a_pdf_with_active_content_is_refused_naming_the_field_and_the_reason(app, client, auth, al, attack):
    change, reason = ACTIVE[attack]
    auth.login("contributor_al")
    page = _refused(app, client, al, _pdf(change))
    assert reason in page and "File" in page and "does not accept" in page


@pytest.mark.parametrize("payload", [HTML, b"\n" + HTML, _zip(), b"PK\x03\x04" + b"\x00" * 40])
def test_a_polyglot_with_bytes_appended_after_the_end_is_refused(app, client, auth, al, payload):
    auth.login("contributor_al")
    page = _refused(app, client, al, _pdf() + payload)
    assert "appended" in page or "ZIP" in page


def test_a_zip_hidden_before_the_end_marker_is_refused(app, client, auth, al):
    auth.login("contributor_al")
    page = _refused(app, client, al, _pdf() + _zip() + b"\n%%EOF\n")
    assert "ZIP archive" in page


def test_a_javascript_name_spelt_with_escapes_is_found(app, client, auth, al):
    # "/J#61vaScript" is /JavaScript to every reader; a byte search for "/JavaScript" misses it.
    raw = _pdf(_js_open_action).replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in raw
    auth.login("contributor_al")
    assert "JavaScript" in _refused(app, client, al, raw)


def test_a_damaged_pdf_is_refused_not_a_500(app, client, auth, al):
    auth.login("contributor_al")
    assert "damaged" in _refused(app, client, al, b"%PDF-1.7\n garbage \n%%EOF\n")


@pytest.mark.parametrize("name, expected", [
    ("minutes.html", "minutes.pdf"), ("minutes.hta", "minutes.pdf"), ("minutes.svg", "minutes.pdf"),
    ("minutes", "minutes.pdf"), ("minutes.PDF", "minutes.PDF"), ("minutes.pdf.html", "minutes.pdf.pdf"),
    ("..html", "html.pdf"), (".pdf", "pdf.pdf"),
])
def test_the_stored_and_downloaded_name_ends_with_the_detected_type(app, client, auth, al, name, expected):
    auth.login("contributor_al")
    assert upload(client, al, _pdf(), name).status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.original_name == expected
    response = client.get(f"/reports/{al.id}/documents/{doc.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename={expected}"


def test_an_image_named_as_a_page_downloads_as_an_image(app, client, auth, al):
    auth.login("contributor_al")
    assert upload(client, al, PNG, "chart.svg").status_code == 302
    doc = db.session.scalar(sa.select(Document))
    assert doc.original_name == "chart.png"


def test_a_row_stored_before_the_fix_downloads_under_the_corrected_name(app, client, auth, al):
    auth.login("contributor_al")
    upload(client, al, _pdf(), "minutes.pdf")
    doc = db.session.scalar(sa.select(Document))
    doc.original_name = "minutes.html"  # what the old code stored
    db.session.commit()
    response = client.get(f"/reports/{al.id}/documents/{doc.id}")
    assert response.headers["Content-Disposition"] == "attachment; filename=minutes.pdf"


def test_every_file_response_is_sandboxed_and_not_sniffed(app, client, auth, al):
    auth.login("contributor_al")
    upload(client, al, _pdf(), "minutes.pdf")
    doc = db.session.scalar(sa.select(Document))
    response = client.get(f"/reports/{al.id}/documents/{doc.id}")
    assert response.headers["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    page = client.get(f"/reports/{al.id}")
    assert "sandbox" not in page.headers["Content-Security-Policy"]  # pages keep their own policy


def test_an_export_is_sandboxed_too(app, client, auth):
    auth.login("secretariat")
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

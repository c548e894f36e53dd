"""The edition in Word and the sealed edition (issue 16, items 3 and 4): the DOCX opened with
python-docx, the CLI's --docx, who may download it, the PAdES seal validated with pyHanko, and the
public verification page (genuine, altered, superseded, unrelated, not a PDF, CSRF, no JavaScript)."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pikepdf
import pytest
import sqlalchemy as sa
from docx import Document

from ctportal.infra import storage
from ctportal.models import (Assessment, AuditEvent, Comment, CompiledReport, CompileState, EntryReview, Visibility,
                             db)
from ctportal.services.editions import editions as compile_service
from ctportal.services.editions import seal
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_judgement import CANARY, _texts
from tests.test_pdf_compile import INTERNAL, pdftext

ALBANIAN = "Policia e Shtetit përgatiti çështjen {key}"
KOSOVO = "Policia e Kosovës raportoi përparim {key}"
_ONCE: dict = {}


def _compiled(users):
    rnd = make_round()
    for code, text, who in (("AL", ALBANIAN, users.coordinator_al), ("XK", KOSOVO, users.coordinator_xk)):
        report = fill_report(report_of(rnd, code), text)
        submit(report, who)
        if code == "AL":  # what the Commission keeps to itself must not reach the Word version either
            revision = report.revisions[-1]
            db.session.add(EntryReview(report_id=report.id, revision_id=revision.id, entry_id=report.entries[0].id,
                                       entry_key=report.entries[0].key, assessment=Assessment.good_progress,
                                       note="reviewer note " + INTERNAL, reviewer_id=users.reviewer.id))
            db.session.add(Comment(report_id=report.id, entry_id=report.entries[0].id, author_id=users.reviewer.id,
                                   visibility=Visibility.internal, body=INTERNAL))
            db.session.commit()
        approve(report, users.reviewer)
    _texts(rnd, users)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    return rnd, edition


@pytest.fixture
def edition(app, users, tmp_path):
    """One compile for the module; each test gets the files back under its own storage."""
    rnd, ed = _compiled(users)
    pdf = storage.path_for("compiled", ed.stored_name)
    docx = storage.path_for("compiled", ed.docx_stored_name)
    return rnd, ed, pdf, docx


def _headings(doc) -> list[tuple[int, str]]:
    """Each heading's level and text, without its footnote marks (superscript runs)."""
    return [(int(p.style.name.split()[-1]), "".join(r.text for r in p.runs if not r.font.superscript))
            for p in doc.paragraphs if p.style.name.startswith("Heading")]


def test_the_docx_has_the_pdf_headings_tables_furniture_and_footnote(edition):
    rnd, ed, pdf, docx = edition
    assert ed.docx_sha256 == hashlib.sha256(docx.read_bytes()).hexdigest()
    doc = Document(str(docx))
    heads = _headings(doc)
    levels = [lvl for lvl, _ in heads if lvl <= 3]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), "headings skip a level"
    texts = [t for _, t in heads]
    for expected in ("Contents", "Summary", "Status of the actions by partner", "Introduction",
                     "Assessment of each partner and recommendations", "Conclusions"):
        assert expected in texts
    assert any(t.startswith("Part 1 — Objective 1:") for t in texts)
    assert any(t.startswith("Annex I — Report of Albania") for t in texts)
    assert any(t.startswith("Annex X — Supporting documents") for t in texts)
    # Every heading of the PDF's contents (its bookmarks) is a heading of the DOCX, in order.
    with pikepdf.open(pdf) as p:
        outline = [item.title for item in p.open_outline().root]
    at = 0
    for title in outline:
        found = next((i for i, t in enumerate(texts[at:], at) if t.replace("*", "") == title.replace("*", "")), None)
        assert found is not None, f"PDF bookmark {title!r} has no heading in the DOCX"
        at = found
    # Tables: Word tables with a repeated header row.
    heat = next(t for t in doc.tables if t.rows[0].cells[0].text == "Action")
    assert heat.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") \
        is not None
    assert "Kosovo*" in [c.text for c in heat.rows[0].cells]
    # Header and footer: LIMITE and the document number; page number fields in the footer.
    section = doc.sections[0]
    head, foot = section.header.paragraphs[0], section.footer.paragraphs[0]
    assert rnd.document_number in head.text and "LIMITE" in head.text
    assert rnd.document_number in foot.text and "LIMITE" in foot.text
    instructions = "".join(foot._p.itertext())
    assert "PAGE" in instructions and "NUMPAGES" in instructions
    # The Kosovo* footnote is a real footnote: a reference in the body, its text in footnotes.xml.
    with zipfile.ZipFile(docx) as z:
        notes = z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert "UNSCR 1244/1999" in notes and "footnotes.xml" in rels
    with zipfile.ZipFile(docx) as z:  # no internal note or comment in any part of the package
        assert not [n for n in z.namelist() if INTERNAL.encode() in z.read(n)]
    assert "Good progress" in body  # the assessment itself is published
    assert body.count("w:footnoteReference") >= 1
    first_kosovo = body.index("Kosovo")
    assert body.index("w:footnoteReference") > first_kosovo  # at the first mention
    # The same texts as the PDF (a few canaries).
    pdf_text = " ".join(pdftext(pdf))
    full = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    for canary in (f"{CANARY}-intro", f"{CANARY}-rec1", f"{CANARY}-end", f"{CANARY}-obj3", "çështjen 1.P1",
                   "Kosovës raportoi"):
        assert canary in pdf_text.replace("\n", " ") or canary in re.sub(r"\s+", " ", pdf_text)
        assert canary in full, canary
    # Markdown's bold is bold in Word.
    intro = next(p for p in doc.paragraphs if f"{CANARY}-intro" in p.text)
    assert any(r.bold and r.text == "introduction" for r in intro.runs)


def test_the_pdf_is_sealed_and_pyhanko_validates_it(edition, app):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    rnd, ed, pdf, _ = edition
    data = pdf.read_bytes()
    assert ed.sha256 == hashlib.sha256(data).hexdigest()  # the stored hash is the sealed file's
    assert ed.sealed_by and "development seal" in ed.sealed_by
    sigs = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(sigs) == 1
    assert sigs[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    status = validate_pdf_signature(sigs[0], ValidationContext(trust_roots=[seal.signer().signing_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The seal filled the field the assembly made, tagged for a screen reader (PDF/UA), and made no other.
    import pikepdf
    with pikepdf.open(pdf) as opened:
        fields = list(opened.Root.AcroForm.Fields)
        assert [str(f.T) for f in fields] == [seal.FIELD_NAME] and "/V" in fields[0]
        assert str(fields[0].TU) == seal.FIELD_TOOLTIP
        tree = opened.Root.StructTreeRoot
        nums = list(tree.ParentTree.Nums)
        form = dict(zip(nums[::2], nums[1::2], strict=True))[int(fields[0].StructParent)]
        assert form.S == "/Form" and form.K[0].Obj.objgen == fields[0].objgen
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "edition.sealed")) == 1


def test_the_cli_writes_the_docx(app, users, tmp_path):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), ALBANIAN)
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    rnd_id = rnd.id
    target = tmp_path / "edition.docx"
    result = app.test_cli_runner().invoke(args=["compile-edition", str(rnd_id), "--docx", str(target)])
    assert result.exit_code == 0, result.output
    doc = Document(str(target))
    assert any(t.startswith("Annex I — Report of Albania") for _, t in _headings(doc))
    ed = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.round_id == rnd_id))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == ed.docx_sha256
    assert result.output.strip().splitlines()[-1].endswith(".pdf")


def test_only_those_who_may_download_the_pdf_get_the_docx(edition, client, auth, users):
    rnd, ed, _, _ = edition
    url = f"/compile/rounds/{rnd.id}/editions/{ed.id}/download.docx"
    pdf_url = f"/compile/rounds/{rnd.id}/editions/{ed.id}/download"
    for who in (users.coordinator_al, users.admin):
        auth.login(who)
        assert client.get(pdf_url).status_code == 404
        assert client.get(url).status_code == 404
        auth.logout()
    auth.login(users.reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data[:2] == b"PK" and "wordprocessingml" in response.mimetype
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "editions.download")) == 1
    page = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert url in page


def test_a_draft_editions_docx_says_draft_and_parties_still_get_only_their_slice(app, users, client, auth):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), ALBANIAN)
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    ed = compile_service.start_compile(rnd, users.secretariat, draft=True)
    db.session.commit()
    compile_service.run_compile(ed.id)
    db.session.expire_all()
    ed = db.session.get(CompiledReport, ed.id)
    doc = Document(str(storage.path_for("compiled", ed.docx_stored_name)))
    assert "DRAFT" in doc.sections[0].header.paragraphs[0].text
    auth.login(users.coordinator_al)
    assert client.get(f"/compile/rounds/{rnd.id}/editions/{ed.id}/download.docx").status_code == 404


# --- the verification page -----------------------------------------------------------------------

def _check(client, data: bytes, name: str = "copy.pdf"):
    page = client.get("/verify/")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/verify/", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_genuine_file_is_recognised(edition, csrf_client):
    rnd, ed, pdf, _ = edition
    response = _check(csrf_client, pdf.read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Genuine: edition {ed.id} of this portal" in html
    assert rnd.document_number in html and "Nothing has superseded it".lower() in html.lower()
    assert CANARY not in html and "Policia" not in html  # never the content
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]  # the answer needs no script


def test_one_changed_byte_fails(edition, csrf_client):
    _, ed, pdf, _ = edition
    data = bytearray(pdf.read_bytes())
    at = data.index(b"<pdfaid:part>") + 1
    data[at] ^= 0x01   # a letter of the (uncompressed) XMP: still a readable PDF, no longer what was sealed
    html = _check(csrf_client, bytes(data)).get_data(as_text=True)
    assert "The seal does not match: the file was altered or damaged" in html
    assert "Genuine" not in html


def test_content_appended_after_sealing_is_named(edition, csrf_client):
    _, ed, pdf, _ = edition
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    # An incremental update as an editor adds it: the seal still covers its own revision.
    out = io.BytesIO(pdf.read_bytes())
    writer = IncrementalPdfFileWriter(out)
    writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("changed")}))
    writer.write_in_place()
    data = out.getvalue()
    assert len(data) > len(pdf.read_bytes())
    html = _check(csrf_client, data).get_data(as_text=True)
    assert f"Altered after sealing: this was edition {ed.id}" in html


def test_a_superseded_edition_says_so(edition, csrf_client, users):
    rnd, ed, pdf, _ = edition
    newer = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(newer.id)
    first = db.session.get(CompiledReport, ed.id)
    first.superseded_at = db.func.now()
    db.session.commit()
    html = _check(csrf_client, pdf.read_bytes()).get_data(as_text=True)
    assert f"Genuine: edition {ed.id}" in html and "Superseded on" in html
    assert f"Replaced by edition {newer.id}" in html


def test_an_unrelated_pdf_and_a_non_pdf(app, csrf_client):
    other = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(other)
    html = _check(csrf_client, other.getvalue()).get_data(as_text=True)
    assert "Not an edition of this portal" in html
    response = _check(csrf_client, b"GIF89a not a pdf at all", "picture.pdf")
    assert response.status_code == 400
    assert "This file is not a PDF" in response.get_data(as_text=True)


def test_the_form_refuses_a_post_without_its_token(app, csrf_client):
    response = csrf_client.post("/verify/", data={"file": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Genuine" not in response.get_data(as_text=True)


def test_the_page_is_public_and_works_without_javascript(app, client):
    html = client.get("/verify/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and 'type="submit"' in html
    assert '<label class="form-label" for="file">' in html

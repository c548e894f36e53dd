"""The offline round trip for institutions without accounts (issue 18, item 3): the coordinator downloads an
institution's form (DOCX, XLSX), the institution fills it in with Word or Excel (here python-docx and openpyxl,
as their files are), the coordinator uploads it, reads what it would change and confirms. An outdated file is a
conflict shown side by side; forged and malformed files are refused and change nothing; the file is kept as the
partner's own document of the report; nobody outside the party reaches any of it."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from decimal import Decimal

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from ctportal.domain import indicators as ind
from ctportal.models import (AuditEvent, Document, Entry, EntryStatus, EntryWork, Institution, Report, SignOff,
                             db)
from ctportal.services.partner import assignments, offline
from ctportal.services.reporting import documents, entries, signoff
from ctportal.services.reporting import figures as figure_service
from tests.factories import make_round, report_of, submit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def setting(app, users):
    """Albania's report with three entries assigned to the State Police (one written, one accepted) and one to
    nobody; Serbia's report with an entry assigned to a Serbian institution."""
    rnd = make_round()
    report = report_of(rnd, "AL")
    police = Institution(party_id=report.party_id, name="State Police")
    other_inst = Institution(party_id=report.party_id, name="Ministry of Education")
    serbia = report_of(rnd, "RS")
    rs_inst = Institution(party_id=serbia.party_id, name="Uprava policije")
    db.session.add_all([police, other_inst, rs_inst])
    db.session.commit()
    first, second, third, elsewhere = report.entries[0], report.entries[1], report.entries[2], report.entries[3]
    first.status, first.narrative = EntryStatus.in_progress, "The police trained 40 officers."
    db.session.commit()
    for entry in (first, second, third):
        assignments.assign(entry, users.coordinator_al, assignee_id=None, institution_id=police.id, due_on=None)
    assignments.assign(elsewhere, users.coordinator_al, assignee_id=None, institution_id=other_inst.id, due_on=None)
    assignments.assign(serbia.entries[0], users.coordinator_rs, assignee_id=None, institution_id=rs_inst.id,
                       due_on=None)
    signoff.take_step(third, "ready", users.coordinator_al)
    signoff.take_step(third, "accept", users.coordinator_al, version=third.version)
    db.session.commit()
    return {"report": report, "police": police, "other": other_inst, "serbia": serbia, "rs_inst": rs_inst,
            "entries": (first, second, third, elsewhere)}


def _download(client, report, institution, kind="docx") -> bytes:
    response = client.get(f"/reports/{report.id}/offline/{institution.id}/form.{kind}")
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.data


def _entry_table(document, entry: Entry):
    return next(t for t in document.tables if f"CTP-ENTRY-{entry.id}-V" in t.rows[0].cells[1].text)


def _set(table, name: str, value: str) -> None:
    row = next(r for r in table.rows[1:] if f"[[{name}]]" in r.cells[0].text)
    cell = row.cells[1]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    cell.paragraphs[0].text = value


def _measures(table):
    row = next(r for r in table.rows[1:] if "[[measures]]" in r.cells[0].text)
    return row.cells[1].tables[0]


def _filled_docx(data: bytes, report: Report, first: Entry, second: Entry) -> bytes:
    """What an official of the police would do in Word: answer the second entry, add a measure to the first."""
    document = docx.Document(io.BytesIO(data))
    table = _entry_table(document, second)
    _set(table, "status", "Achieved")
    _set(table, "narrative", "The unit was set up in March.\nIt has twelve analysts.")
    _set(table, "responsible_institutions", "State Police")
    measures = _measures(_entry_table(document, first))
    blank = measures.rows[1].cells  # the first entry had no measure: its first row is a blank one
    blank[0].paragraphs[0].text = "Training of border officers"
    blank[1].paragraphs[0].text = "2026-02-10"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, report, institution, data: bytes, name="police.docx"):
    return client.post(f"/reports/{report.id}/offline/{institution.id}/upload",
                       data={f"i{institution.id}-file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _token(response) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _state(report: Report) -> list:
    """Everything an upload could change: each entry's version and fields, the documents, the stored files."""
    db.session.expire_all()
    rows = [(e.id, e.version, entries.EntryData.of(e).values()) for e in db.session.get(Report, report.id).entries]
    return [rows, db.session.scalar(sa.select(sa.func.count(Document.id)))]


# --- the round trip ---------------------------------------------------------------------------------------

def test_the_docx_round_trip_download_fill_upload_preview_confirm(app, users, auth, client, setting):
    report, police = setting["report"], setting["police"]
    first, second, third, elsewhere = setting["entries"]
    auth.login("coordinator_al")
    data = _download(client, report, police)
    document = docx.Document(io.BytesIO(data))
    words = "\n".join(p.text for p in document.paragraphs)
    assert f"CTP-FORM-R{report.id}-I{police.id}" in words and "State Police" in words
    # The three assigned entries, each with its reference and its action's text, pre-filled with the draft.
    assert {t.rows[0].cells[1].text for t in document.tables if "CTP-ENTRY" in t.rows[0].cells[1].text} == {
        f"CTP-ENTRY-{e.id}-V{e.version}" for e in (first, second, third)}
    assert first.action.text[:40] in words
    assert "The police trained 40 officers." in _entry_table(document, first).rows[3].cells[1].text + "".join(
        c.text for r in _entry_table(document, first).rows for c in r.cells)
    assert f"CTP-ENTRY-{elsewhere.id}-" not in data.decode("latin-1")  # another institution's entry
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "offline.form_downloaded"))

    before = _state(report)
    preview = _upload(client, report, police, _filled_docx(data, report, first, second))
    assert preview.status_code == 200, _text(preview)
    page = _text(preview)
    assert "What the form of State Police would change" in page
    assert "<ins>The unit was set up in March." in page and "<ins>Achieved</ins>" in page
    assert "Training of border officers; 2026-02-10" in page
    assert _state(report) == before  # nothing is applied by the preview

    confirmed = client.post(f"/reports/{report.id}/offline/{police.id}/confirm", data={"token": _token(preview)})
    assert confirmed.status_code == 302
    db.session.expire_all()
    second, first = db.session.get(Entry, second.id), db.session.get(Entry, first.id)
    assert second.status == EntryStatus.achieved
    assert second.narrative == "The unit was set up in March.\nIt has twelve analysts."
    assert second.responsible_institutions == "State Police" and second.updated_by_id == users.coordinator_al.id
    assert [(m.description, m.taken_on) for m in first.measures] == [("Training of border officers",
                                                                     dt.date(2026, 2, 10))]
    assert first.narrative == "The police trained 40 officers."  # unchanged fields stay as they were
    # The entry accepted before is unchanged by the file, so it stays accepted.
    assert signoff.work_of(db.session.get(Entry, third.id)).state == SignOff.accepted
    saves = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "entry.saved")).all()
    assert sorted(e.detail["key"] for e in saves) == sorted([first.key, second.key])
    kept = db.session.scalar(sa.select(Document).where(Document.partner_internal.is_(True)))
    assert kept is not None and kept.content_type == DOCX_TYPE and kept.report_id == report.id
    assert kept.original_name == "police.docx"
    assert documents.current_documents(report) == []  # never among the documents a revision freezes
    listed = _text(client.get(f"/reports/{report.id}/offline"))
    assert "police.docx" in listed
    assert client.get(f"/reports/{report.id}/documents/{kept.id}").status_code == 200
    # A record: neither replaced nor deleted through the documents' pages.
    assert client.get(f"/reports/{report.id}/documents/{kept.id}/replace").status_code == 404
    assert client.get(f"/reports/{report.id}/documents/{kept.id}/delete").status_code == 404
    # The same confirmation twice applies nothing twice.
    again = client.post(f"/reports/{report.id}/offline/{police.id}/confirm", data={"token": _token(preview)})
    assert again.status_code == 422 and "already been applied" in _text(again)


def test_the_xlsx_round_trip_and_an_accepted_entry_is_no_longer_accepted(app, users, auth, client, setting):
    report, police = setting["report"], setting["police"]
    first, second, third, _elsewhere = setting["entries"]
    auth.login("coordinator_al")
    wb = openpyxl.load_workbook(io.BytesIO(_download(client, report, police, "xlsx")))
    sheet = wb.worksheets[0]
    assert sheet.column_dimensions["A"].hidden and sheet.protection.sheet
    names = {sheet.cell(row=2, column=c).value: c for c in range(2, sheet.max_column + 1)}
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    r = rows[f"CTP-ENTRY-{third.id}-V{third.version}"]
    assert sheet.cell(row=r, column=names["code"]).value.endswith(third.action.code)
    assert third.action.text in sheet.cell(row=r, column=names["action"]).value
    sheet.cell(row=r, column=names["status"]).value = "Partially achieved"
    sheet.cell(row=r, column=names["challenges"]).value = "Staff turnover."
    acts = next(ws for ws in wb.worksheets if ws.cell(row=2, column=1).value == "legal_acts")
    act_row = next(i for i in range(3, acts.max_row + 1) if acts.cell(row=i, column=1).value.startswith(
        f"CTP-ENTRY-{third.id}-"))
    acts.cell(row=act_row, column=3).value = "Law on the State Police"
    acts.cell(row=act_row, column=4).value = dt.datetime(2026, 1, 15)
    acts.cell(row=act_row, column=5).value = "OG 12/2026"
    out = io.BytesIO()
    wb.save(out)

    preview = _upload(client, report, police, out.getvalue(), "police.xlsx")
    assert preview.status_code == 200, _text(preview)
    assert "Law on the State Police; 2026-01-15; OG 12/2026" in _text(preview)
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    db.session.expire_all()
    third = db.session.get(Entry, third.id)
    assert (third.status, third.challenges) == (EntryStatus.partially_achieved, "Staff turnover.")
    assert [(a.title, a.adopted_on, a.gazette_reference) for a in third.legal_acts] == [
        ("Law on the State Police", dt.date(2026, 1, 15), "OG 12/2026")]
    # Edited through the one save of a web edit: what the coordinator accepted is no longer what it says.
    assert signoff.work_of(third).state == SignOff.open
    assert db.session.scalar(sa.select(Document.content_type).where(Document.partner_internal.is_(True))).endswith(
        "spreadsheetml.sheet")


def test_answers_the_web_form_refuses_are_refused_naming_the_entry_and_the_field(app, auth, client, setting):
    report, police = setting["report"], setting["police"]
    first, second, _third, _elsewhere = setting["entries"]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    _set(_entry_table(document, second), "narrative", "See <script>alert(1)</script>")
    _set(_entry_table(document, second), "status", "Almost there")
    cells = _measures(_entry_table(document, first)).rows[1].cells
    cells[0].paragraphs[0].text, cells[1].paragraphs[0].text = "A measure", "10 February"
    out = io.BytesIO()
    document.save(out)
    before = _state(report)
    refused = _upload(client, report, police, out.getvalue())
    assert refused.status_code == 422
    page = _text(refused)
    code_1, code_2 = first.action.code, second.action.code
    assert f"Action {code_2} — Progress narrative: HTML is not accepted" in page
    assert f"Action {code_2} — Implementation status: choose one of the listed statuses." in page
    assert f"Action {code_1} — Measures taken, row 1, date: enter a date as YYYY-MM-DD" in page
    assert _state(report) == before


def test_an_outdated_file_is_a_conflict_shown_side_by_side_and_never_overwrites(app, users, auth, client, setting):
    report, police = setting["report"], setting["police"]
    first, second, _third, _elsewhere = setting["entries"]
    auth.login("coordinator_al")
    data = _download(client, report, police)
    # Meanwhile a contributor saves the first entry on the portal.
    newer = entries.EntryData.of(first)
    newer.texts["narrative"] = "Saved on the portal after the form was sent."
    assert isinstance(entries.save_entry(first, newer, first.version, users.contributor_al), entries.Saved)
    db.session.commit()
    document = docx.Document(io.BytesIO(data))
    _set(_entry_table(document, first), "narrative", "The police trained 45 officers.")
    _set(_entry_table(document, second), "narrative", "A new unit.")
    out = io.BytesIO()
    document.save(out)

    preview = _upload(client, report, police, out.getvalue())
    assert preview.status_code == 200
    page = _text(preview)
    assert "Not applied: this action was saved on the portal after the form was made" in page
    conflict = page[page.index(f'id="conflict-{first.id}"'):]
    assert "Saved on the portal after the form was sent." in conflict and "The police trained 45 officers." in conflict
    assert "Save the changes to 1 action" in page
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, first.id).narrative == "Saved on the portal after the form was sent."
    assert db.session.get(Entry, second.id).narrative == "A new unit."


def test_a_save_between_preview_and_confirmation_shows_the_preview_again(app, users, auth, client, setting):
    report, police = setting["report"], setting["police"]
    first, second, _third, _elsewhere = setting["entries"]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    _set(_entry_table(document, second), "narrative", "From the form.")
    out = io.BytesIO()
    document.save(out)
    preview = _upload(client, report, police, out.getvalue())
    newer = entries.EntryData.of(second)
    newer.texts["narrative"] = "Typed on the portal meanwhile."
    entries.save_entry(second, newer, second.version, users.contributor_al)
    db.session.commit()
    again = client.post(f"/reports/{report.id}/offline/{police.id}/confirm", data={"token": _token(preview)})
    assert again.status_code == 409
    assert "Not applied: this action was saved on the portal" in _text(again)
    db.session.expire_all()
    assert db.session.get(Entry, second.id).narrative == "Typed on the portal meanwhile."
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


# --- forged and malformed files --------------------------------------------------------------------------

def _rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _with_ref(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return _rezip(data, replace={name: source.read(name).replace(old.encode(), new.encode())
                                 for name in ("word/document.xml", "docProps/core.xml")})


FORGERIES = {
    "not a zip": (lambda s, data: b"%PDF-1.4 not a form", "is not a Word (DOCX) or Excel (XLSX) form"),
    "damaged zip": (lambda s, data: data[:2000], "is damaged"),
    "macros": (lambda s, data: _rezip(data, add={"word/vbaProject.bin": b"\0" * 64}), "with macros are not accepted"),
    "docm content type": (lambda s, data: _rezip(data, replace={"[Content_Types].xml": zipfile.ZipFile(
        io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")}),
        "with macros are not accepted"),
    "zip bomb": (lambda s, data: _rezip(data, add={"word/media/big.bin": b"\0" * (3 * 1024 * 1024)}), "zip bomb"),
    "many parts": (lambda s, data: _rezip(data, add={f"x/{i}.txt": b"" for i in range(10_001)}), "too many parts"),
    "entities": (lambda s, data: _rezip(data, replace={"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE w '
                                                        b'[<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                                                        + zipfile.ZipFile(io.BytesIO(data)).read(
                                                            "word/document.xml").split(b"?>", 1)[1]}),
                 "DOCTYPE or ENTITY"),
    "no reference": (lambda s, data: _with_ref(data, "CTP-FORM-", "XXX-FORM-"), "its reference line is missing"),
    "wrong entry id": (lambda s, data: _with_ref(data, f"CTP-ENTRY-{s['entries'][1].id}-", "CTP-ENTRY-987654-"),
                       "not one of the entries of this report assigned to State Police"),
    "another party's entry": (lambda s, data: _with_ref(data, f"CTP-ENTRY-{s['entries'][1].id}-",
                                                        f"CTP-ENTRY-{s['serbia'].entries[0].id}-"),
                              "not one of the entries of this report assigned to State Police"),
    "entry of another institution": (lambda s, data: _with_ref(data, f"CTP-ENTRY-{s['entries'][1].id}-",
                                                               f"CTP-ENTRY-{s['entries'][3].id}-"),
                                     "not one of the entries of this report assigned to State Police"),
    "another institution's form": (lambda s, data: _with_ref(data, f"-I{s['police'].id}", f"-I{s['other'].id}"),
                                   "was made for another report or another institution"),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_and_malformed_files_are_refused_and_change_nothing(app, auth, client, setting, forgery):
    report, police = setting["report"], setting["police"]
    make, message = FORGERIES[forgery]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    _set(_entry_table(document, setting["entries"][1]), "narrative", "Would change the entry.")
    out = io.BytesIO()
    document.save(out)
    before = _state(report)
    refused = _upload(client, report, police, make(setting, out.getvalue()))
    assert refused.status_code == 422
    page = _text(refused)
    assert message in page and "Nothing was changed" in page
    assert _state(report) == before
    assert "Would change the entry." not in page


def test_a_confirmation_cannot_be_forged_or_taken_to_another_institution(app, auth, client, setting):
    report, police, other = setting["report"], setting["police"], setting["other"]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    _set(_entry_table(document, setting["entries"][1]), "narrative", "From the form.")
    out = io.BytesIO()
    document.save(out)
    token = _token(_upload(client, report, police, out.getvalue()))
    before = _state(report)
    for url, sent in ((f"/reports/{report.id}/offline/{other.id}/confirm", token),
                      (f"/reports/{report.id}/offline/{police.id}/confirm", token[:-3] + "abc")):
        refused = client.post(url, data={"token": sent})
        assert refused.status_code == 422 and "does not belong to this form" in _text(refused)
    assert _state(report) == before


# --- who reaches it --------------------------------------------------------------------------------------

def test_another_partys_coordinator_and_the_commission_get_404(app, users, auth, client, setting):
    report, police, serbia = setting["report"], setting["police"], setting["serbia"]
    auth.login("coordinator_al")
    data = _download(client, report, police)
    auth.logout()
    before = _state(report)
    auth.login("coordinator_rs")
    for url in (f"/reports/{report.id}/offline", f"/reports/{report.id}/offline/{police.id}/form.docx",
                f"/reports/{serbia.id}/offline/{police.id}/form.docx"):
        assert client.get(url).status_code == 404, url
    assert _upload(client, report, police, data).status_code == 404
    assert _upload(client, serbia, police, data).status_code == 404  # Albania's institution on Serbia's report
    auth.logout()
    auth.login("contributor_al")  # reads the forms applied; downloads and applies none
    page = client.get(f"/reports/{report.id}/offline")
    assert page.status_code == 200 and "form.docx" not in page.get_data(as_text=True)
    assert client.get(f"/reports/{report.id}/offline/{police.id}/form.docx").status_code == 403
    assert _upload(client, report, police, data).status_code == 403
    auth.logout()
    assert _state(report) == before


def test_the_kept_file_never_reaches_the_commission(app, users, auth, client, setting):
    from tests.factories import fill_report
    report, police = setting["report"], setting["police"]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    _set(_entry_table(document, setting["entries"][1]), "narrative", "From the form.")
    out = io.BytesIO()
    document.save(out)
    preview = _upload(client, report, police, out.getvalue(), "INSTITUTION-CANARY.docx")
    client.post(f"/reports/{report.id}/offline/{police.id}/confirm", data={"token": _token(preview)})
    auth.logout()
    kept = db.session.scalar(sa.select(Document).where(Document.partner_internal.is_(True)))
    fill_report(db.session.get(Report, report.id))
    submit(db.session.get(Report, report.id), users.coordinator_al)
    revision_docs = db.session.get(Report, report.id).revisions[-1].snapshot.get("documents", [])
    assert all(d.get("sha256") != kept.sha256 for d in revision_docs)
    auth.login("reviewer")
    assert client.get(f"/reports/{report.id}/documents/{kept.id}").status_code == 404
    assert client.get(f"/reports/{report.id}/offline").status_code == 404
    assert client.get(f"/reports/{report.id}/offline/{police.id}/form.docx").status_code == 404
    auth.logout()
    auth.login("coordinator_al")  # the party still reads it, read-only, once the report is submitted
    page = _text(client.get(f"/reports/{report.id}/offline"))
    assert "INSTITUTION-CANARY.docx" in page and "Read the form" not in page
    auth.logout()
    auth.login("reviewer")
    review = client.get(f"/review/reports/{report.id}", follow_redirects=True)
    assert "INSTITUTION-CANARY" not in review.get_data(as_text=True) and "State Police" not in review.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EntryWork.id))) >= 1


# --- figures (issue 18, item 4) --------------------------------------------------------------------------

def _with_indicators(setting):
    """The first entry assigned to the police whose action has indicators, and its first indicator."""
    entry = next(e for e in setting["entries"][:3] if figure_service.of_entry(e))
    return entry, figure_service.of_entry(entry)[0]


def _figure_rows(entry: Entry) -> list:
    db.session.expire_all()
    return sorted((f.indicator_id, f.category, f.baseline, f.target, f.actual)
                  for f in db.session.get(Entry, entry.id).figures)


def _figures_table(table):
    row = next(r for r in table.rows[1:] if "[[figures]]" in r.cells[0].text)
    return row.cells[1].tables[0]


def _set_docx_figure(document, entry: Entry, indicator, category: str, column: str, value: str) -> None:
    inner = _figures_table(_entry_table(document, entry))
    col = next(i for i, c in enumerate(inner.rows[0].cells) if f"[[{column}]]" in c.text)
    row = next(r for r in inner.rows[1:] if f"[[fig_{indicator.id}_{category}]]" in r.cells[0].text)
    row.cells[col].paragraphs[0].text = value


def _xlsx_figures(wb):
    ws = next(w for w in wb.worksheets if w.cell(row=2, column=1).value == "figures")
    names = {ws.cell(row=2, column=c).value: c for c in range(2, ws.max_column + 1)}
    return ws, names


def test_a_figure_filled_in_the_docx_reaches_the_entry_and_an_old_form_leaves_them(app, users, auth, client,
                                                                                    setting):
    report, police = setting["report"], setting["police"]
    entry, indicator = _with_indicators(setting)
    category = ind.categories(indicator.disaggregation)[0]
    figure_service.write(entry, [indicator], {(indicator.id, category, "baseline"): Decimal(7)})
    db.session.commit()
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    inner = _figures_table(_entry_table(document, entry))
    # Pre-filled like the web form: one row per indicator and category, the saved baseline in it.
    assert len(inner.rows) - 1 == sum(len(ind.categories(i.disaggregation)) for i in figure_service.of_entry(entry))
    row = next(r for r in inner.rows[1:] if f"[[fig_{indicator.id}_{category}]]" in r.cells[0].text)
    assert indicator.name in row.cells[0].text and row.cells[1].text == "7"
    _set_docx_figure(document, entry, indicator, category, "actual", "1 204")
    out = io.BytesIO()
    document.save(out)
    before = _figure_rows(entry)
    preview = _upload(client, report, police, out.getvalue())
    assert preview.status_code == 200, _text(preview)
    diff = _text(preview)[_text(preview).index(f'id="e-{entry.id}"'):]
    assert "Figures" in diff and "<ins>1204</ins>" in diff
    assert _figure_rows(entry) == before  # the preview changes nothing
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    assert _figure_rows(entry) == [(indicator.id, category, Decimal(7), None, Decimal(1204))]

    # A form without figure cells (made before the figures, say) leaves them as they are.
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    table = _entry_table(document, entry)
    figures_row = next(r for r in table.rows[1:] if "[[figures]]" in r.cells[0].text)
    figures_row._tr.getparent().remove(figures_row._tr)
    _set(table, "challenges", "No figures in this file.")
    out = io.BytesIO()
    document.save(out)
    preview = _upload(client, report, police, out.getvalue(), "old.docx")
    assert preview.status_code == 200, _text(preview)
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    assert _figure_rows(entry) == [(indicator.id, category, Decimal(7), None, Decimal(1204))]
    assert db.session.get(Entry, entry.id).challenges == "No figures in this file."


def test_a_figure_filled_in_the_xlsx_reaches_the_entry(app, users, auth, client, setting):
    report, police = setting["report"], setting["police"]
    entry, indicator = _with_indicators(setting)
    category = ind.categories(indicator.disaggregation)[-1]
    auth.login("coordinator_al")
    wb = openpyxl.load_workbook(io.BytesIO(_download(client, report, police, "xlsx")))
    ws, names = _xlsx_figures(wb)
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(names["figure"])].hidden
    r = next(i for i in range(3, ws.max_row + 1)
             if ws.cell(row=i, column=names["figure"]).value == f"fig_{indicator.id}_{category}"
             and ws.cell(row=i, column=1).value.startswith(f"CTP-ENTRY-{entry.id}-"))
    assert indicator.name in ws.cell(row=r, column=names["indicator"]).value
    ws.cell(row=r, column=names["target"]).value = 25
    ws.cell(row=r, column=names["actual"]).value = 12
    out = io.BytesIO()
    wb.save(out)
    preview = _upload(client, report, police, out.getvalue(), "police.xlsx")
    assert preview.status_code == 200, _text(preview)
    assert "<ins>" in _text(preview)[_text(preview).index(f'id="e-{entry.id}"'):]
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    assert _figure_rows(entry) == [(indicator.id, category, None, Decimal(25), Decimal(12))]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_figure_that_is_not_a_number_is_refused_naming_entry_indicator_and_column(app, auth, client, setting,
                                                                                     kind):
    report, police = setting["report"], setting["police"]
    entry, indicator = _with_indicators(setting)
    category = ind.categories(indicator.disaggregation)[0]
    auth.login("coordinator_al")
    data = _download(client, report, police, kind)
    out = io.BytesIO()
    if kind == "docx":
        document = docx.Document(io.BytesIO(data))
        _set_docx_figure(document, entry, indicator, category, "target", "about forty")
        _set(_entry_table(document, entry), "narrative", "Kept only if all is right.")
        document.save(out)
    else:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        ws, names = _xlsx_figures(wb)
        r = next(i for i in range(3, ws.max_row + 1)
                 if ws.cell(row=i, column=names["figure"]).value == f"fig_{indicator.id}_{category}")
        ws.cell(row=r, column=names["target"]).value = "about forty"
        wb.save(out)
    before, figures_before = _state(report), _figure_rows(entry)
    refused = _upload(client, report, police, out.getvalue(), f"police.{kind}")
    assert refused.status_code == 422
    where = indicator.name if category == ind.TOTAL else f"{indicator.name} ({category})"
    text = html.unescape(_text(refused))
    assert (f"{offline.label_of(entry)}, figures, {where}, target: enter a number, such as 12 or "
            f"3.5 (you entered “about forty”).") in text
    assert f"{offline.label_of(entry)} — " not in text  # the entry named once
    assert _state(report) == before and _figure_rows(entry) == figures_before
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_figures_saved_on_the_portal_since_the_form_are_a_conflict_never_overwritten(app, users, auth, client,
                                                                                    setting):
    report, police = setting["report"], setting["police"]
    entry, indicator = _with_indicators(setting)
    category = ind.categories(indicator.disaggregation)[0]
    auth.login("coordinator_al")
    document = docx.Document(io.BytesIO(_download(client, report, police)))
    newer = entries.EntryData.of(entry)
    newer.figures[figure_service.field_name(indicator, category, "actual")] = "5"
    assert isinstance(entries.save_entry(entry, newer, entry.version, users.contributor_al), entries.Saved)
    db.session.commit()
    _set_docx_figure(document, entry, indicator, category, "actual", "9")
    out = io.BytesIO()
    document.save(out)
    preview = _upload(client, report, police, out.getvalue())
    assert preview.status_code == 200, _text(preview)
    conflict = _text(preview)[_text(preview).index(f'id="conflict-{entry.id}"'):]
    assert "Figures" in conflict and "actual 5" in conflict and "actual 9" in conflict
    assert client.post(f"/reports/{report.id}/offline/{police.id}/confirm",
                       data={"token": _token(preview)}).status_code == 302
    assert _figure_rows(entry) == [(indicator.id, category, None, None, Decimal(5))]

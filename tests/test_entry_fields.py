"""Every field domain/entry_fields.py describes goes all the way: form, save, snapshot, review page, diff,
export, PDF and the next round's copy. The values are made from the description itself, so a field
added there and forgotten by any of these steps fails here."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from ctportal.domain import entry_fields
from ctportal.models import Entry, Report, db
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting import revisions
from ctportal.services.review import diff
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_party import text_of

# Entry columns that are bookkeeping, not something a party writes.
BOOKKEEPING = {"id", "report_id", "action_id", "priority_action_id", "kind", "key", "position",
               "copied_from_previous", "updated_at", "updated_by_id", "version"}


def _token(*parts: str) -> str:
    # One word, no underscores: survives Markdown, the PDF's line breaks and the word diff whole.
    return "Zq" + "".join(p.replace("_", "").capitalize() for p in parts)


def expected_values() -> dict:
    """A value for every described field, in the plain (snapshot) shape; "not applicable" so that every field shows."""
    values: dict = {"status": "not_applicable"}
    for f in entry_fields.TEXT_FIELDS:
        values[f.name] = _token(f.name)
    for month, rows in enumerate(entry_fields.ROWS_FIELDS, start=7):  # in the round's period (from July 2025)
        values[rows.name] = [
            {c.name: dt.date(2025, month, 10 * n + i).isoformat() if c.date else _token(rows.name, c.name, str(n))
             for i, c in enumerate(rows.columns)} for n in (1, 2)]
    return values


def form_data(entry: Entry, values: dict) -> dict:
    data = {"version": str(entry.version), "status": values["status"], "save": "Save"}
    data.update({f.name: values[f.name] for f in entry_fields.TEXT_FIELDS})
    for rows in entry_fields.ROWS_FIELDS:
        for n, row in enumerate(values[rows.name]):
            data.update({f"{rows.name}-{n}-{column}": value for column, value in row.items()})
    return data


def words(values: dict) -> list[str]:
    found = [values[f.name] for f in entry_fields.TEXT_FIELDS]
    for rows in entry_fields.ROWS_FIELDS:
        found += [row[c.name] for row in values[rows.name] for c in rows.columns if not c.date]
    return found


def printed_dates(values: dict) -> list[str]:
    dates = [dt.date.fromisoformat(row[c.name]) for rows in entry_fields.ROWS_FIELDS for row in values[rows.name]
             for c in rows.columns if c.date]
    return [f"{d.day} {d:%B %Y}" for d in dates]


def test_the_model_holds_exactly_the_described_fields(app):
    columns = {c.key for c in Entry.__table__.columns} - BOOKKEEPING
    # The own-language texts (issue 17, item 4) beside the described fields: their language and texts.
    assert columns == {f.name for f in entry_fields.FIELDS if f.kind != "rows"} | {
        entry_fields.ORIGINAL_LANGUAGE, entry_fields.ORIGINAL_TEXTS}
    for rows in entry_fields.ROWS_FIELDS:
        model = entry_service.ROW_MODELS[rows.name]
        assert {c.key for c in model.__table__.columns} - {"id", "entry_id", "position"} == {
            c.name for c in rows.columns}
        assert getattr(Entry, rows.name).property.mapper.class_ is model


def test_every_described_field_goes_from_the_form_to_the_pdf_and_the_next_round(app, users, auth, client, tmp_path):
    values = expected_values()
    rnd = make_round("Progress report 2025", document_number="ST 1/25")
    report = fill_report(report_of(rnd, "AL"))
    entry = report.entries[0]

    # Saved from the form, and shown again in it.
    auth.login("contributor_al")
    response = client.post(f"/reports/{report.id}/entries/{entry.id}", data=form_data(entry, values))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    entry = db.session.get(Entry, entry.id)
    assert entry_fields.values_of(entry) == {**values, entry_fields.ORIGINAL_TEXTS: {},
                                             entry_fields.ORIGINAL_LANGUAGE: ""}
    form_page = client.get(f"/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    for f in entry_fields.FIELDS:
        assert f.label in form_page, f.name
    for word in words(values) + [row[c.name] for rows in entry_fields.ROWS_FIELDS for row in values[rows.name]
                                 for c in rows.columns if c.date]:
        assert word in form_page, word
    auth.logout()

    # Frozen in the snapshot.
    submit(db.session.get(Report, report.id), users.coordinator_al)
    revision = revisions.latest_revision(report)
    frozen = revisions.entries_by_key(revision)[entry.key]
    assert {f.name: frozen[f.name] for f in entry_fields.FIELDS} == values

    # Every field is a change against nothing, labelled and holding its words.
    changes = {c.name: c for c in diff.entry_changes(None, frozen)}
    assert set(changes) == {f.name for f in entry_fields.FIELDS}
    for f in entry_fields.TEXT_FIELDS:
        assert changes[f.name].label == f.label and values[f.name] in str(changes[f.name].html)

    # The reviewer's page shows every field of the revision.
    auth.login("reviewer")
    review_page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    for word in words(values):
        assert word in review_page, word
    for f in entry_fields.FIELDS:
        assert f"<dt>{f.label}</dt>" in review_page, f.name

    # The export has a column for every field.
    approve(db.session.get(Report, report.id), users.reviewer)
    csv_text = client.get(f"/exports/reports/{report.id}.csv").get_data().decode("utf-8-sig")
    header = csv_text.splitlines()[0]
    for f in entry_fields.FIELDS:
        assert f.label in header, f.name
    for word in words(values):
        assert word in csv_text, word
    auth.logout()

    # The PDF prints every field, with its label, dates as Council documents print them.
    auth.login("coordinator_al")
    pdf = client.get(f"/compile/reports/{report.id}/pdf")
    assert pdf.status_code == 200
    printed = re.sub(r"\s+", " ", " ".join(text_of(pdf.data, tmp_path)))
    for word in words(values) + printed_dates(values):
        assert word in printed, word
    for f in entry_fields.FIELDS[1:]:
        assert f.label in printed, f.name

    # The next round starts from it, every field copied.
    later = make_round("Progress report 2026", document_number="ST 1/26")
    later.period_end = dt.date(2027, 6, 30)
    db.session.commit()
    new = report_of(later, "AL")
    response = client.post(f"/reports/{new.id}/copy-previous")
    assert response.status_code == 302
    db.session.expire_all()
    copied = db.session.scalar(sa.select(Entry).where(Entry.report_id == new.id, Entry.key == entry.key))
    assert {k: v for k, v in entry_fields.values_of(copied).items() if not k.startswith("original_")} == values
    assert copied.copied_from_previous

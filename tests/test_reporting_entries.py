"""The report form: drafts are safe, bad input is refused with a message, and nothing saved is lost."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, Entry, EntryStatus, Measure, db
from ctportal.services.reporting import entries as entry_service
from tests.factories import make_round, report_of


@pytest.fixture
def rnd(app):
    return make_round()


@pytest.fixture
def al(rnd):
    return report_of(rnd, "AL")


def form_for(entry: Entry, **fields) -> dict:
    data = {"version": str(entry.version), "status": "", "narrative": "", "na_justification": "",
            "challenges": "", "eu_support_needed": "", "next_steps": "", "next_steps_timeline": "",
            "responsible_institutions": "", "save": "Save"}
    data.update(fields)
    return data


def entry_url(entry: Entry) -> str:
    return f"/reports/{entry.report_id}/entries/{entry.id}"


def reload(entry: Entry) -> Entry:
    db.session.expire_all()
    return db.session.get(Entry, entry.id)


def test_a_draft_saves_whatever_is_filled_without_required_errors(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    response = client.post(entry_url(entry), data=form_for(entry, challenges="Staff turnover."))
    assert response.status_code == 302
    saved = reload(entry)
    assert saved.challenges == "Staff turnover."
    assert saved.status is None and saved.narrative == ""
    assert saved.updated_by.email == "contributor.al@example.eu"


def test_a_full_entry_is_saved_with_measures_and_legal_acts(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[1]
    response = client.post(entry_url(entry), data=form_for(
        entry, status="in_progress", narrative="**Done** in part.", next_steps="Train judges.",
        next_steps_timeline="by Q2 2027", responsible_institutions="Ministry of Justice",
        **{"measures-0-description": "Law drafted", "measures-0-taken_on": "2025-10-01",
           "measures-1-description": "Working group set up", "measures-1-taken_on": "",
           "legal_acts-0-title": "Law on the prevention of terrorism", "legal_acts-0-adopted_on": "2025-12-15",
           "legal_acts-0-gazette_reference": "OG 12/2025"}))
    assert response.status_code == 302
    saved = reload(entry)
    assert saved.status == EntryStatus.in_progress
    assert [(m.description, m.taken_on) for m in saved.measures] == [
        ("Law drafted", dt.date(2025, 10, 1)), ("Working group set up", None)]
    assert [(a.title, a.gazette_reference) for a in saved.legal_acts] == [
        ("Law on the prevention of terrorism", "OG 12/2025")]
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "entry.saved")) == 1


def test_a_row_marked_remove_is_deleted(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    client.post(entry_url(entry), data=form_for(entry, **{"measures-0-description": "One",
                                                          "measures-1-description": "Two"}))
    entry = reload(entry)
    client.post(entry_url(entry), data=form_for(entry, **{
        "measures-0-description": "One", "measures-0-remove": "y", "measures-1-description": "Two"}))
    assert [m.description for m in reload(entry).measures] == ["Two"]


def test_add_another_row_without_javascript_keeps_what_was_typed_and_saves_nothing(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    response = client.post(entry_url(entry), data=form_for(
        entry, narrative="Typed but not saved", add_measure="Add another measure",
        **{"measures-0-description": "First measure"}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Typed but not saved" in page and "First measure" in page
    assert 'name="measures-1-description"' in page  # the new blank row
    assert reload(entry).narrative == ""


def test_preview_button_renders_the_sanitised_narrative_without_saving(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    response = client.post(entry_url(entry), data=form_for(entry, narrative="Some **bold** text",
                                                           preview="Preview the narrative"))
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.get_data(as_text=True)
    assert reload(entry).narrative == ""


def test_preview_endpoint_returns_sanitised_html(client, auth, al):
    auth.login("contributor_al")
    response = client.post(f"/reports/{al.id}/preview", data={"text": "# Title\n\n*x* [l](https://e.eu)"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h3>Title</h3>" in html and "<em>x</em>" in html and 'rel="noopener noreferrer nofollow"' in html
    refused = client.post(f"/reports/{al.id}/preview", data={"text": "<script>alert(1)</script>"})
    assert "<script>" not in refused.get_data(as_text=True)
    assert "HTML is not accepted" in refused.get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"narrative": "<b>bold</b>"}, "Progress narrative: HTML is not accepted"),
    ({"narrative": "<script>alert(1)</script>"}, "Progress narrative: HTML is not accepted"),
    ({"challenges": "see [this](javascript:alert(1))"}, "Challenges: the link"),
    ({"narrative": "[x]( JaVaScRiPt:alert(1) )"}, "links must start with https://"),
    ({"narrative": "<javascript:alert(1)>"}, "Progress narrative:"),
    ({"narrative": "x" * 20_001}, "Progress narrative: at most 20,000 characters"),
    ({"next_steps_timeline": "y" * 201}, "Timeline of the next steps: at most 200 characters"),
    ({"narrative": "a\x00b"}, "Progress narrative: the text contains an invisible control character"),
    ({"measures-0-description": "M\x00"}, "Measures taken, row 1, description: the text contains"),
    ({"status": "finished"}, "Implementation status: choose one of the listed statuses"),
    ({"measures-0-description": "Old", "measures-0-taken_on": "1989-12-31"},
     "Measures taken, row 1, date: the date must be between 1 January 1990"),
    ({"measures-0-description": "Far", "measures-0-taken_on": "2099-01-01"},
     "Measures taken, row 1, date: the date must be between"),
    ({"measures-0-description": "Bad", "measures-0-taken_on": "31/12/2025"},
     "Measures taken, row 1, date: enter a date as YYYY-MM-DD"),
    ({"legal_acts-0-title": "Act", "legal_acts-0-adopted_on": "1900-01-01"},
     "Legal acts adopted, row 1, date of adoption: the date must be between"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved_changes(client, auth, al, fields, message):
    auth.login("contributor_al")
    entry = al.entries[0]
    client.post(entry_url(entry), data=form_for(entry, status="planned", narrative="Saved before."))
    entry = reload(entry)
    version = entry.version
    response = client.post(entry_url(entry), data=form_for(entry, **{"narrative": "Would replace it", **fields}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.replace("&#34;", '"')
    assert "Nothing was saved" in page
    after = reload(entry)
    assert (after.narrative, after.status, after.version) == ("Saved before.", EntryStatus.planned, version)
    assert after.measures == [] and after.legal_acts == []


def test_markdown_inside_code_is_not_mistaken_for_html(app):
    assert entry_service.check_markdown("Use `<b>` tags? No:\n\n    <div>code</div>\n") is None
    assert entry_service.check_markdown("Links like [EU](https://europa.eu) and <https://europa.eu>") is None
    assert entry_service.check_markdown("[x](data:text/html,hi)") is not None


def test_a_measure_with_a_date_but_no_description_is_refused_by_the_service(app):
    data = entry_service.EntryData(rows={"measures": [{"description": "", "taken_on": dt.date(2025, 1, 1)}]})
    problems = entry_service.validate(data)
    assert [p.message for p in problems] == ["Measures taken, row 1, description: describe the measure."]


def test_the_second_save_from_the_same_version_gets_a_conflict_page_with_both_texts(app, client, auth, al):
    entry = al.entries[0]
    start = form_for(entry)  # both officials opened the form at this version
    auth.login("coordinator_al")
    assert client.post(entry_url(entry), data={**start, "narrative": "Coordinator's text"}).status_code == 302
    auth.logout()
    auth.login("contributor_al")
    response = client.post(entry_url(entry), data={**start, "narrative": "Contributor's text"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "someone else saved this action first" in page
    assert "Coordinator&#39;s text" in page and "Contributor&#39;s text" in page
    assert "Coordinator Al" in page
    saved = reload(entry)
    assert saved.narrative == "Coordinator's text"  # the first save is kept
    # The form now carries the saved version, so saving again is a deliberate overwrite that works.
    assert f'name="version" type="hidden" value="{saved.version}"' in page
    again = client.post(entry_url(entry), data={**start, "version": str(saved.version),
                                                "narrative": "Merged text"})
    assert again.status_code == 302
    assert reload(entry).narrative == "Merged text"


def test_a_concurrent_save_that_slips_past_the_form_check_is_caught_by_the_database(app, al, users):
    """Both requests read version 1; the second UPDATE matches no row and is reported as a conflict."""
    from sqlalchemy.orm.exc import StaleDataError
    entry = al.entries[0]
    _loaded = (entry.measures, entry.legal_acts)  # loaded, as a request has them before saving
    # Another official's save reaches the database after this request loaded the entry at version 1
    # (a plain SQL UPDATE: the ORM's copy of the entry still says version 1).
    db.session.execute(sa.update(Entry.__table__).where(Entry.__table__.c.id == entry.id)
                       .values(narrative="theirs", version=entry.version + 1))
    with pytest.raises(StaleDataError):
        entry_service.save_entry(entry, entry_service.EntryData(texts={"narrative": "mine"}), entry.version,
                                 users.contributor_al)
    db.session.rollback()
    assert reload(entry).narrative == ""  # the rollback undid both: nothing half-written


def test_officials_of_one_party_save_different_actions_at_the_same_time(client, auth, al):
    first, second = al.entries[0], al.entries[1]
    start_first, start_second = form_for(first), form_for(second)
    auth.login("coordinator_al")
    assert client.post(entry_url(first), data={**start_first, "narrative": "One"}).status_code == 302
    auth.logout()
    auth.login("contributor_al")
    assert client.post(entry_url(second), data={**start_second, "narrative": "Two"}).status_code == 302
    assert (reload(first).narrative, reload(second).narrative) == ("One", "Two")


def test_an_entry_of_another_report_in_the_url_is_404(client, auth, rnd, al):
    rs = report_of(rnd, "RS")
    auth.login("contributor_al")
    foreign = rs.entries[0]
    assert client.get(f"/reports/{al.id}/entries/{foreign.id}").status_code == 404
    response = client.post(f"/reports/{al.id}/entries/{foreign.id}", data=form_for(foreign, narrative="forged"))
    assert response.status_code == 404
    response = client.post(f"/reports/{rs.id}/entries/{foreign.id}", data=form_for(foreign, narrative="x"))
    assert response.status_code == 404
    assert reload(foreign).narrative == ""


def test_a_forged_action_or_entry_id_in_the_form_changes_nothing_else(client, auth, rnd, al):
    """The form has no action or entry ids: extra fields naming another entry are ignored."""
    rs = report_of(rnd, "RS")
    auth.login("contributor_al")
    entry = al.entries[0]
    response = client.post(entry_url(entry), data=form_for(entry, narrative="Mine", entry_id=str(rs.entries[0].id),
                                                           action_id="999", report_id=str(rs.id)))
    assert response.status_code == 302
    assert reload(entry).narrative == "Mine"
    assert reload(rs.entries[0]).narrative == ""
    assert reload(entry).action_id == al.entries[0].action_id


def test_a_report_under_review_is_read_only(client, auth, al, users):
    from tests.factories import fill_report, submit
    fill_report(al)
    submit(al, users.coordinator_al)
    auth.login("contributor_al")
    entry = al.entries[0]
    page = client.get(entry_url(entry))
    assert page.status_code == 200
    assert b'name="narrative"' not in page.data and b"Read-only" in page.data
    assert client.post(entry_url(entry), data=form_for(entry, narrative="Late change")).status_code == 403
    assert reload(entry).narrative != "Late change"


def test_an_entry_saved_after_copying_loses_its_copied_mark(client, auth, al):
    entry = al.entries[0]
    entry.copied_from_previous = True
    db.session.commit()
    auth.login("contributor_al")
    assert b"Copied from the last round" in client.get(entry_url(entry)).data
    client.post(entry_url(entry), data=form_for(entry, narrative="Checked and updated"))
    assert reload(entry).copied_from_previous is False


def test_form_classes_are_built_per_call_and_never_shared(app):
    from ctportal.forms.entry import entry_form_class
    a, b = entry_form_class({"measures": 1, "legal_acts": 1}), entry_form_class({"measures": 5, "legal_acts": 2})
    assert a is not b
    assert a.measures.kwargs["min_entries"] == 1 and b.measures.kwargs["min_entries"] == 5


def test_saving_keeps_measure_rows_in_order(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    client.post(entry_url(entry), data=form_for(entry, **{f"measures-{i}-description": f"M{i}" for i in range(4)}))
    rows = db.session.scalars(sa.select(Measure).where(Measure.entry_id == entry.id).order_by(Measure.position))
    assert [m.description for m in rows] == ["M0", "M1", "M2", "M3"]

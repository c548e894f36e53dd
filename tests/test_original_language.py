"""Entry texts in the party's own language beside the English (issue 17, item 4): saved from the form with
their language, frozen in the snapshot and compared in the diff, shown to the Commission's reviewers
under the language's name with its `lang` attribute, printed in the party's own PDF with `lang`, never in
the consolidated report."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ctportal.domain import entry_fields
from ctportal.models import Entry, User, db
from ctportal.pdf.html import html as pdf_html
from ctportal.services.editions import content
from ctportal.services.editions.parts import annex_parts
from ctportal.services.editions.party import party_pdf_plan
from ctportal.services.reporting import revisions
from ctportal.services.review import diff
from tests.factories import fill_report, make_round, report_of, submit
from tests.i18n_support import tool
from tests.test_i18n_screens import shown
from tests.test_pdf_party import text_of

ENGLISH = "The counter-terrorism law was amended in March."
ORIGINAL = "Ligji për kundërterrorizmin u ndryshua në mars."
CHALLENGES = "Mungesa e prokurorëve të specializuar."


def _form(entry: Entry, **extra) -> dict:
    data = {"version": str(entry.version), "status": "in_progress", "narrative": ENGLISH, "save": "Save"}
    data.update(extra)
    return data


def _language(users, key: str, code: str) -> None:
    db.session.get(User, users[key].id).language = code
    db.session.commit()


def test_original_texts_are_saved_frozen_shown_to_reviewers_and_printed_in_the_party_pdf_only(
        app, users, auth, client, tmp_path):
    tool()
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    entry = report.entries[0]
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    url = f"/reports/{report.id}/entries/{entry.id}"

    # A text in the original language without its language is refused, the field named; nothing saved.
    refused = client.post(url, data=_form(entry, original_narrative=ORIGINAL))
    assert refused.status_code in (400, 422)
    assert "Gjuha e teksteve origjinale: zgjidhni gjuhën" in shown(refused.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).original_texts in (None, {})

    saved = client.post(url, data=_form(entry, original_language="sq", original_narrative=ORIGINAL,
                                        original_challenges=CHALLENGES))
    assert saved.status_code == 302
    db.session.expire_all()
    entry = db.session.get(Entry, entry.id)
    assert entry.narrative == ENGLISH and entry.original_language == "sq"
    assert entry.original_texts == {"narrative": ORIGINAL, "challenges": CHALLENGES}
    # The form shows them again, each box marked with its language.
    page = client.get(url).get_data(as_text=True)
    box = re.search(r'<textarea[^>]*name="original_narrative"[^>]*>', page).group(0)
    assert 'lang="sq"' in box and ORIGINAL in page
    assert 'value="sq" selected' in page or 'selected value="sq"' in page
    # The party's own read view carries the language too.
    auth.logout()

    submit(report, users.coordinator_al)
    revision = revisions.latest_revision(report)
    frozen = next(e for e in revision.snapshot["entries"] if e["key"] == entry.key)
    assert frozen[entry_fields.ORIGINAL_LANGUAGE] == "sq"
    assert frozen[entry_fields.ORIGINAL_TEXTS] == {"narrative": ORIGINAL, "challenges": CHALLENGES}
    # The diff compares them like any field, under their own label.
    changed = {**frozen, entry_fields.ORIGINAL_TEXTS: {"narrative": ORIGINAL + " Prill."}}
    changes = {c.name: c for c in diff.entry_changes(frozen, changed)}
    assert changes["original_texts.narrative"].label == "Progress narrative in the original language"
    assert "<ins> Prill.</ins>" in str(changes["original_texts.narrative"].html)
    assert "original_texts.challenges" in changes

    # The reviewer reads both: the English, and the original under its language's name with lang="sq".
    auth.login("reviewer")
    review = client.get(f"/review/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    assert ENGLISH in review
    original = re.search(r'<dt class="original-label">(.*?)</dt>\s*'
                         r'<dd class="original-text narrative" lang="sq">(.*?)</dd>', review, re.S)
    assert original and "Shqip" in original.group(1) and ORIGINAL in original.group(2)
    assert "Progress narrative in the original language" in original.group(1)

    # The party's own PDF prints it with its lang; the consolidated report's annex of the same revision does not.
    plan = party_pdf_plan(report, revision)
    party_html = " ".join(pdf_html(p.template, p.context) for p in plan.annex)
    assert re.search(r'<div class="narrative original-text" lang="sq">\s*<p>' + re.escape(ORIGINAL), party_html)
    assert "Progress narrative in the original language (Shqip)" in party_html and ENGLISH in party_html
    consolidated = annex_parts(content.Included(report.party, report, revision, {}), approved=False)
    consolidated_html = " ".join(pdf_html(p.template, p.context) for p in consolidated)
    assert ENGLISH in consolidated_html and ORIGINAL not in consolidated_html and CHALLENGES not in consolidated_html
    assert "original-text" not in consolidated_html
    # And the PDF itself carries the original's words (its fonts have the letters).
    auth.logout()
    auth.login("coordinator_al")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    if response.status_code == 302:  # made by the job it queued: its page says it is ready, then it is sent
        assert "PDF-ja është gati." in shown(client.get(response.headers["Location"]).get_data(as_text=True))
        response = client.get(f"/compile/reports/{report.id}/pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    printed = " ".join(" ".join(page.split()) for page in text_of(response.data, tmp_path))
    assert ORIGINAL in printed and ENGLISH in printed and "Progress narrative in the original language" in printed


def test_an_entry_without_original_texts_keeps_no_language(app, users, auth, client):
    report = fill_report(report_of(make_round(), "RS"))
    entry = report.entries[0]
    auth.login("coordinator_rs")
    # A language chosen but no text written: nothing of the original is kept.
    assert client.post(f"/reports/{report.id}/entries/{entry.id}",
                       data=_form(entry, original_language="sr")).status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(sa.select(Entry).where(Entry.id == entry.id))
    assert entry.original_language == "" and entry.original_texts == {}
    assert entry_fields.originals(entry_fields.values_of(entry)) == []

"""Key progress written, not cut (issue 15, item 3): the party's summary, the reviewer's edited
version, and — where neither exists — the narrative's whole sentences; never a cut mid-word,
mid-sentence or inside Markdown."""
from __future__ import annotations

import re

import pytest

from ctportal.models import EntryReview, db
from ctportal.services.editions import content, key_progress
from ctportal.services.reporting.completeness import missing_items
from ctportal.services.review import reviews
from tests.factories import approve, fill_report, make_round, report_of, submit

LONG = ("The ministry adopted the strategy in March, which met **the standards of the FATF and of "
        "MONEYVAL in every respect that the evaluators had named.** Then the police trained 300 officers. "
        "A third sentence follows with many more words about cooperation with the neighbours and the region, "
        "and it goes on and on. A fourth one.")
ENDS_WHOLE = re.compile(r"[.!?…][\"”»’)]*$")


@pytest.mark.parametrize("narrative", [
    LONG,
    "- First item of a list\n- Second item, with *emphasis across\n  lines*\n\nA closing paragraph. And more.",
    "One very long sentence " + "with many words " * 60 + "that ends here.",
    "# Heading\n\nA [link](https://example.eu) in a sentence. | a | b |\n|---|---|\n| 1 | 2 |",
])
def test_the_fallback_never_cuts_a_sentence_a_word_or_the_markdown(narrative):
    text = key_progress.whole_sentences(narrative)
    assert text and "**" not in text and "](" not in text and "<" not in text
    plain = " ".join(" ".join(b for b in key_progress._plain_blocks(narrative)).split())
    assert plain.startswith(text)  # a prefix of the text as read ...
    rest = plain[len(text):]
    assert rest == "" or rest.startswith(" ")  # ... that ends at a word's end ...
    # ... and at a sentence's end (or a paragraph's, a list item's)
    assert ENDS_WHOLE.search(text) or any(text.endswith(b) for b in key_progress._plain_blocks(narrative))


def test_the_old_cut_at_60_words_is_gone():
    text = key_progress.whole_sentences(LONG, words=35)
    assert text.endswith("officers.") and "…" not in text
    assert key_progress.key_progress({"narrative": LONG, "summary": "Strategy adopted."}) == "Strategy adopted."
    assert key_progress.key_progress({"narrative": LONG, "summary": "Strategy adopted."}, "Edited.") == "Edited."


def test_a_long_narrative_needs_a_summary_before_submitting(app, users):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    entry = report.entries[0]
    entry.narrative = "Word. " * 400
    db.session.commit()
    problems = [m for m in missing_items(report) if m.key == entry.key]
    assert [m.field for m in problems] == ["summary"] and "longer than 1,500 characters" in problems[0].message
    entry.summary = "The strategy was adopted."
    db.session.commit()
    assert not [m for m in missing_items(report) if m.key == entry.key]


def test_the_reviewer_edits_the_printed_summary_and_the_party_sees_it(app, users, auth, client):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), "Progress was made on {key}. More details follow here.")
    entry = report.entries[0]
    entry.summary = "Our own summary."
    db.session.commit()
    submit(report, users.coordinator_al)
    auth.login("reviewer")
    page = client.post(f"/review/reports/{report.id}/entries/{entry.id}",
                       data={"verdict": "accepted", "assessment": "", "note": "",
                             "report_summary": "The Commission's   wording.", "revision_id": report.revisions[-1].id})
    assert page.status_code == 302
    auth.logout()
    auth.login("coordinator_al")
    feedback = client.get(f"/reports/{report.id}/feedback").data.decode()
    assert "The Commission&#39;s wording." in feedback and "Our own summary." in feedback
    approve(report, users.reviewer)
    data = content.load_round(rnd)
    objective = next(o for o in data.objectives if o.number == entry.action.objective.number)
    rows = {a["code"]: a["rows"] for a in content.objective_context(data, objective)["actions"]}
    assert rows[entry.action.code][0]["progress"] == "The Commission's wording."
    other = report.entries[1]
    assert rows[other.action.code][0]["progress"] == f"Progress was made on {other.key}. More details follow here."


def test_a_resubmitted_entry_keeps_the_edited_summary_only_while_the_partys_is_unchanged(app, users):
    rnd = make_round()
    report = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    first, second = report.entries[0], report.entries[1]
    for e in (first, second):
        reviews.save_entry_review(report, e, users.reviewer, verdict=None, assessment=None, note="",
                                  report_summary="Edited.")
    db.session.commit()
    from tests.factories import request_changes
    request_changes(report, users.reviewer)
    second.summary = "A new summary."
    db.session.commit()
    submit(report, users.coordinator_al)
    kept = {r.entry_key: r.report_summary for r in db.session.query(EntryReview).filter_by(
        revision_id=report.revisions[-1].id)}
    assert kept[first.key] == "Edited." and kept[second.key] == ""

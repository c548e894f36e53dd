"""What "answered" means is one rule: the progress counts (Python and SQL) and the submit check agree."""
from __future__ import annotations

from ctportal.models import EntryStatus, db
from ctportal.services.reporting.completeness import missing_items
from ctportal.services.reporting.progress import entry_is_answered, progress_counts, unanswered_field
from tests.factories import make_round, report_of

CASES = [  # (status, narrative, justification, the field still missing)
    (None, "Done.", "", "status"),
    (EntryStatus.in_progress, "", "", "narrative"),
    (EntryStatus.in_progress, "   ", "", "narrative"),
    (EntryStatus.in_progress, "Done.", "", None),
    (EntryStatus.not_applicable, "Some text", "", "na_justification"),
    (EntryStatus.not_applicable, "", "  ", "na_justification"),
    (EntryStatus.not_applicable, "", "No such body exists.", None),
]


def test_every_screen_counts_the_same_entries_as_answered(app, users):
    report = report_of(make_round(), "AL")
    entries = report.entries[:len(CASES)]
    for entry, (status, narrative, justification, _) in zip(entries, CASES, strict=False):
        entry.status, entry.narrative, entry.na_justification = status, narrative, justification
    for entry in report.entries[len(CASES):]:
        entry.status, entry.narrative = EntryStatus.achieved, "Done."
    db.session.commit()

    assert [unanswered_field(e) for e in entries] == [case[3] for case in CASES]
    expected_answered = len(report.entries) - sum(1 for case in CASES if case[3] is not None)
    assert sum(1 for e in report.entries if entry_is_answered(e)) == expected_answered
    assert progress_counts([report.id])[report.id] == (expected_answered, len(report.entries))
    missing = {item.entry_id: item.field for item in missing_items(report)}
    assert missing == {e.id: case[3] for e, case in zip(entries, CASES, strict=False) if case[3] is not None}

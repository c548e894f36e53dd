"""What changed between two revisions is kept per process (issue 14: reviews.changed_between), and the
review page of a resubmission reads it without decoding the previous revision's snapshot again."""
from __future__ import annotations

import re

from ctportal.models import db
from ctportal.services.reporting import revisions
from ctportal.services.review import reviews as review
from tests.factories import fill_report, make_round, report_of, request_changes, submit
from tests.test_page_queries import counting


def _resubmitted(users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    request_changes(report, users.reviewer)
    report.entries[1].narrative = "Corrected after the Commission's request."
    db.session.commit()
    return submit(report, users.coordinator_al)


def test_the_changed_keys_are_kept_by_revision_ids_and_hashes(app, users):
    report = _resubmitted(users)
    latest = revisions.latest_revision(report)
    before = review.previous_revision(latest)
    changed = review.changed_between(before, latest)
    assert changed == {report.entries[1].key}
    assert review.changed_between(before, latest) is changed           # kept, not worked out again
    assert review.changed_since_previous(latest) == set(changed)
    # Another pair (the same ids in a database filled again would come with other hashes) is not it.
    latest.snapshot_sha256 = "0" * 64
    assert review.changed_between(before, latest) is not changed


def test_a_resubmission_page_reads_the_previous_snapshot_once_per_process(app, users, client, auth):
    report = _resubmitted(users)
    key = report.entries[1].key
    auth.login("reviewer")
    first = client.get(f"/review/reports/{report.id}?show=changed").get_data(as_text=True)
    assert f">{key}</a>" in first and f">{report.entries[2].key}</a>" not in first
    db.session.expire_all()
    with counting() as statements:
        again = client.get(f"/review/reports/{report.id}?show=changed").get_data(as_text=True)
    assert f">{key}</a>" in again
    # The previous revision is asked for (its number, for "changed since revision 1"), not its snapshot.
    previous = [s for s in statements if "revision.number <" in s]
    assert len(previous) == 1 and not re.search(r"revision\.snapshot(?!_sha256)", previous[0]), previous
    # Nor is it loaded afterwards: what changed is kept (a deferred snapshot's load selects it alone).
    assert not [s for s in statements if re.match(r"SELECT revision\.snapshot\s+FROM", s)], statements

"""One "previous round" (services/reporting/previous.py) behind the review page, the progress map, the PDF
summary and copy-forward.

Three rounds whose order of creation, of opening and of approval all differ from the order of their
reporting periods — each of the old rules followed one of those orders and picked a different round.
"""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from ctportal.infra import storage
from ctportal.models import CompiledReport, CompileState, Entry, EntryStatus, Report, Round, db, utcnow
from ctportal.services.desk import progress_map
from ctportal.services.editions import content
from ctportal.services.editions import editions as compile_service
from ctportal.services.reporting import completeness
from ctportal.services.reporting.previous import previous_round, previous_round_revision
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_compile import pdftext

YEARS = {"one": 2024, "two": 2025, "three": 2026}


def _round(name: str, opened_days_ago: int) -> Round:
    rnd = make_round(f"Round {name}", document_number=f"ST {YEARS[name]}")
    rnd.period_start, rnd.period_end = dt.date(YEARS[name] - 1, 7, 1), dt.date(YEARS[name], 6, 30)
    rnd.opened_at = utcnow() - dt.timedelta(days=opened_days_ago)
    db.session.commit()
    return rnd


def _approved(rnd: Round, code: str, who, reviewer, status: EntryStatus) -> Report:
    report = fill_report(report_of(rnd, code), f"Text of round {rnd.title.split()[-1]} for {{key}}", status=status)
    # A status lower than the previous round's approved one is explained (issue 18, item 5).
    before = completeness.previous_statuses(report)
    for entry in report.entries:
        if completeness.lower_status(entry, before.get(entry.key)):
            entry.lower_status_reason = "The measure was suspended."
    db.session.commit()
    submit(report, who)
    return approve(report, reviewer)


def test_every_screen_and_the_pdf_compare_against_the_same_previous_round(app, users, auth, client, tmp_path):
    # Created three, one, two; opened two, one, three; the periods run one, two, three.
    three = _round("three", opened_days_ago=0)
    one = _round("one", opened_days_ago=200)
    two = _round("two", opened_days_ago=300)
    assert previous_round(three).id == two.id and previous_round(two).id == one.id and previous_round(one) is None

    # Serbia: round two approved first, round one approved last (the most recent approval is the oldest round).
    _approved(two, "RS", users.coordinator_rs, users.reviewer, EntryStatus.in_progress)
    _approved(one, "RS", users.coordinator_rs, users.reviewer, EntryStatus.achieved)
    # Albania: approved in every round; in round three one action moved on.
    _approved(one, "AL", users.coordinator_al, users.reviewer, EntryStatus.achieved)
    al_two = _approved(two, "AL", users.coordinator_al, users.reviewer, EntryStatus.in_progress)
    al = fill_report(report_of(three, "AL"), "Text of round three for {key}", status=EntryStatus.in_progress)
    moved = al.entries[0]
    moved.status = EntryStatus.achieved
    db.session.commit()
    submit(al, users.coordinator_al)
    assert previous_round_revision(al).id == al_two.approved_revision_id

    # The review page compares with round two.
    auth.login("reviewer")
    page = client.get(f"/review/reports/{al.id}/entries/{moved.id}").get_data(as_text=True)
    assert "Compared with the approved report of Round two." in page
    assert "<del>two</del><ins>three</ins>" in page
    approve(db.session.get(Report, al.id), users.reviewer)

    # The progress map across rounds: round two is the one before, and only the moved action moved.
    view = progress_map.across_rounds(three, users.reviewer)
    assert [r.title for r in view.rounds] == ["Round one", "Round two", "Round three"]
    assert view.previous.id == two.id
    albania = next(m for m in view.movements if m.party.code == "AL")
    assert albania.count("up") == 1 and albania.count("down") == 0
    page = client.get(f"/progress/rounds/{three.id}/across").get_data(as_text=True)
    assert "▲ 1 further" in page
    auth.logout()

    # The PDF summary: compared with round two, Albania's one move.
    summary = content.summary_context(content.load_round(three))
    assert summary["previous_round"] == "Round two"
    changes = {c["party"]: c for c in summary["changes"]}
    assert changes["Albania"]["compared"] and [m["code"] for m in changes["Albania"]["moves"]] == [moved.key]
    edition = compile_service.start_compile(three, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    printed = re.sub(r"\s+", " ", " ".join(pdftext(storage.path_for("compiled", edition.stored_name))))
    assert "Compared with the approved reports of “Round two”." in printed
    assert re.search(rf"{re.escape(moved.key)} In progress Achieved", printed)

    # Copy-forward into Serbia's fresh draft of round three takes round two, not the last approved (round one).
    rs = report_of(three, "RS")
    auth.login("contributor_rs")
    overview = client.get(f"/reports/{rs.id}").get_data(as_text=True)
    assert "Copy your approved report of “Round two”" in overview
    assert client.post(f"/reports/{rs.id}/copy-previous").status_code == 302
    db.session.expire_all()
    first = db.session.scalar(sa.select(Entry).where(Entry.report_id == rs.id).order_by(Entry.position).limit(1))
    assert first.narrative == f"Text of round two for {first.key}" and first.status == EntryStatus.in_progress


def test_a_draft_never_starts_from_a_later_round(app, users, auth, client):
    two = _round("two", opened_days_ago=300)
    three = _round("three", opened_days_ago=0)
    _approved(three, "AL", users.coordinator_al, users.reviewer, EntryStatus.achieved)
    draft = report_of(two, "AL")
    assert previous_round_revision(draft) is None
    auth.login("contributor_al")
    assert "Copy the last approved report" not in client.get(f"/reports/{draft.id}").get_data(as_text=True)
    response = client.post(f"/reports/{draft.id}/copy-previous", follow_redirects=True)
    assert "There is no approved report of the previous round" in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(not e.narrative for e in db.session.get(Report, draft.id).entries)


def test_the_previous_round_is_one_round_not_the_last_one_each_party_was_approved_in(app, users):
    one = _round("one", opened_days_ago=400)
    two = _round("two", opened_days_ago=300)
    three = _round("three", opened_days_ago=0)
    _approved(one, "AL", users.coordinator_al, users.reviewer, EntryStatus.achieved)
    # Albania was not approved in round two: round three has nothing to compare it with, anywhere.
    al = submit(fill_report(report_of(three, "AL")), users.coordinator_al)
    assert previous_round(three).id == two.id
    assert previous_round_revision(al) is None
    approve(al, users.reviewer)
    changes = {c["party"]: c for c in content.summary_context(content.load_round(three))["changes"]}
    assert changes["Albania"]["compared"] is False
    view = progress_map.across_rounds(three, users.reviewer)
    assert view.previous.id == two.id

"""Recommendations followed up (issue 15, item 2): a recommendation the Commission addressed to a
party becomes, in that party's next report, an item the party answers; the reviewer reads the
answer in the submitted revision; the next edition prints each recommendation with its follow-up."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.infra import storage
from ctportal.models import Assessment, FollowUp, FollowUpStatus, db
from ctportal.services.desk import rounds as round_service
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.completeness import missing_items
from ctportal.services.review import judgement
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_judgement import _compile
from tests.test_pdf_compile import pdftext

REC1 = "Adopt the national strategy on countering violent extremism FU-7c1"
REC2 = "Staff the financial intelligence unit FU-7c2"


def _previous_round(users, *, approve_text=True, compile_it=True, close=True):
    """A round of 2024-25 whose approved assessment of Albania carries two recommendations."""
    rnd = make_round("Progress report 2025", document_number="ST 1/25")
    rnd.period_start, rnd.period_end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    db.session.commit()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    text = judgement.save(rnd, judgement.slot_of(rnd, "party-AL"), users.reviewer, body="Albania advanced.",
                          assessment=Assessment.some_progress,
                          recommendations=[judgement.RecommendationInput(REC1, ["1.P1"]),
                                           judgement.RecommendationInput(REC2, ["3.P2", "4.P1"])])
    db.session.commit()
    if approve_text:
        judgement.approve(rnd, text, users.secretariat, version=text.version)
        db.session.commit()
    if compile_it:
        _compile(rnd, users)
    if close:
        round_service.close_round(rnd, users.secretariat)
        db.session.commit()
    return rnd


def _items(report):
    return [(f.number, f.recommendation, f.action_codes) for f in follow_ups.of_report(report)]


def test_a_published_recommendation_becomes_a_follow_up_item_of_that_party_only(app, users):
    _previous_round(users)
    rnd = make_round()
    assert _items(report_of(rnd, "AL")) == [(1, REC1, ["1.P1"]), (2, REC2, ["3.P2", "4.P1"])]
    for code in ("RS", "ME", "XK"):
        assert _items(report_of(rnd, code)) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 2


@pytest.mark.parametrize("kw", [{"approve_text": False}, {"compile_it": False}, {"close": False}],
                         ids=["text-not-approved", "no-edition", "round-not-closed"])
def test_a_recommendation_no_final_edition_published_is_not_followed_up(app, users, kw):
    _previous_round(users, **kw)
    assert _items(report_of(make_round(), "AL")) == []


def test_an_open_report_gets_its_items_when_the_previous_round_becomes_final(app, users):
    before = _previous_round(users, close=False)
    rnd = make_round()
    assert _items(report_of(rnd, "AL")) == []
    round_service.close_round(before, users.secretariat)
    db.session.commit()
    assert [n for n, _, _ in _items(report_of(rnd, "AL"))] == [1, 2]
    # Idempotent: becoming final "again" (another edition) adds nothing.
    assert follow_ups.add_after_final(before) == 0


def test_the_party_answers_the_reviewer_reads_the_answer_and_the_next_edition_prints_it(app, users, auth, client):
    _previous_round(users)
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    first, second = follow_ups.of_report(report)
    # Unanswered items keep the report from being submitted, each named with a link to its page.
    missing = [m for m in missing_items(report) if m.follow_up_id]
    assert [(m.follow_up_id, m.field) for m in missing] == [(first.id, "status"), (second.id, "status")]
    auth.login("coordinator_al")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Follow-up of the recommendations (2)" in page and REC1 in page
    assert f"/reports/{report.id}/follow-ups/{first.id}#status" in client.get(f"/reports/{report.id}/submit").get_data(
        as_text=True)
    page = client.get(f"/reports/{report.id}/follow-ups/{first.id}").get_data(as_text=True)
    assert REC1 in page and "Progress report 2025" in page and 'name="status"' in page
    answer = client.post(f"/reports/{report.id}/follow-ups/{first.id}", data={
        "status": "partly_implemented", "narrative": "The strategy was adopted by the **government** FU-ans1.",
        "version": str(first.version)})
    assert answer.status_code == 302
    client.post(f"/reports/{report.id}/follow-ups/{second.id}", data={
        "status": "no_longer_relevant", "narrative": "The unit was merged FU-ans2.", "version": str(second.version)})
    db.session.expire_all()
    assert follow_ups.of_report(report)[0].status == FollowUpStatus.partly_implemented
    assert [m for m in missing_items(report) if m.follow_up_id] == []
    auth.logout()
    submit(report, users.coordinator_al)
    snap = report.revisions[-1].snapshot["follow_ups"]
    assert [(f["number"], f["status"], f["round_title"]) for f in snap] == [
        (1, "partly_implemented", "Progress report 2025"), (2, "no_longer_relevant", "Progress report 2025")]
    auth.login("reviewer")
    review = client.get(f"/review/reports/{report.id}").get_data(as_text=True)
    assert "FU-ans1" in review and "<strong>government</strong>" in review and "Partly implemented" in review
    # The draft's item page sends the Commission to the revision, as the entry pages do.
    assert client.get(f"/reports/{report.id}/follow-ups/{first.id}").status_code == 302
    auth.logout()
    approve(report, users.reviewer)
    pages = pdftext(storage.path_for("compiled", _compile(rnd, users).stored_name))
    text = "\n".join(" ".join(p.split()) for p in pages)
    assert "Follow-up of the previous round's recommendations" in text
    assert "FU-7c1" in text and "Partly implemented." in text and "FU-ans1" in text and "No longer relevant." in text
    contents = " ".join(pages[1].split())
    assert "Follow-up of the previous round's recommendations" in contents


def test_an_answer_refused_names_its_field_and_keeps_what_was_typed(app, users, auth, client):
    _previous_round(users)
    report = report_of(make_round(), "AL")
    item = follow_ups.of_report(report)[0]
    auth.login("contributor_al")
    answer = client.post(f"/reports/{report.id}/follow-ups/{item.id}", data={
        "status": "implemented", "narrative": "Done <script>x</script> FU-kept", "version": str(item.version)})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "What was done" in page and "HTML is not accepted" in page
    assert "FU-kept" in page
    stale = client.post(f"/reports/{report.id}/follow-ups/{item.id}", data={
        "status": "implemented", "narrative": "Late FU-late", "version": str(item.version + 5)})
    assert stale.status_code == 409 and "FU-late" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert follow_ups.of_report(report)[0].narrative == ""


def test_no_other_party_reaches_an_item_and_a_submitted_report_is_read_only(app, users, auth, client):
    _previous_round(users)
    report = report_of(make_round(), "AL")
    item = follow_ups.of_report(report)[0]
    url = f"/reports/{report.id}/follow-ups/{item.id}"
    missing = client.get(f"/reports/{report.id}/follow-ups/999999")
    for who in ("coordinator_rs", "reporter_europol"):
        auth.login(who)
        got = client.get(url)
        assert got.status_code == 404 and got.data == client.get(f"/reports/{report.id}/follow-ups/999999").data
        assert client.post(url, data={"status": "implemented", "narrative": "x"}).status_code == 404
        auth.logout()
    assert missing.status_code == 302  # signed out: the sign-in page
    auth.login("coordinator_al")
    # An item of another report is 404 through this one, as a missing one.
    assert client.get(f"/reports/{report_of(report.round, 'RS').id}/follow-ups/{item.id}").status_code == 404
    assert db.session.get(FollowUp, item.id).narrative == ""
    # Submitted, the report is read-only: the item page shows the answer, without a form.
    fill_report(report)
    for each in follow_ups.of_report(report):
        each.status, each.narrative = FollowUpStatus.implemented, "Done FU-done."
    db.session.commit()
    submit(report, users.coordinator_al)
    page = client.get(url).get_data(as_text=True)
    assert "FU-done" in page and 'name="status"' not in page and "Implemented" in page
    assert client.post(url, data={"status": "not_implemented", "narrative": "x"}).status_code == 403

"""Reviewing safely (issue 13, items 5–8): each test attacks the behaviour the issue found."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ctportal.models import Comment, db
from tests.factories import fill_report, make_round, report_of, submit


@pytest.fixture
def report(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


def _flashes(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


# --- item 6: who sees a comment is a choice -------------------------------------------------------

def test_a_commission_comment_without_a_visibility_choice_is_refused_naming_the_field(report, users, auth, client):
    entry = report.entries[0]
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").data.decode()
    radios = [tag for tag in re.findall(r"<input[^>]*>", page) if 'type="radio"' in tag and 'name="visibility"' in tag]
    assert radios and not any("checked" in r for r in radios), "a visibility is preselected"
    response = client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                           data={"body": "An internal remark, one missed click from the party."},
                           follow_redirects=True)
    assert "Who sees it" in _flashes(response.data) and "Choose who sees it" in _flashes(response.data)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.is_system.is_(False))) == 0


def test_every_shared_comment_is_labelled_with_the_party_it_is_shared_with(report, users, auth, client):
    entry = report.entries[0]
    auth.login("reviewer")
    for visibility, body in (("shared", "Please add the dates."), ("internal", "Between us: figures look off.")):
        client.post(f"/reports/{report.id}/entries/{entry.id}/comments", data={"body": body, "visibility": visibility})
    shared = db.session.scalar(sa.select(Comment).where(Comment.body == "Please add the dates."))
    internal = db.session.scalar(sa.select(Comment).where(Comment.body.like("Between us%")))
    for key in ("reviewer", "coordinator_al"):
        auth.logout()
        auth.login(key)
        page = client.get(f"/reports/{report.id}/entries/{entry.id}/comments").data.decode()
        block = page.split(f'id="comment-{shared.id}"')[1].split("comment-text")[0]
        assert "Shared with Albania" in block, key
    auth.logout()
    auth.login("reviewer")
    page = client.get(f"/reports/{report.id}/entries/{entry.id}/comments").data.decode()
    assert "Internal — Commission only" in page.split(f'id="comment-{internal.id}"')[1].split("comment-text")[0]


# --- item 5: approval goes through a confirmation that states what is approved --------------------

def _token(html: bytes) -> str:
    return re.search(r'name="confirmed" type="hidden" value="([0-9a-f]+)"', html.decode()).group(1)


def test_one_click_approval_at_0_of_n_reviewed_is_refused(report, users, auth, client):
    auth.login("reviewer")
    # The old report page's form: a POST with only the state version.
    response = client.post(f"/review/reports/{report.id}/approve", data={"state_version": report.state_version})
    assert response.status_code == 409 and b"confirmation page" in response.data
    db.session.refresh(report)
    assert report.state.value == "submitted"


def _decision(client, report) -> str:
    return _flashes(client.get(f"/review/reports/{report.id}").data).split('id="decide"')[1].split("</section>")[0]


def test_while_entries_have_no_verdict_approve_is_neither_green_nor_first(report, users, auth, client):
    from ctportal.models import Verdict
    from ctportal.services.review.reviews import save_entry_review
    auth.login("reviewer")
    decision = _decision(client, report)
    assert "btn-success" not in decision.split("Approve revision")[0][-200:]
    assert decision.index("Request changes") < decision.index("Approve revision")
    assert f"{len(report.entries)} of {len(report.entries)} entries have no verdict yet" in decision
    # Once every entry has its verdict, Approve is the first, green button.
    for entry in report.entries:
        save_entry_review(report, entry, users.reviewer, verdict=Verdict.accepted, assessment=None, note="")
    db.session.commit()
    decision = _decision(client, report)
    assert 'class="btn btn-success" href' in decision.split("Approve revision")[0][-120:]
    assert decision.index("Approve revision") < decision.index("Request changes")
    assert "have no verdict yet" not in decision


def test_the_confirmation_states_reviewed_not_reviewed_and_needing_revision_then_approves(report, users, auth,
                                                                                        client):
    from ctportal.models import Verdict
    from ctportal.services.review.reviews import save_entry_review
    for entry in report.entries[:2]:
        save_entry_review(report, entry, users.reviewer, verdict=Verdict.accepted, assessment=None, note="")
    db.session.commit()
    total = len(report.entries)
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/approve")
    text = _flashes(page.data)
    assert page.status_code == 200
    assert re.search(rf'id="approve-reviewed">2 of {total}<', text)
    assert re.search(rf'id="approve-not-reviewed">{total - 2}:', text)
    assert 'id="approve-needing">0<' in text and f"{total - 2} of {total} entries have no verdict" in text
    response = client.post(f"/review/reports/{report.id}/approve",
                           data={"state_version": report.state_version, "confirmed": _token(page.data)})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.state.value == "approved"


def test_approval_is_refused_on_its_page_while_an_entry_needs_revision(report, users, auth, client):
    from ctportal.models import Verdict
    from ctportal.services.review.reviews import save_entry_review
    from ctportal.services.review.workflow import Step, confirmation_token
    key = report.entries[3].key
    save_entry_review(report, report.entries[3], users.reviewer, verdict=Verdict.needs_revision, assessment=None,
                      note="")
    db.session.commit()
    auth.login("reviewer")
    page = _flashes(client.get(f"/review/reports/{report.id}/approve").data)
    assert "Approval is refused" in page and key in page and 'name="confirmed"' not in page
    # Even with the summary's token, the workflow refuses, naming the entry.
    response = client.post(f"/review/reports/{report.id}/approve",
                           data={"state_version": report.state_version,
                                 "confirmed": confirmation_token(report, Step.approve, users.reviewer)})
    assert response.status_code == 409 and key in _flashes(response.data)
    db.session.refresh(report)
    assert report.state.value == "submitted"
    # On the report page Approve is no green button, and Request changes comes first.
    decision = _flashes(client.get(f"/review/reports/{report.id}").data).split('id="decide"')[1].split("</section>")[0]
    assert "btn-success" not in decision.split("Approve")[0] + decision.split("Approve")[1][:80]
    assert decision.index("Request changes") < decision.index("Approve")


def test_a_summary_changed_since_the_page_was_read_must_be_read_again(report, users, auth, client):
    from ctportal.models import Verdict
    from ctportal.services.review.reviews import save_entry_review
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/approve")
    save_entry_review(report, report.entries[0], users.reviewer2, verdict=Verdict.accepted, assessment=None, note="")
    db.session.commit()
    response = client.post(f"/review/reports/{report.id}/approve",
                           data={"state_version": report.state_version, "confirmed": _token(page.data)})
    assert response.status_code == 409 and "changed since the confirmation page" in _flashes(response.data)


def test_the_confirmation_warns_when_the_report_is_assigned_to_another_reviewer(report, users, auth, client):
    report.assigned_reviewer_id = users.reviewer2.id
    db.session.commit()
    auth.login("reviewer")
    page = _flashes(client.get(f"/review/reports/{report.id}/approve").data)
    assert 'id="approve-assigned"' in page and "assigned to <strong>Reviewer2</strong>, not to you" in page
    auth.logout()
    auth.login("reviewer2")
    assert 'id="approve-assigned"' not in _flashes(client.get(f"/review/reports/{report.id}/approve").data)


# --- item 8: submission and resubmission through a confirmation; deleting a document asks first ----

def test_a_one_click_submission_is_refused_and_the_overview_offers_the_confirmation_page(app, users, auth, client):
    report = fill_report(report_of(make_round(), "AL"))
    auth.login("coordinator_al")
    overview = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f'action="/reports/{report.id}/submit"' not in overview  # no form that submits at once
    assert f'href="/reports/{report.id}/submit"' in overview
    # The old overview's form: a POST with only the state version.
    response = client.post(f"/reports/{report.id}/submit", data={"state_version": str(report.state_version)})
    assert response.status_code == 409 and "confirmation page" in _flashes(response.data)
    db.session.refresh(report)
    assert report.state.value == "draft" and not report.revisions
    page = _flashes(client.get(f"/reports/{report.id}/submit").data)
    assert f'id="submit-entries">{len(report.entries)}, every one answered' in page
    assert 'id="submit-documents">0<' in page and "Note to the Commission" not in page  # first submission


def test_an_entry_edited_after_the_summary_was_read_must_be_confirmed_again(app, users, auth, client):
    from tests.helpers import confirmation_form
    report = fill_report(report_of(make_round(), "AL"))
    auth.login("coordinator_al")
    data = confirmation_form(client, f"/reports/{report.id}/submit")
    report.entries[0].narrative = "Changed in another tab after the summary was read."
    db.session.commit()
    response = client.post(f"/reports/{report.id}/submit", data=data)
    assert response.status_code == 409 and "changed since the confirmation page" in _flashes(response.data)
    db.session.refresh(report)
    assert report.state.value == "draft"


def test_a_resubmission_states_what_changed_and_carries_a_note_shown_on_the_review_page(app, users, auth, client):
    from ctportal.models import Verdict
    from ctportal.services.review.reviews import save_entry_review
    from tests.factories import request_changes
    from tests.helpers import confirmation_form
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    first, second = report.entries[0], report.entries[1]
    for entry in (first, second):
        save_entry_review(report, entry, users.reviewer, verdict=Verdict.needs_revision, assessment=None, note="")
    db.session.commit()
    request_changes(report, users.reviewer)
    first.narrative = "Revised: the dates of both trainings."
    db.session.commit()
    auth.login("coordinator_al")
    page = _flashes(client.get(f"/reports/{report.id}/submit").data)
    assert f'id="submit-changed">1: {first.key}<' in page
    assert f'id="submit-asked">2: {first.key}, {second.key}<' in page
    assert "Not changed although the Commission asked to revise it" in page and second.key in page
    note = "We added the dates to 1.P1; <b>2.P2</b> stays as it was, see our reply."
    data = confirmation_form(client, f"/reports/{report.id}/submit")
    too_long = client.post(f"/reports/{report.id}/submit", data=dict(data, note="x" * 5001))
    assert too_long.status_code == 422 and "Note to the Commission" in _flashes(too_long.data) \
        and "under 5,000 characters" in _flashes(too_long.data)
    assert client.post(f"/reports/{report.id}/submit", data=dict(data, note=note)).status_code == 302
    db.session.refresh(report)
    assert report.state.value == "submitted" and report.revisions[-1].note == note
    auth.logout()
    auth.login("reviewer")
    review_page = client.get(f"/review/reports/{report.id}").get_data(as_text=True)
    assert "We added the dates to 1.P1; &lt;b&gt;2.P2&lt;/b&gt; stays as it was" in review_page


def _upload(client, report, entry=None):
    from tests.access.world import MINIMAL_PDF
    url = (f"/reports/{report.id}/entries/{entry.id}/documents/upload" if entry
           else f"/reports/{report.id}/documents/upload")
    return client.post(url, data={"file": (__import__("io").BytesIO(MINIMAL_PDF), "minutes.pdf"),
                                  "sensitivity": "limite"}, content_type="multipart/form-data")


def test_deleting_a_document_asks_first_and_returns_to_where_the_user_was(app, users, auth, client):
    from ctportal.models import Document
    report = report_of(make_round(), "AL")
    entry = report.entries[2]
    auth.login("contributor_al")
    _upload(client, report, entry)
    doc = db.session.scalar(sa.select(Document))
    entry_page = client.get(f"/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    assert f'action="/reports/{report.id}/documents/{doc.id}/delete"' not in entry_page  # no one-click delete
    link = html_unescape(re.search(rf'href="(/reports/{report.id}/documents/{doc.id}/delete[^"]*)"',
                                   entry_page).group(1))
    ask = client.get(link)
    assert ask.status_code == 200 and "Delete “minutes.pdf”?" in ask.get_data(as_text=True)
    assert db.session.get(Document, doc.id).deleted_at is None  # asking deletes nothing
    back = re.search(r'name="next" value="([^"]+)"', _main(ask.get_data(as_text=True))).group(1)
    assert html_unescape(back) == f"/reports/{report.id}/entries/{entry.id}#documents"
    done = client.post(f"/reports/{report.id}/documents/{doc.id}/delete", data={"next": html_unescape(back)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/entries/{entry.id}#documents")
    assert db.session.get(Document, doc.id).deleted_at is not None


def test_the_delete_page_never_returns_off_site(app, users, auth, client):
    from ctportal.models import Document
    report = report_of(make_round(), "AL")
    auth.login("contributor_al")
    _upload(client, report)
    doc = db.session.scalar(sa.select(Document))
    page = client.get(f"/reports/{report.id}/documents/{doc.id}/delete?next=//evil.example/x").get_data(as_text=True)
    # The page's own forms (the header's language switcher keeps this page's own path, a same-site one).
    assert "evil.example" not in _main(page)
    done = client.post(f"/reports/{report.id}/documents/{doc.id}/delete", data={"next": "https://evil.example/"})
    assert "evil.example" not in done.headers["Location"]


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def html_unescape(text: str) -> str:
    import html
    return html.unescape(text)


# --- item 7: the party sees "Needs revision" with the Commission's shared comment, at the top -----

def _sent_back_with_one_entry_to_revise(report, users):
    from ctportal.models import Verdict, Visibility
    from ctportal.services.review.comments import post_comment
    from ctportal.services.review.reviews import save_entry_review
    from tests.factories import request_changes
    entry = report.entries[4]
    save_entry_review(report, entry, users.reviewer, verdict=Verdict.needs_revision, assessment=None,
                      note="Internal note: weak.")
    post_comment(report, users.reviewer, "Please give the dates of the trainings.", visibility=Visibility.shared,
                 entry=entry)
    post_comment(report, users.reviewer, "Between us: inflated figures.", visibility=Visibility.internal, entry=entry)
    db.session.commit()
    request_changes(report, users.reviewer)
    return entry


def test_the_action_page_says_needs_revision_with_the_shared_comment_at_the_top(report, users, auth, client):
    entry = _sent_back_with_one_entry_to_revise(report, users)
    auth.login("contributor_al")
    page = client.get(f"/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    assert "Needs revision" in page and "Please give the dates of the trainings." in page
    top = page.index("Please give the dates of the trainings.")
    assert top < page.index('class="entry-form"'), "the comment is not above the form"
    assert "inflated" not in page and "Internal note" not in page
    other = client.get(f"/reports/{report.id}/entries/{report.entries[5].id}").get_data(as_text=True)
    assert "The Commission asks you to revise this action" not in other


def test_the_overview_and_the_home_page_list_the_actions_to_revise(report, users, auth, client):
    entry = _sent_back_with_one_entry_to_revise(report, users)
    auth.login("coordinator_al")
    overview = _flashes(client.get(f"/reports/{report.id}").data)
    assert "Actions to revise (1)" in overview
    assert f'href="/reports/{report.id}/entries/{entry.id}"' in overview.split("Actions to revise")[1][:600]
    home = _flashes(client.get("/home").data)
    assert "Actions to revise (1)" in home and f'/reports/{report.id}/entries/{entry.id}' in home
    assert "inflated" not in overview + home and "Internal note" not in overview + home

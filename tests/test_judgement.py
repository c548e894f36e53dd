"""The Commission's texts of a round (issue 15, item 1): written and approved in the portal, in the
consolidated PDF, and internal to the Commission until the final edition that carries them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import (Assessment, CompiledReport, CompiledReportText, CompileState, RoundState, TextState,
                             db)
from ctportal.services.editions import editions as compile_service
from ctportal.services.review import judgement
from ctportal.infra import storage
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_compile import pdftext

CANARY = "CANARY-JUDGEMENT-7f3a"


def _write(rnd, key, who, body, **kw):
    slot = judgement.slot_of(rnd, key)
    text = judgement.save(rnd, slot, who, body=body, **kw)
    db.session.commit()
    return text


def _texts(rnd, users):
    """Every kind of text, each with a canary, approved by a second person."""
    texts = [
        _write(rnd, "introduction", users.secretariat, f"The **introduction** {CANARY}-intro."),
        _write(rnd, "objective-3", users.reviewer, f"Cooperation improved {CANARY}-obj3.",
               assessment=Assessment.some_progress),
        _write(rnd, "party-AL", users.reviewer, f"Albania advanced {CANARY}-al.", assessment=Assessment.backsliding,
               recommendations=[judgement.RecommendationInput(f"Adopt the strategy {CANARY}-rec1", ["1.P1"]),
                                judgement.RecommendationInput("Staff the unit", ["3.P2", "4.P1"])]),
        _write(rnd, "conclusions", users.secretariat, f"In conclusion {CANARY}-end."),
    ]
    for text in texts:
        approver = users.reviewer2 if text.written_by_id != users.reviewer2.id else users.reviewer
        judgement.approve(rnd, text, approver, version=text.version)
    db.session.commit()
    return texts


def _round_with_report(users):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), "Progress was made on {key}.")
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    return rnd


def _compile(rnd, users):
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    return edition


def test_a_text_is_a_draft_until_someone_else_approves_it_and_every_step_is_recorded(app, users):
    rnd = make_round()
    text = _write(rnd, "party-AL", users.reviewer, "Albania advanced.", assessment=Assessment.good_progress,
                  recommendations=[judgement.RecommendationInput("Adopt", ["1.P1", "2.p3"])])
    assert text.state == TextState.draft and text.written_by_id == users.reviewer.id
    assert [(r.number, r.action_codes) for r in text.recommendations] == [(1, ["1.P1", "2.P3"])]
    with pytest.raises(judgement.TextError, match="another member"):
        judgement.approve(rnd, text, users.reviewer, version=text.version)
    judgement.approve(rnd, text, users.secretariat, version=text.version)
    db.session.commit()
    assert text.state == TextState.approved and text.approved_by_id == users.secretariat.id
    # Saved again, it is a draft again: what was approved is exactly what an edition prints.
    text = _write(rnd, "party-AL", users.secretariat, "Albania advanced a lot.", assessment=Assessment.good_progress)
    assert text.state == TextState.draft and text.approved_by_id is None and text.version == 2
    from ctportal.models import AuditEvent
    actions = list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("judgement.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["judgement.saved", "judgement.approved", "judgement.saved"]


@pytest.mark.parametrize("kw, field, message", [
    ({"assessment": None}, "assessment", "overall assessment"),
    ({"recommendations": [judgement.RecommendationInput("Adopt", [], row=2)]}, "rec_2_codes", "at least one action"),
    ({"recommendations": [judgement.RecommendationInput("Adopt", ["9.P9"], row=1)]}, "rec_1_codes", "9.P9 is not"),
])
def test_a_bad_text_is_refused_naming_the_field(app, users, kw, field, message):
    rnd = make_round()
    args = {"assessment": Assessment.some_progress, **kw}
    with pytest.raises(judgement.TextError, match=message) as caught:
        judgement.save(rnd, judgement.slot_of(rnd, "party-AL"), users.reviewer, body="Text.", **args)
    assert caught.value.field == field


def test_the_form_saves_previews_and_names_the_row_in_error(app, users, auth, client):
    rnd = make_round()
    auth.login("reviewer")
    url = f"/judgement/rounds/{rnd.id}/texts/party-AL"
    page = client.get(url)
    assert page.status_code == 200 and b"Recommendation 1: action codes" in page.data
    base = {"rows": "3", "assessment": "backsliding", "body": "**Bold** <script>x</script>"}
    preview = client.post(url, data={**base, "preview": "Preview"})
    assert b"<strong>Bold</strong>" in preview.data and b"<script>x" not in preview.data
    bad = client.post(url, data={**base, "save": "Save", "rec_2_body": "Adopt it", "rec_2_codes": "1.P1, 77.X"})
    assert bad.status_code == 200 and b"77.X is not an action code" in bad.data
    assert b'id="rec_2_codes-error"' in bad.data
    good = client.post(url, data={**base, "save": "Save", "rec_1_body": "Adopt it", "rec_1_codes": "1.P1; 2.P1"})
    assert good.status_code == 302
    text = judgement.text_of(rnd, judgement.slot_of(rnd, "party-AL"))
    assert text.assessment == Assessment.backsliding and text.recommendations[0].action_codes == ["1.P1", "2.P1"]


def test_the_pdf_carries_every_approved_text_and_no_draft(app, users):
    rnd = _round_with_report(users)
    _texts(rnd, users)
    _write(rnd, "party-RS", users.reviewer, f"Serbia draft {CANARY}-draft", assessment=Assessment.no_progress)
    edition = _compile(rnd, users)
    flat = " ".join(" ".join(p.split()) for p in pdftext(storage.path_for("compiled", edition.stored_name)))
    for mark in ("intro", "obj3", "al", "rec1", "end"):
        assert f"{CANARY}-{mark}" in flat
    assert f"{CANARY}-draft" not in flat
    assert "Overall assessment: Backsliding" in flat and "Overall assessment: Some progress" in flat
    assert "(action 1.P1)" in flat and "(actions 3.P2, 4.P1)" in flat
    for heading in ("Introduction", "Assessment of each partner and recommendations", "Conclusions"):
        assert heading in flat
    carried = db.session.scalars(sa.select(CompiledReportText)
                                 .where(CompiledReportText.compiled_report_id == edition.id))
    assert len(list(carried)) == 4


PARTY_PAGES = ["/", "/reports/{report}", "/reports/{report}/feedback", "/reports/{report}/timeline",
               "/notifications/", "/progress/", "/progress/rounds/{round}", "/exports/rounds/{round}.csv",
               "/exports/rounds/{round}.xlsx", "/api/v1/rounds/{round}", "/judgement/rounds/{round}",
               "/judgement/rounds/{round}/texts/introduction", "/judgement/rounds/{round}/texts/party-AL",
               "/compile/rounds/{round}", "/compile/reports/{report}/pdf"]


def _party_reads(client, auth, rnd, report, who):
    auth.login(who)
    seen = {}
    for path in PARTY_PAGES:
        answer = client.get(path.format(round=rnd.id, report=report.id))
        seen[path] = (answer.status_code, answer.data)
    auth.logout()
    return seen


def test_no_party_reads_a_text_before_the_final_edition(app, users, auth, client):
    rnd = _round_with_report(users)
    _texts(rnd, users)
    _compile(rnd, users)  # an edition of an open round: not final
    report = report_of(rnd, "AL")
    for who in ("coordinator_al", "contributor_al", "coordinator_rs", "reporter_europol"):
        for path, (status, body) in _party_reads(client, auth, rnd, report, who).items():
            assert CANARY.encode() not in body, (who, path)
            if path.startswith("/judgement"):
                assert status == 404, (who, path, status)
    auth.login("reviewer2")
    assert CANARY.encode() in client.get(f"/judgement/rounds/{rnd.id}/texts/party-AL").data


def test_after_the_final_edition_a_party_reads_its_own_assessment_and_never_another_partys(app, users, auth, client):
    rnd = _round_with_report(users)
    _texts(rnd, users)
    _write(rnd, "party-RS", users.reviewer, f"Serbia {CANARY}-rs", assessment=Assessment.no_progress)
    judgement.approve(rnd, judgement.text_of(rnd, judgement.slot_of(rnd, "party-RS")), users.secretariat,
                      version=1)
    db.session.commit()
    _compile(rnd, users)
    rnd.state = RoundState.closed
    db.session.commit()
    auth.login("coordinator_al")
    own = client.get(f"/judgement/rounds/{rnd.id}/texts/party-AL")
    assert own.status_code == 200 and f"{CANARY}-al".encode() in own.data
    assert client.get(f"/judgement/rounds/{rnd.id}/texts/party-RS").status_code == 404
    assert client.get(f"/judgement/rounds/{rnd.id}").status_code == 404
    auth.logout()
    auth.login("coordinator_rs")
    assert client.get(f"/judgement/rounds/{rnd.id}/texts/party-AL").status_code == 404
    assert client.get(f"/judgement/rounds/{rnd.id}/texts/introduction").status_code == 200

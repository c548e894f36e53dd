"""The fact-check of a draft edition (issue 15, item 4), read from what comes out: the draft's PDF
(DRAFT on every page, never final), a party's own part of it (pdftotext: its annex and its approved
assessment; nothing of another party, no unapproved or internal text), the party's pages, the
corrections and the period's end."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from ctportal import policy
from ctportal.infra import storage
from ctportal.models import (Assessment, CompiledReport, FactcheckCorrection, FactcheckSlice, RoundState, Verdict,
                             db)
from ctportal.services.review import judgement
from ctportal.services.review.reviews import save_entry_review
from tests.factories import approve, fill_report, make_round, report_of, submit

CANARY = "CNRY-FACTCHECK"
OWN = "Albania strengthened its prosecution unit"


def _write(rnd, key, who, body, approver=None, **kw):
    text = judgement.save(rnd, judgement.slot_of(rnd, key), who, body=body, **kw)
    db.session.commit()
    if approver is not None:
        judgement.approve(rnd, text, approver, version=text.version)
        db.session.commit()
    return text


def _round(users):
    """Albania and Serbia approved; canaries in Serbia's annex, in the Commission's internal notes
    and per-entry assessments of Albania, in Serbia's approved assessment and in unapproved texts."""
    rnd = make_round()
    al = fill_report(report_of(rnd, "AL"), "Albania reported on {key}.")
    submit(al, users.coordinator_al)
    for entry in al.entries[:3]:
        save_entry_review(al, entry, users.reviewer, verdict=Verdict.accepted, assessment=Assessment.good_progress,
                          note=f"{CANARY}-REVIEW-NOTE")
    db.session.commit()
    approve(al, users.reviewer2)
    rs = fill_report(report_of(rnd, "RS"), f"Serbia {CANARY}-RS-ANNEX on {{key}}.")
    submit(rs, users.coordinator_rs)
    approve(rs, users.reviewer)
    _write(rnd, "party-AL", users.reviewer, f"{OWN}.", users.reviewer2, assessment=Assessment.some_progress,
           recommendations=[judgement.RecommendationInput("Adopt the counter-terrorism strategy", ["1.P1"])])
    _write(rnd, "party-RS", users.reviewer, f"Serbia {CANARY}-RS-ASSESSMENT.", users.reviewer2,
           assessment=Assessment.no_progress)
    # The objective's overall assessment speaks of every party: the edition's, not a party's slice.
    _write(rnd, "objective-1", users.reviewer, f"Across the region {CANARY}-OBJECTIVE-ALL.", users.reviewer2,
           assessment=Assessment.some_progress)
    _write(rnd, "introduction", users.secretariat, f"Unapproved introduction {CANARY}-DRAFT-INTRO.")
    _write(rnd, "conclusions", users.secretariat, f"Unapproved conclusions {CANARY}-DRAFT-END.")
    return rnd


def _pages(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    return out.decode().split("\f")[:-1]


def _draft(runner, rnd) -> CompiledReport:
    result = runner.invoke(args=["compile-edition", str(rnd.id), "--draft"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    edition = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.round_id == rnd.id))
    assert edition.draft and Path(result.output.strip().splitlines()[-1]).name == edition.stored_name
    return edition


def test_a_draft_edition_says_draft_on_every_page_and_is_never_final(app, users, runner, tmp_path):
    rnd = _round(users)
    edition = _draft(runner, rnd)
    path = storage.path_for("compiled", edition.stored_name)
    pages = _pages(path.read_bytes(), tmp_path)
    assert len(pages) > 5 and all(re.search(r"\bDRAFT\b", page) for page in pages)
    edition_text = "\n".join(pages)   # the slices' canaries are in the edition itself
    assert f"{CANARY}-OBJECTIVE-ALL" in edition_text and f"{CANARY}-RS-ANNEX" in edition_text
    assert PdfReader(path).metadata.title.startswith("DRAFT for fact-check")
    # Each included party has its own part, and nothing else does.
    parts = sorted(db.session.scalars(
        sa.select(FactcheckSlice.party_id).where(FactcheckSlice.edition_id == edition.id)))
    assert parts == sorted([report_of(rnd, "AL").party_id, report_of(rnd, "RS").party_id])
    # Never the final edition, even once the round is closed: its texts are published by nothing.
    rnd.state = RoundState.closed
    db.session.commit()
    assert not policy.is_final_edition(rnd, edition)
    al_text = judgement.text_of(rnd, judgement.slot_of(rnd, "party-AL"))
    assert not policy.is_published_text(rnd, al_text)
    assert not policy.may_read_commission_text(users.coordinator_al, al_text)


def test_a_final_compile_is_not_marked_draft(app, users, runner, tmp_path):
    rnd = _round(users)
    result = runner.invoke(args=["compile-edition", str(rnd.id)])
    assert result.exit_code == 0, result.output
    pages = _pages(Path(result.output.strip().splitlines()[-1]).read_bytes(), tmp_path)
    assert not any("DRAFT" in page for page in pages)
    assert db.session.scalar(sa.select(FactcheckSlice.id)) is None


def test_the_party_reads_only_its_own_part_and_sends_corrections_until_the_end(app, users, runner, auth, client,
                                                                              tmp_path):
    rnd = _round(users)
    edition = _draft(runner, rnd)
    # Before the secretariat opens the period, the party has nothing (404) and no notice.
    auth.login("coordinator_al")
    assert client.get(f"/fact-check/{edition.id}").status_code == 404
    assert f"/fact-check/{edition.id}".encode() not in client.get("/home").data
    auth.logout()

    auth.login("secretariat")
    bad = client.post(f"/compile/rounds/{rnd.id}/editions/{edition.id}/fact-check",
                      data={"ends_on": (dt.date.today() - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and b"Last day for corrections: The last day must be today or later." in bad.data
    ends = dt.date.today() + dt.timedelta(days=5)
    assert client.post(f"/compile/rounds/{rnd.id}/editions/{edition.id}/fact-check",
                       data={"ends_on": ends.isoformat()}).status_code == 302
    auth.logout()

    auth.login("coordinator_al")
    home = client.get("/home").data.decode()
    assert f"/fact-check/{edition.id}" in home and "open for your fact-check" in home and CANARY not in home
    overview = client.get(f"/reports/{report_of(rnd, 'AL').id}").data.decode()
    assert f"/fact-check/{edition.id}" in overview and CANARY not in overview
    page = client.get(f"/fact-check/{edition.id}")
    assert page.status_code == 200 and CANARY.encode() not in page.data
    answer = client.get(f"/fact-check/{edition.id}/pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    pages = _pages(answer.data, tmp_path)
    text = "\n".join(pages)
    assert all(re.search(r"\bDRAFT\b", p) for p in pages), "every page of the party's part is marked DRAFT"
    assert "Albania reported on 1.P1" in text and OWN in text and "Adopt the counter-terrorism strategy" in text
    assert "Annex I" in text and "Serbia" not in text and "Annex VIII" not in text
    # The rows of the objective parts about Albania (issue 15, item 4): each objective's heading, its
    # actions in the plan's words, Albania's row with its key progress — Serbia's rows and the
    # objective's overall assessment (the canaries above) nowhere.
    flat = " ".join(text.split())
    for number in (1, 2, 3, 4, 5):
        assert f"Part {number} — Objective {number}:" in flat
    assert "The rows of this part about Albania" in flat and "1.P1: status and key progress" in flat
    assert "Each Western Balkans partner should seek to" in flat
    assert "The Commission's assessment Overall" not in flat
    assert CANARY not in text and CANARY not in answer.data.decode("latin-1")
    assert "Commission assessment" not in text and Assessment.good_progress.title not in text

    # A correction needs its text (the error names the field; nothing is saved) ...
    empty = client.post(f"/fact-check/{edition.id}/corrections", data={"action_code": "1.P1", "body": "  "})
    assert empty.status_code == 400 and b"Correction: Write what is wrong in the draft" in empty.data
    wrong = client.post(f"/fact-check/{edition.id}/corrections", data={"action_code": "9.Z9", "body": "x"})
    assert wrong.status_code == 400 and b"Action: Choose one of the actions of your annex" in wrong.data
    assert db.session.scalar(sa.select(sa.func.count(FactcheckCorrection.id))) == 0
    # ... then one per action and one general.
    assert client.post(f"/fact-check/{edition.id}/corrections",
                       data={"action_code": "1.P1", "body": "The law was adopted in March."}).status_code == 302
    assert client.post(f"/fact-check/{edition.id}/corrections",
                       data={"action_code": "", "body": "Our ministry's name changed."}).status_code == 302
    assert b"The law was adopted in March." in client.get(f"/fact-check/{edition.id}").data
    auth.logout()

    # Another party's coordinator reads its own part only, and none of Albania's corrections.
    auth.login("coordinator_rs")
    rs_page = client.get(f"/fact-check/{edition.id}").data.decode()
    assert "The law was adopted in March." not in rs_page
    rs_text = "\n".join(_pages(client.get(f"/fact-check/{edition.id}/pdf").data, tmp_path))
    assert "Albania reported on" not in rs_text and OWN not in rs_text and f"{CANARY}-RS-ASSESSMENT" in rs_text
    auth.logout()

    # The secretariat sees them listed per party.
    auth.login("secretariat")
    listed = client.get(f"/compile/rounds/{rnd.id}").data.decode()
    albania = listed[listed.index("factcheck-corrections"):]
    assert "Action 1.P1" in albania and "The law was adopted in March." in albania
    assert "General" in albania and "Our ministry&#39;s name changed." in albania
    # It answers each: not accepted needs the reason (the field named, nothing saved) ...
    first, general = db.session.scalars(sa.select(FactcheckCorrection).order_by(FactcheckCorrection.id)).all()
    url = f"/compile/rounds/{rnd.id}/editions/{edition.id}/corrections/{{}}/resolve"
    refused = client.post(url.format(first.id), data={"outcome": "not_accepted", "reply": " "})
    assert refused.status_code == 400 and b"Reply to the party: Say why the correction is not accepted." in refused.data
    assert client.post(url.format(first.id), data={"reply": "x"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(FactcheckCorrection, first.id).outcome == ""
    # ... then one accepted, one not with its reason; another edition's correction is missing.
    assert client.post(url.format(first.id), data={"outcome": "accepted", "reply": "Corrected."}).status_code == 302
    assert client.post(url.format(general.id),
                       data={"outcome": "not_accepted", "reply": "The name is the one in force."}).status_code == 302
    assert client.post(f"/compile/rounds/{rnd.id}/editions/{edition.id + 1}/corrections/{first.id}/resolve",
                       data={"outcome": "accepted"}).status_code == 404
    db.session.expire_all()
    answered = db.session.get(FactcheckCorrection, first.id)
    assert answered.outcome == "accepted" and answered.resolved_by_id == users.secretariat.id
    auth.logout()
    auth.login("coordinator_al")
    mine = client.get(f"/fact-check/{edition.id}").data.decode()
    assert "The secretariat: accepted" in mine and "Corrected." in mine
    assert "The secretariat: not accepted" in mine and "The name is the one in force." in mine
    auth.logout()

    # After the end date: the party still reads what it sent, but sends nothing more.
    db.session.get(CompiledReport, edition.id).factcheck_ends_on = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    auth.login("coordinator_al")
    assert b"The fact-check ended on" in client.get(f"/fact-check/{edition.id}").data
    late = client.post(f"/fact-check/{edition.id}/corrections", data={"action_code": "", "body": "Late."})
    assert late.status_code == 403
    assert f"/fact-check/{edition.id}".encode() not in client.get("/home").data
    assert db.session.scalar(sa.select(sa.func.count(FactcheckCorrection.id))) == 2


def test_contributors_and_the_commission_do_not_read_a_partys_part(app, users, runner, auth, client):
    rnd = _round(users)
    edition = _draft(runner, rnd)
    edition.factcheck_ends_on = dt.date.today() + dt.timedelta(days=3)
    db.session.commit()
    for who in ("contributor_al", "reviewer", "secretariat", "reporter_europol"):
        auth.login(who)
        assert client.get(f"/fact-check/{edition.id}/pdf").status_code == 404, who
        auth.logout()
    # The draft edition itself (every party's annex) stays Commission-only.
    auth.login("coordinator_al")
    assert client.get(f"/compile/rounds/{rnd.id}/editions/{edition.id}/download").status_code == 404

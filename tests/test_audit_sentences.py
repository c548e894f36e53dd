"""The audit trail reads as sentences for the secretariat (issue 20, item 7); the JSON stays in the export.

"4 December 2026 14:02 — Reviewer approved the report of Albania for Progress report 2026": who,
what, whose report, which round. The administrator's sentences carry no report content (an
action's key is withheld: "an action").
"""
from __future__ import annotations

import csv
import io
import json
import re

import sqlalchemy as sa

from ctportal.models import AuditEvent, db
from ctportal.services.reporting import entries
from tests.factories import approve, fill_report, make_round, report_of, submit

LABEL = "the report of Albania for Progress report 2026"
MOMENT = r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2} — "


def _save(entry, user) -> None:
    data = entries.EntryData.of(entry)
    data.texts["narrative"] = "A new narrative, for the audit trail."
    assert isinstance(entries.save_entry(entry, data, entry.version, user), entries.Saved)


def _cells(html: str) -> list[str]:
    """The text of each sentence cell, tags and runs of white space gone."""
    cells = re.findall(r'<td class="audit-sentence">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in cells]


def test_the_secretariat_reads_who_did_what_to_whose_report(app, users, client, auth):
    report = fill_report(report_of(make_round(), "AL"))
    entry = report.entries[0]
    _save(entry, users.coordinator_al)
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    db.session.commit()

    auth.login("secretariat")
    lines = _cells(client.get("/audit/").get_data(as_text=True))
    assert any(re.fullmatch(MOMENT + f"Reviewer approved {LABEL}", line) for line in lines), lines
    assert any(re.fullmatch(MOMENT + f"Coordinator Al submitted {LABEL}", line) for line in lines), lines
    assert any(re.fullmatch(MOMENT + f"Coordinator Al saved action {re.escape(entry.key)} of {LABEL}", line)
               for line in lines), lines
    assert any(line.endswith("Secretariat signed in") for line in lines)

    # The export keeps the recorded detail as JSON, unchanged.
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/export.csv").data.decode("utf-8-sig"))))
    approval = next(r for r in rows if r["action"] == "report.approve")
    assert json.loads(approval["detail"]) == {"from_state": "submitted", "to_state": "approved", "revision": 1}


def test_the_administrators_sentences_withhold_the_actions_key(app, users, client, auth):
    report = fill_report(report_of(make_round(), "AL"))
    entry = report.entries[0]
    _save(entry, users.coordinator_al)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "entry.saved")) == 1

    auth.login("admin")
    lines = _cells(client.get("/audit/").get_data(as_text=True))
    assert any(line.endswith(f"Coordinator Al saved an action of {LABEL}") for line in lines), lines
    assert not any(f"action {entry.key} " in line for line in lines)


def test_an_event_without_a_sentence_of_its_own_still_names_who_and_what(app, users, client, auth):
    from ctportal.services import audit
    audit.record("test.something_rare", None, actor=users.reviewer)
    db.session.commit()
    auth.login("secretariat")
    lines = _cells(client.get("/audit/").get_data(as_text=True))
    assert any(re.fullmatch(MOMENT + "Reviewer: test.something_rare", line) for line in lines), lines


def test_the_sentences_are_in_the_readers_language(app, users, client, auth):
    from ctportal.models import User
    report = fill_report(report_of(make_round(), "AL"))
    approve(submit(report, users.coordinator_al), users.reviewer)
    db.session.get(User, users.secretariat.id).language = "mk"
    db.session.commit()
    auth.login("secretariat")
    lines = _cells(client.get("/audit/").get_data(as_text=True))
    assert any(line.endswith("Reviewer го одобри извештајот (Албанија, Progress report 2026)") for line in lines), lines


def test_the_partners_own_steps_the_commissions_texts_and_consent_read_as_sentences(app, users, client, auth):
    """Every kind of event the portal records names who did what, to what, and nothing the secretariat
    may not read: the partner's steps name the action, never the note's words or the institution."""
    from ctportal.models import Party
    from ctportal.services.accounts import observers
    from ctportal.services.partner import institutions
    from ctportal.services.reporting import signoff
    from ctportal.services.review import judgement
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    entry = report.entries[0]
    institutions.add(users.coordinator_al, "Ministria e Brendshme CANARY-INSTITUTION")
    signoff.take_step(entry, "ready", users.contributor_al)
    signoff.take_step(entry, "send_back", users.coordinator_al, version=entry.version, note="CANARY-NOTE words")
    slot = judgement.slot_of(rnd, "introduction")
    text = judgement.save(rnd, slot, users.reviewer, body="An introduction.")
    judgement.approve(rnd, text, users.secretariat, version=text.version)
    albania = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    observers.give(rnd, albania, users.coordinator_al)
    db.session.commit()

    auth.login("secretariat")
    html = client.get("/audit/").get_data(as_text=True)
    lines = _cells(html)
    expected = [
        "Coordinator Al added an institution to the list of Albania",
        f"Contributor Al marked action {entry.key} of {LABEL} as ready",
        f"Coordinator Al sent action {entry.key} of {LABEL} back for more work",
        "Reviewer saved a text of the Commission for Progress report 2026",
        "Secretariat approved a text of the Commission for Progress report 2026",
        "Coordinator Al gave the consent of Albania to share Progress report 2026 with observers",
    ]
    for sentence in expected:
        assert any(re.fullmatch(MOMENT + re.escape(sentence), line) for line in lines), (sentence, lines)
    assert "CANARY" not in html


def test_the_fact_check_of_a_draft_edition_reads_as_sentences(app, users, client, auth):
    from ctportal.services import audit
    from ctportal.services.editions import editions
    rnd = make_round()
    edition = editions.start_compile(rnd, users.secretariat)
    audit.record("factcheck.opened", edition, actor=users.secretariat, ends_on="2026-12-31")
    audit.record("factcheck.download", edition, actor=users.coordinator_al, sha256="0" * 64)
    audit.record("factcheck.correction", None, actor=users.coordinator_al, edition=edition.id, about="1.P1")
    audit.record("factcheck.resolved", None, actor=users.secretariat, edition=edition.id, outcome="accepted")
    db.session.commit()
    auth.login("secretariat")
    lines = _cells(client.get("/audit/").get_data(as_text=True))
    for sentence in ("Secretariat opened the fact-check of a draft edition of Progress report 2026",
                     "Coordinator Al downloaded their part of a draft edition of Progress report 2026",
                     "Coordinator Al sent a correction to a draft edition",
                     "Secretariat answered a correction to a draft edition"):
        assert any(re.fullmatch(MOMENT + re.escape(sentence), line) for line in lines), (sentence, lines)

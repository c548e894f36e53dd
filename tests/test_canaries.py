"""Nothing Commission-only reaches a party (issue 13, item 4).

The access matrix checks who may open what; this checks what is inside. Distinct canary values
are planted in every Commission-only field — the assessment (an enum: its titles and values are
the canaries), the review note, internal comments on entries and on the report, internal thread
replies, an internal comment that @mentions a party user — on reports taken through the real
workflow. Then every party role (coordinator, contributor, EU reporter) and the observer read
everything they can reach: every page (a crawl from the home page following every local link,
plus every GET route of the app filled with the world's ids), every PDF (party PDF; text by
pdftotext), every export (CSV; XLSX cell by cell with openpyxl), every API answer their token
reaches, and every notification and mail (the outbox table) they received. Any canary fails.

A positive control shows each canary is real: the Commission reads it on its own pages.
"""
from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
import zipfile
from collections import deque
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
import sqlalchemy as sa

from ctportal.models import (Assessment, Document, Notification, OutgoingMail, Party, ProcessRecord, Report,
                             Verdict, Visibility, db)
from ctportal.services.accounts import api_tokens, observers
from ctportal.services.review.comments import post_comment
from ctportal.services.review.reviews import save_entry_review
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit

pytestmark = pytest.mark.filterwarnings("ignore")

CANARY = "CNRY"  # every planted text canary starts with it
# The assessment is an enum: its titles, values and the label name it.
ASSESSMENT_CANARIES = ([a.title for a in Assessment] + [a.value for a in Assessment]
                       + ["Commission assessment", "Assessment:"])

PARTY_ROLES = ("coordinator_al", "contributor_al", "coordinator_xk", "reporter_europol")
MAX_PAGES = 900
SKIP_PREFIXES = ("/static/", "/logout", "/api/v1/reference/assets/", "/healthz", "/readyz")


def _review(report, reviewer, tag: str, *, revision_tag: str, needs_revision_first: bool) -> None:
    """A verdict, an assessment (every step of the scale, in turn) and a note on the first entries."""
    scale = list(Assessment)
    for i, entry in enumerate(report.entries[:len(scale)]):
        verdict = Verdict.needs_revision if needs_revision_first and i == 0 else Verdict.accepted
        save_entry_review(report, entry, reviewer, verdict=verdict, assessment=scale[i],
                          note=f"{CANARY}-REVIEW-NOTE-{tag}-{revision_tag}-{i}")


def _internal_talk(report, users, tag: str) -> None:
    entry = report.entries[0]
    root = post_comment(report, users.reviewer, f"{CANARY}-INTERNAL-ENTRY-{tag} for @reviewer2",
                        visibility=Visibility.internal, entry=entry)
    post_comment(report, users.reviewer2, f"{CANARY}-INTERNAL-REPLY-{tag}", entry=entry, parent=root)
    # An internal comment naming a party user: the mention must not notify them.
    mention = {"AL": "@coordinator.al", "XK": "@coordinator.xk"}.get(tag, "@reporter.europol")
    post_comment(report, users.reviewer, f"{CANARY}-INTERNAL-MENTION-{tag} {mention}",
                 visibility=Visibility.internal, entry=report.entries[1])
    report_root = post_comment(report, users.reviewer, f"{CANARY}-INTERNAL-REPORT-{tag}",
                               visibility=Visibility.internal)
    post_comment(report, users.reviewer2, f"{CANARY}-INTERNAL-REPORT-REPLY-{tag}", parent=report_root)
    # A shared comment too: the party must see it (it is no canary).
    post_comment(report, users.reviewer, f"Shared remark for {tag}: please add dates.", entry=entry)


def _sent_back(rnd, code: str, submitter, users, tag: str):
    """The party's report submitted, reviewed with notes, talked over internally, sent back for changes."""
    report = fill_report(report_of(rnd, code))
    submit(report, submitter)
    _review(report, users.reviewer, tag, revision_tag="R1", needs_revision_first=True)
    _internal_talk(report, users, tag)
    db.session.commit()
    request_changes(report, users.reviewer, "Please revise the first action.")
    return report


def build_canary_world(users):
    """Albania approved after one request for changes; Europol and Kosovo* sent back for changes; all reviewed."""
    rnd = make_round()
    al = fill_report(report_of(rnd, "AL"))
    submit(al, users.coordinator_al)
    _review(al, users.reviewer, "AL", revision_tag="R1", needs_revision_first=True)
    _internal_talk(al, users, "AL")
    db.session.commit()
    request_changes(al, users.reviewer, "Please revise 1.P1 with dates.")
    al.entries[0].narrative = "Revised with dates: 1.P1."
    db.session.commit()
    submit(al, users.coordinator_al)
    _review(al, users.reviewer, "AL", revision_tag="R2", needs_revision_first=False)
    for entry in al.entries[5:]:
        save_entry_review(al, entry, users.reviewer, verdict=Verdict.accepted, assessment=None, note="")
    db.session.commit()
    approve(al, users.reviewer2)

    ep = _sent_back(rnd, "EUROPOL", users.reporter_europol, users, "EP")

    # Kosovo* sent back for changes, with an institution that has an action assigned: its offline forms
    # (Word, Excel), made while the report is open again, are party outputs too.
    from ctportal.models import Institution
    from ctportal.services.partner import assignments
    xk = _sent_back(rnd, "XK", users.coordinator_xk, users, "XK")
    institution = Institution(party_id=xk.party_id, name="Ministry of Internal Affairs")
    db.session.add(institution)
    db.session.flush()
    for entry in xk.entries[:2]:
        assignments.assign(entry, users.coordinator_xk, assignee_id=None, institution_id=institution.id,
                           due_on=None)

    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    observers.bind(users.observer, [parties["AL"], parties["EUROPOL"]])
    observers.give(rnd, parties["AL"], users.coordinator_al)
    observers.give(rnd, parties["EUROPOL"], users.reporter_europol)
    db.session.commit()
    _processes(rnd, users)
    return rnd, al, ep


def _processes(rnd, users) -> None:
    """Follow-up processes (issue 15, item 5): one concerning Albania and Europol, its participants,
    internal notes and unshared report Commission-only, linked to a recommendation to Serbia not yet
    published; one concerning Serbia alone, every word of it a canary to the others."""
    import datetime as dt
    import io

    from ctportal.demo.documents import demo_pdf
    from ctportal.services.review import judgement, processes

    text = judgement.save(rnd, judgement.slot_of(rnd, "party-RS"), users.reviewer, body=f"{CANARY}-RS-TEXT",
                          assessment=Assessment.some_progress,
                          recommendations=[judgement.RecommendationInput(f"{CANARY}-RS-RECOMMENDATION", ["1.P1"])])
    for title, codes, recs, notes in (
            ("Regional Network meeting", ["AL", "EUROPOL", "RS"], [f"{text.id}:1"], "AL"),
            (f"{CANARY}-PROCESS-OF-SERBIA", ["RS"], [], "RS")):
        processes.save(rnd, users.reviewer, processes.ProcessInput(
            kind="regional_network", title=title, held_on=dt.date(2026, 1, 20), place="Skopje", party_codes=codes,
            summary="The coordinators met.", participants=f"{CANARY}-PROCESS-PARTICIPANTS-{notes}",
            internal_notes=f"{CANARY}-PROCESS-NOTES-{notes}", action_codes="2.P3", recommendations=recs),
            upload=(io.BytesIO(demo_pdf(f"{CANARY}-PROCESS-REPORT-{notes}", ["minutes"])), "minutes.pdf"))
    db.session.commit()


# --- reading what comes back ----------------------------------------------------------------------

def text_of(response) -> str:
    """The readable text of any answer: HTML/JSON/CSV as text, a PDF through pdftotext, XLSX cell by cell,
    DOCX part by part."""
    data = response.data
    ctype = response.headers.get("Content-Type", "")
    if data.startswith(b"%PDF"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            out = subprocess.run(["pdftotext", f.name, "-"], check=True, capture_output=True).stdout.decode()
        return out + "\n" + data.decode("latin-1")  # and the raw bytes: metadata, uncompressed strings
    if data.startswith(b"PK") and "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist():
        # A Word file: the text of every part (body, headers, footers, footnotes, comments, properties).
        with zipfile.ZipFile(io.BytesIO(data)) as word:
            parts = [word.read(n).decode("utf-8") for n in word.namelist() if n.endswith(".xml")]
        return html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))
    if "spreadsheetml" in ctype or data.startswith(b"PK"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 for c in row if c is not None]
        return "\n".join(cells)
    return html.unescape(data.decode("utf-8", "replace"))


def canaries_in(text: str) -> list[str]:
    found = sorted(set(re.findall(rf"{CANARY}-[A-Z0-9-]+", text)))
    lower = text.lower()
    found += [c for c in ASSESSMENT_CANARIES if c.lower() in lower]
    return found


def links_in(path: str, text: str) -> list[str]:
    raw = re.findall(r'(?:href|src|action)="([^"]+)"', text) + re.findall(r'"(/api/v1/[^"\s]*)"', text)
    raw += re.findall(r"https?://localhost(/[^\s\"'<>]*)", text)
    out = []
    for link in raw:
        parts = urlsplit(urljoin("http://localhost" + path, html.unescape(link)))
        if parts.netloc not in ("", "localhost"):
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if not target.startswith(SKIP_PREFIXES):
            out.append(target)
    return out


def known_routes(app, ids: dict[str, list[int]]) -> list[str]:
    """Every GET route of the app, filled with each of the world's ids its arguments name."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIP_PREFIXES):
            continue
        combos: list[dict] = [{}]
        for arg in rule.arguments:
            values = ids.get(arg)
            if not values:
                combos = []
                break
            combos = [dict(c, **{arg: v}) for c in combos for v in values]
        for values in combos:
            with app.test_request_context("/"):
                from flask import url_for
                out.append(url_for(rule.endpoint, **values))
    return out


VISITED: set[str] = set()  # every path some reader opened with a 200 (the test checks the crawl's reach)


def read_everything(client, start: list[str], headers: dict | None = None, find=None) -> dict[str, list[str]]:
    """Crawl from `start` (GET only, local links), returning path -> canaries found (by `find`, else canaries_in)."""
    find = find or canaries_in
    seen: set[str] = set()
    queue = deque(start)
    leaks: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers=headers or {})
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urlsplit(response.headers["Location"]).path
                         + (f"?{urlsplit(response.headers['Location']).query}"
                            if urlsplit(response.headers["Location"]).query else ""))
            continue
        text = text_of(response)
        found = find(text)
        if found:
            leaks[path] = found
        if response.status_code == 200:
            VISITED.add(path)
            queue.extend(p for p in links_in(path, text) if p not in seen)
    assert len(seen) < MAX_PAGES, "the crawl did not finish: raise MAX_PAGES"
    return leaks


def _ids(rnd, reports, users, key) -> dict[str, list]:
    from ctportal.models import Comment, Document, Institution, PartyPdfJob
    report_ids = [r.id for r in reports]
    entries = [e.id for r in reports for e in r.entries[:6]]
    return {"report_id": report_ids, "entry_id": entries, "round_id": [rnd.id],
            "party_id": sorted({r.party_id for r in reports}), "user_id": [users[key].id],
            "job_id": list(db.session.scalars(sa.select(PartyPdfJob.id).where(
                PartyPdfJob.report_id.in_(report_ids)))),
            "document_id": list(db.session.scalars(sa.select(Document.id).where(
                Document.report_id.in_(report_ids)))),
            "comment_id": list(db.session.scalars(sa.select(Comment.id).where(
                Comment.report_id.in_(report_ids)))),
            "slug": ["objective-1", "1", "objective-5"], "code": ["jap-2018"],
            "process_id": list(db.session.scalars(sa.select(ProcessRecord.id))),
            "institution_id": list(db.session.scalars(sa.select(Institution.id).where(
                Institution.party_id.in_([r.party_id for r in reports])))),
            "kind": ["docx", "xlsx"]}


def _login(app, auth_cls, users, key):
    client = app.test_client()
    auth_cls(client, users).login(key)
    return client


def test_no_commission_only_value_reaches_any_party_output(app, users):
    from tests.helpers import AuthActions
    rnd, al, ep = build_canary_world(users)
    xk = next(r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))
              if r.party.code == "XK")
    reports = [al, ep, xk]

    # Positive control: the canaries are real, the Commission reads them on its pages.
    reviewer = _login(app, AuthActions, users, "reviewer")
    page = text_of(reviewer.get(f"/review/reports/{ep.id}/entries/{ep.entries[0].id}"))
    assert f"{CANARY}-REVIEW-NOTE-EP-R1-0" in page and f"{CANARY}-INTERNAL-REPLY-EP" in page
    second_step = list(Assessment)[1].title
    assert second_step in text_of(reviewer.get(f"/review/reports/{ep.id}/entries/{ep.entries[1].id}"))
    assert f"{CANARY}-REVIEW-NOTE" in text_of(reviewer.get(f"/exports/reports/{ep.id}.csv"))
    shared = db.session.scalar(sa.select(ProcessRecord).where(ProcessRecord.title == "Regional Network meeting"))
    seen = text_of(reviewer.get(f"/processes/{shared.id}"))
    assert f"{CANARY}-PROCESS-NOTES-AL" in seen and f"{CANARY}-PROCESS-PARTICIPANTS-AL" in seen
    assert f"{CANARY}-RS-RECOMMENDATION" in seen
    assert f"{CANARY}-PROCESS-REPORT-AL" in text_of(reviewer.get(f"/processes/{shared.id}/report"))

    leaks: dict[str, dict[str, list[str]]] = {}
    for key in PARTY_ROLES:
        client = _login(app, AuthActions, users, key)
        own = [r for r in reports if r.party_id == users[key].party_id]
        start = ["/", "/home", "/notifications/", "/reports", "/sharing/", "/progress/", "/plans/", "/account"]
        start += known_routes(app, _ids(rnd, own, users, key))
        token = api_tokens.create(users[key], "canary", 30)[1]
        db.session.commit()
        found = read_everything(client, start)
        found.update(read_everything(app.test_client(),
                                     [p for p in start if p.startswith("/api/")] + ["/api/v1/reports",
                                                                                     "/api/v1/rounds"],
                                     headers={"Authorization": f"Bearer {token}"}))
        if found:
            leaks[key] = found

    # The observer: its pages are closed, its token reads the approved revisions of both parties.
    token = api_tokens.create(users.observer, "canary", 30)[1]
    db.session.commit()
    found = read_everything(app.test_client(),
                            ["/api/v1/reports", "/api/v1/rounds", "/api/v1/approved-revisions",
                             *[p for p in known_routes(app, _ids(rnd, reports, users, "observer"))
                               if p.startswith("/api/")]],
                            headers={"Authorization": f"Bearer {token}"})
    if found:
        leaks["observer"] = found

    # The crawl reached the outputs that matter (a route renamed would otherwise go unread).
    from ctportal.models import Institution
    institution = db.session.scalar(sa.select(Institution).where(Institution.party_id == xk.party_id))
    for must in (f"/compile/reports/{al.id}/pdf", f"/compile/reports/{ep.id}/pdf", f"/exports/reports/{al.id}.csv",
                 f"/exports/reports/{al.id}.xlsx", f"/exports/rounds/{rnd.id}.xlsx", f"/reports/{ep.id}/feedback",
                 f"/reports/{al.id}/entries/{al.entries[0].id}", f"/reports/{al.id}/timeline",
                 f"/reports/{ep.id}/entries/{ep.entries[0].id}/comments", f"/reports/{al.id}/comments",
                 "/notifications/", f"/api/v1/reports/{al.id}", f"/api/v1/reports/{al.id}/approved-revision",
                 "/processes/", f"/processes/{shared.id}", f"/reports/{xk.id}/offline/{institution.id}/form.docx",
                 f"/reports/{xk.id}/offline/{institution.id}/form.xlsx"):
        assert must in VISITED, must
    assert len(VISITED) > 100
    # ... and read what it opened: the Word form's text is there to look into.
    form = text_of(_login(app, AuthActions, users, "coordinator_xk").get(
        f"/reports/{xk.id}/offline/{institution.id}/form.docx"))
    assert "Ministry of Internal Affairs" in form and f"CTP-ENTRY-{xk.entries[0].id}-V" in form

    # Every notification and mail a party user (or the observer) received.
    readers = [users[k] for k in (*PARTY_ROLES, "observer")]
    for note in db.session.scalars(sa.select(Notification).where(Notification.user_id.in_([u.id for u in readers]))):
        found_in = canaries_in(f"{note.subject}\n{note.body}\n{note.link}")
        if found_in:
            leaks.setdefault("notifications", {})[f"notification {note.id} to user {note.user_id}"] = found_in
    emails = [u.email for u in readers]
    for mail in db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.recipient.in_(emails))):
        found_in = canaries_in(f"{mail.subject}\n{mail.body}")
        if found_in:
            leaks.setdefault("mail", {})[f"mail {mail.id} to {mail.recipient}"] = found_in
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)).where(
        OutgoingMail.recipient == users.coordinator_al.email)) > 0  # the parties did receive mail

    assert not leaks, "Commission-only values reached a party:\n" + "\n".join(
        f"  {who}: {where}: {what}" for who, by_path in leaks.items() for where, what in by_path.items())


# --- the reverse: what a partner keeps to itself never reaches the Commission (issue 18) ----------------

PARTNER_CANARIES = ("CNRY-PARTNER-INSTITUTION-AL", "CNRY-PARTNER-RETURN-AL", "CNRY-PARTNER-RETURN-AGAIN-AL",
                    "CNRY-PARTNER-FORM-FILE-AL")
COMMISSION_READERS = ("reviewer", "secretariat")


def partner_canaries_in(text: str) -> list[str]:
    """The partner's own canaries (the Commission's, which it reads rightly, are not looked for here)."""
    return sorted(set(re.findall(r"CNRY-PARTNER-[A-Z0-9-]+", text)))


def build_partner_world(users):
    """Albania's coordinator keeps an institution, assigns, sends an entry back twice with a note (before the
    first submission and after the Commission asked for changes), accepts; the report is then approved."""
    from ctportal.models import Institution
    from ctportal.services.partner import assignments
    from ctportal.services.partner import steps  # the step and its notices, as the pages take them

    rnd = make_round()
    al = fill_report(report_of(rnd, "AL"))
    institution = Institution(party_id=al.party_id, name=PARTNER_CANARIES[0])
    db.session.add(institution)
    db.session.flush()
    entry = al.entries[0]
    assignments.assign(entry, users.coordinator_al, assignee_id=users.contributor_al.id,
                       institution_id=institution.id, due_on=None)
    steps.take(entry, "ready", users.contributor_al)
    steps.take(entry, "send_back", users.coordinator_al, note=PARTNER_CANARIES[1])
    steps.take(entry, "ready", users.contributor_al)
    steps.take(entry, "accept", users.coordinator_al, version=entry.version)
    db.session.commit()
    _apply_offline_form(al, institution, users)
    submit(al, users.coordinator_al)
    request_changes(al, users.reviewer, "Please add dates.")
    steps.take(al.entries[1], "ready", users.contributor_al)
    steps.take(al.entries[1], "send_back", users.coordinator_al, note=PARTNER_CANARIES[2])
    al.entries[1].narrative = "Revised with dates."
    db.session.commit()
    submit(al, users.coordinator_al)
    approve(al, users.reviewer2)
    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    observers.bind(users.observer, [parties["AL"]])
    observers.give(rnd, parties["AL"], users.coordinator_al)
    db.session.commit()
    return rnd, al


def _apply_offline_form(report, institution, users):
    """The institution's Word form (which names it) filled in and applied; kept under a canary's name."""
    import io

    import docx

    from ctportal.services.partner import assignments, offline

    entry = report.entries[2]
    assignments.assign(entry, users.coordinator_al, assignee_id=None, institution_id=institution.id, due_on=None)
    document = docx.Document(io.BytesIO(offline.build_form(report, institution, "docx", users.coordinator_al)))
    table = next(t for t in document.tables if f"CTP-ENTRY-{entry.id}-V" in t.rows[0].cells[1].text)
    row = next(r for r in table.rows if "[[challenges]]" in r.cells[0].text)
    row.cells[1].paragraphs[0].text = "Staff turnover in the police."
    out = io.BytesIO()
    document.save(out)
    _kind, filed = offline.read(out.getvalue(), report, institution)
    plan = offline.plan(report, institution, filed)
    token = offline.hold(out.getvalue(), f"{PARTNER_CANARIES[3]}.docx", report, institution, users.coordinator_al,
                         plan)
    held = offline.held(token, report, institution, users.coordinator_al)
    offline.keep(report, held, users.coordinator_al, institution, offline.apply(report, plan, users.coordinator_al))
    db.session.commit()
    assert entry.challenges == "Staff turnover in the police."


def test_no_partner_internal_value_reaches_the_commission(app, users):
    """Read as a reviewer, the secretariat and an observer: every page, PDF, export, API answer and mail."""
    from tests.helpers import AuthActions
    rnd, al = build_partner_world(users)

    # Positive control: the party reads its own notes and institution.
    coordinator = _login(app, AuthActions, users, "coordinator_al")
    assert PARTNER_CANARIES[1] in text_of(coordinator.get(f"/reports/{al.id}/entries/{al.entries[0].id}"))
    assert PARTNER_CANARIES[2] in text_of(coordinator.get(f"/reports/{al.id}/entries/{al.entries[1].id}"))
    assert PARTNER_CANARIES[0] in text_of(coordinator.get(f"/reports/{al.id}/board"))
    kept = db.session.scalar(sa.select(Document).where(Document.partner_internal.is_(True)))
    assert PARTNER_CANARIES[3] in text_of(coordinator.get(f"/reports/{al.id}/offline"))  # listed, read-only now
    assert coordinator.get(f"/reports/{al.id}/documents/{kept.id}").status_code == 200
    # ... and the comment went, by mail, to the contributor it was sent back to (inside the party).
    assert any(PARTNER_CANARIES[1] in mail.body for mail in db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.recipient == users.contributor_al.email)))

    leaks: dict[str, dict[str, list[str]]] = {}
    VISITED.clear()
    for key in COMMISSION_READERS:
        client = _login(app, AuthActions, users, key)
        start = ["/", "/home", "/notifications/", "/review/", "/progress/", "/rounds/", "/audit/", "/account",
                 f"/reports/{al.id}/board"]
        start += known_routes(app, _ids(rnd, [al], users, key))
        token = api_tokens.create(users[key], "canary", 30)[1]
        db.session.commit()
        # The kept offline form (which names the institution) is the party's own: 404 like a missing one.
        assert client.get(f"/reports/{al.id}/documents/{kept.id}").status_code == 404
        found = read_everything(client, start, find=partner_canaries_in)
        found.update(read_everything(app.test_client(),
                                     [p for p in start if p.startswith("/api/")] + ["/api/v1/reports",
                                                                                     "/api/v1/rounds"],
                                     headers={"Authorization": f"Bearer {token}"}, find=partner_canaries_in))
        if found:
            leaks[key] = found
    token = api_tokens.create(users.observer, "canary", 30)[1]
    db.session.commit()
    found = read_everything(app.test_client(),
                            ["/api/v1/reports", "/api/v1/rounds", "/api/v1/approved-revisions",
                             *[p for p in known_routes(app, _ids(rnd, [al], users, "observer"))
                               if p.startswith("/api/")]],
                            headers={"Authorization": f"Bearer {token}"}, find=partner_canaries_in)
    if found:
        leaks["observer"] = found

    # The crawl read the Commission's outputs of the report: review pages, PDF, exports, API.
    for must in (f"/review/reports/{al.id}", f"/review/reports/{al.id}/entries/{al.entries[0].id}",
                 f"/compile/reports/{al.id}/pdf", f"/exports/reports/{al.id}.csv", f"/exports/reports/{al.id}.xlsx",
                 f"/exports/rounds/{rnd.id}.xlsx", f"/api/v1/reports/{al.id}/approved-revision"):
        assert must in VISITED, must

    readers = [users[k] for k in (*COMMISSION_READERS, "reviewer2", "admin", "observer")]
    for note in db.session.scalars(sa.select(Notification).where(Notification.user_id.in_([u.id for u in readers]))):
        found_in = partner_canaries_in(f"{note.subject}\n{note.body}\n{note.link}")
        if found_in:
            leaks.setdefault("notifications", {})[f"notification {note.id} to user {note.user_id}"] = found_in
    emails = [u.email for u in readers]
    for mail in db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.recipient.in_(emails))):
        found_in = partner_canaries_in(f"{mail.subject}\n{mail.body}")
        if found_in:
            leaks.setdefault("mail", {})[f"mail {mail.id} to {mail.recipient}"] = found_in
    # The revisions the Commission reviews and approves hold none of it either.
    for revision in al.revisions:
        found_in = partner_canaries_in(str(revision.snapshot) + revision.note)
        if found_in:
            leaks.setdefault("revisions", {})[f"revision {revision.number}"] = found_in

    assert not leaks, "partner-internal values reached the Commission:\n" + "\n".join(
        f"  {who}: {where}: {what}" for who, by_path in leaks.items() for where, what in by_path.items())

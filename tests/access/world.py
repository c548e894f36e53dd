"""The objects the access matrix visits: Albania's ("own") and Serbia's ("other") in every state."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ctportal.models import (Comment, Document, Party, Report, Role, RoundState, Sensitivity, Visibility,
                             db)
from ctportal.infra import storage
from ctportal.services.reporting.reports import create_report
from tests.access.spec import REPORTS
from tests.factories import approve, fill_report, make_round, submit
from tests.helpers import make_users

# One blank page: a PDF with none is damaged to qpdf, which the upload check reads every PDF with.
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

# The matrix's role names -> the accounts of tests/helpers.py
ROLE_ACCOUNTS = {
    "contributor": "contributor_al",
    "coordinator": "coordinator_al",
    "eu_reporter": "reporter_europol",
    "reviewer": "reviewer",
    "secretariat": "secretariat",
    "admin": "admin",
    "observer": "observer",
}


@dataclass
class World:
    users: object
    ids: dict[str, dict[str, int | str]] = field(default_factory=dict)
    bearer: dict[str, str] = field(default_factory=dict)   # role -> personal API token

    def params(self, obj: str) -> dict[str, int | str]:
        return self.ids.get(obj, {})


def _document(report: Report, uploader, name: str) -> Document:
    stored, sha, size = storage.write_atomically("documents", [MINIMAL_PDF], "pdf")
    doc = Document(report_id=report.id, original_name=name, stored_name=stored, content_type="application/pdf",
                   size=size, sha256=sha, sensitivity=Sensitivity.limite, uploaded_by_id=uploader.id)
    db.session.add(doc)
    db.session.flush()
    return doc


def build_world() -> World:
    users = make_users()
    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    world = World(users)
    # One round per state keeps each report's state independent of the others.
    for state in ("draft", "submitted", "approved"):
        rnd = make_round(f"Round with {state} reports", state=RoundState.draft, document_number=f"ST {state}")
        own = create_report(rnd, parties["AL"])
        other = create_report(rnd, parties["RS"])
        rnd.state = RoundState.open
        db.session.commit()
        if state in ("submitted", "approved"):
            fill_report(own)
            fill_report(other)
            submit(own, users.coordinator_al)
            submit(other, users.coordinator_rs)
        if state == "approved":
            approve(own, users.reviewer)
            approve(other, users.reviewer)
        for side, report in (("own", own), ("other", other)):
            world.ids[f"{side}_{state}"] = {"report": report.id, "entry": report.entries[0].id,
                                             "round": rnd.id}
        if state == "submitted":
            world.ids["round"] = {"round": rnd.id}
            for side, report, author in (("own", own, users.coordinator_al), ("other", other, users.coordinator_rs)):
                doc = _document(report, author, f"{side}-evidence.pdf")
                world.ids[f"{side}_document"] = {"report": report.id, "document": doc.id,
                                                 "entry": report.entries[0].id, "round": rnd.id}
                for visibility in (Visibility.shared, Visibility.internal):
                    comment = Comment(report_id=report.id, entry_id=report.entries[0].id,
                                      author_id=users.reviewer.id, visibility=visibility,
                                      body=f"{visibility.value} comment on {side}")
                    db.session.add(comment)
                    db.session.flush()
                    world.ids[f"{side}_{visibility.value}_comment"] = {
                        "report": report.id, "entry": report.entries[0].id, "comment": comment.id,
                        "round": rnd.id}
    _add_follow_ups(world, users, parties)
    _account_objects(world, users, parties)
    _add_priority_action(world, users, parties)
    _add_compiled_edition(world, users)
    _add_party_pdf_jobs(world, users)
    _add_factchecks(world, users, parties)
    _observer_consents(world, users, parties)
    _add_webhook(world, users)
    _add_institutions(world, parties)
    _add_processes(world, users, parties)
    db.session.commit()
    assert {u.role for u in users.by_key.values()} >= set(Role)
    return world


def _add_follow_ups(world: World, users, parties) -> None:
    """One follow-up item on every report object ({follow_up}), of a recommendation to its party."""
    from ctportal.models import CommissionText, FollowUp, Report, TextKind

    for side in ("own", "other"):
        for state in ("draft", "submitted", "approved"):
            ids = world.ids[f"{side}_{state}"]
            report = db.session.get(Report, ids["report"])
            assert report is not None
            text = CommissionText(round_id=report.round_id, slot=f"party-{report.party.code}", kind=TextKind.party,
                                  party_id=report.party_id, body="Assessment.", written_by_id=users.reviewer.id)
            db.session.add(text)
            db.session.flush()
            item = FollowUp(report_id=report.id, text_id=text.id, number=1, recommendation="Adopt the strategy.",
                            action_codes=["1.P1"], narrative="")
            db.session.add(item)
            db.session.flush()
            ids["follow_up"] = item.id


def _account_objects(world: World, users, parties) -> None:
    """Accounts, parties and one-time links for the account and administration routes."""
    from ctportal.models import TokenPurpose
    from ctportal.services.accounts import tokens
    from ctportal.services.accounts.users import create_user

    world.ids["own_account"] = {"user": users.contributor_al.id}
    world.ids["other_account"] = {"user": users.coordinator_rs.id}
    world.ids["own_party"] = {"party": parties["AL"].id}
    world.ids["other_party"] = {"party": parties["RS"].id}
    invited = create_user("invited.person@example.eu", "Invited Person", Role.contributor, parties["AL"])
    world.ids["invite_link"] = {"token": tokens.issue(invited, TokenPurpose.invite)}
    world.ids["reset_link"] = {"token": tokens.issue(users.contributor_rs, TokenPurpose.reset)}
    _api_tokens(world, users)


def _api_tokens(world: World, users) -> None:
    """A personal API token for every role (the matrix sends it on API routes), and two to revoke."""
    from ctportal.services.accounts import api_tokens

    for role, key in ROLE_ACCOUNTS.items():
        world.bearer[role] = api_tokens.create(users[key], f"matrix {role}", 30)[1]
    world.ids["own_token"] = {"token": api_tokens.create(users.contributor_al, "to revoke", 30)[0].id}
    world.ids["other_token"] = {"token": api_tokens.create(users.coordinator_rs, "not yours", 30)[0].id}


def _add_institutions(world: World, parties) -> None:
    """An institution of Albania and one of Serbia (routes_partner)."""
    from ctportal.models import EntryWork, Institution

    for side, code, name in (("own", "AL", "Ministria e Drejtësisë"), ("other", "RS", "Министарство правде")):
        institution = Institution(party_id=parties[code].id, name=name)
        db.session.add(institution)
        db.session.flush()
        world.ids[f"{side}_institution"] = {"institution": institution.id}
        # Each report knows its party's institution (the offline forms' routes); the draft's first entry is
        # assigned to it, so that its form holds an entry.
        for state in ("draft", "submitted", "approved"):
            world.ids[f"{side}_{state}"]["institution"] = institution.id
        draft = db.session.get(Report, world.ids[f"{side}_draft"]["report"])
        db.session.add(EntryWork(entry_id=draft.entries[0].id, report_id=draft.id, institution_id=institution.id))
        db.session.flush()


def _add_webhook(world: World, users) -> None:
    """A webhook (to an address nothing listens on: the world approves nothing after it is made)."""
    from ctportal.models import Webhook

    hook = Webhook(url="https://hooks.example.eu/ctportal", secret="matrix", events="report.approved",
                   created_by_id=users.admin.id)
    db.session.add(hook)
    db.session.flush()
    world.ids["webhook"] = {"webhook": hook.id}


def _observer_consents(world: World, users, parties) -> None:
    """The observer is bound to Albania; Albania and Serbia consent in every round."""
    from ctportal.models import Round
    from ctportal.services.accounts import observers

    observers.bind(users.observer, [parties["AL"]])
    world.ids["observer_account"] = {"user": users.observer.id}
    for rnd in db.session.scalars(sa.select(Round).where(Round.state != RoundState.draft)):
        observers.give(rnd, parties["AL"], users.coordinator_al)
        observers.give(rnd, parties["RS"], users.coordinator_rs)


def _add_priority_action(world: World, users, parties) -> None:
    """A priority action of Albania, made after the reports so that no report contains it (routes_desk)."""
    from ctportal.models import Action, PriorityAction

    action = db.session.scalar(sa.select(Action).where(Action.code == "1.P1"))
    priority = PriorityAction(party_id=parties["AL"].id, action_id=action.id, text="Adopt the CT strategy.",
                              created_by_id=users.reviewer.id)
    db.session.add(priority)
    db.session.flush()
    world.ids["own_priority"] = {"priority": priority.id, "party": parties["AL"].id}


def _add_compiled_edition(world: World, users) -> None:
    """A finished edition of the consolidated PDF in the open round, as {edition} (routes_editions)."""
    from ctportal.models import CompiledReport, CompileState, utcnow

    name, sha, size = storage.write_atomically("compiled", [MINIMAL_PDF], "pdf")
    docx, docx_sha, docx_size = storage.write_atomically("compiled", [b"PK\x05\x06" + b"\0" * 18], "docx")
    edition = CompiledReport(round_id=world.ids["round"]["round"], state=CompileState.done, progress=100,
                             requested_by_id=users.secretariat.id, stored_name=name, sha256=sha, size=size,
                             page_count=1, finished_at=utcnow(), docx_stored_name=docx, docx_sha256=docx_sha,
                             docx_size=docx_size)
    db.session.add(edition)
    db.session.flush()
    world.ids["round"]["edition"] = edition.id


def _add_factchecks(world: World, users, parties) -> None:
    """Two draft editions of the open round with their fact-check open (routes_editions): one with
    Albania's part ("own_factcheck"), one with Serbia's only ("other_factcheck")."""
    import datetime as dt

    from ctportal.models import CompiledReport, CompileState, FactcheckCorrection, FactcheckSlice, Revision, utcnow

    for side, code in (("own", "AL"), ("other", "RS")):
        report_id = world.ids[f"{side}_submitted"]["report"]
        revision = db.session.scalar(sa.select(Revision.id).where(Revision.report_id == report_id).limit(1))
        name, sha, size = storage.write_atomically("compiled", [MINIMAL_PDF], "pdf")
        edition = CompiledReport(round_id=world.ids["round"]["round"], state=CompileState.done, progress=100,
                                 requested_by_id=users.secretariat.id, stored_name=name, sha256=sha, size=size,
                                 page_count=1, finished_at=utcnow(), draft=True,
                                 factcheck_ends_on=dt.date.today() + dt.timedelta(days=7))
        db.session.add(edition)
        db.session.flush()
        part, sha, _ = storage.write_atomically("compiled", [MINIMAL_PDF], "pdf")
        db.session.add(FactcheckSlice(edition_id=edition.id, party_id=parties[code].id, revision_id=revision,
                                      stored_name=part, sha256=sha, page_count=1))
        author = users.coordinator_al if code == "AL" else users.coordinator_rs
        correction = FactcheckCorrection(edition_id=edition.id, party_id=parties[code].id, action_code="",
                                         body="The date is wrong.", author_id=author.id)
        db.session.add(correction)
        db.session.flush()
        world.ids[f"{side}_factcheck"] = {"factcheck": edition.id, "round": world.ids["round"]["round"],
                                          "correction": correction.id}
    db.session.flush()


def _add_processes(world: World, users, parties) -> None:
    """A follow-up process of the open round concerning Albania ("own_process", its report shared with
    the parties concerned) and one concerning Serbia only ("other_process"), as {process} (routes_processes)."""
    import datetime as dt

    from ctportal.models import ProcessKind, ProcessRecord

    for side, code in (("own", "AL"), ("other", "RS")):
        stored, sha, size = storage.write_atomically("documents", [MINIMAL_PDF], "pdf")
        record = ProcessRecord(round_id=world.ids["round"]["round"], kind=ProcessKind.dialogue,
                               title=f"Dialogue with {code}", held_on=dt.date(2025, 3, 1), place="Brussels",
                               participants="", summary="", internal_notes="", action_codes=["1.P1"],
                               recommendations=[], report_name="minutes.pdf", report_stored=stored,
                               report_type="application/pdf", report_size=size, report_sha256=sha,
                               report_shared=True, recorded_by_id=users.reviewer.id, updated_by_id=users.reviewer.id)
        record.parties = [parties[code]]
        db.session.add(record)
        db.session.flush()
        world.ids[f"{side}_process"] = {"process": record.id, "round": world.ids["round"]["round"]}


def _add_party_pdf_jobs(world: World, users) -> None:
    """A finished party PDF job on every report object, as {job} (routes_editions)."""
    from ctportal.models import CompileState, PartyPdfJob, Revision, utcnow

    any_revision = db.session.scalar(sa.select(Revision.id).order_by(Revision.id).limit(1))
    for key in REPORTS:
        report_id = world.ids[key]["report"]
        revision = db.session.scalar(sa.select(Revision.id).where(Revision.report_id == report_id)
                                     .order_by(Revision.number.desc()).limit(1)) or any_revision
        job = PartyPdfJob(report_id=report_id, revision_id=revision, state=CompileState.done, progress=100,
                          stage="Done", requested_by_id=users.reviewer.id, started_at=utcnow(), finished_at=utcnow(),
                          heartbeat_at=utcnow())
        db.session.add(job)
        db.session.flush()
        world.ids[key]["job"] = job.id

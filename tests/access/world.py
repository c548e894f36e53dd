"""The objects the access matrix visits: Albania's ("own") and Serbia's ("other") in every state."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ctportal.models import (Comment, Document, Party, Report, Role, RoundState, Sensitivity, Visibility,
                             db)
from ctportal.services import storage
from ctportal.services.reports import create_report
from tests.factories import approve, fill_report, make_round, submit
from tests.helpers import make_users

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

# The matrix's role names -> the accounts of tests/helpers.py
ROLE_ACCOUNTS = {
    "contributor": "contributor_al",
    "coordinator": "coordinator_al",
    "eu_reporter": "reporter_europol",
    "reviewer": "reviewer",
    "secretariat": "secretariat",
    "admin": "admin",
}


@dataclass
class World:
    users: object
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def params(self, obj: str) -> dict[str, int]:
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
    db.session.commit()
    assert {u.role for u in users.by_key.values()} >= set(Role)
    return world

"""What `seed-demo` writes, compared with a recorded fingerprint: moving the demo's text into data
files (or any other refactoring of ctportal/demo) must not change the seeded accounts, passwords,
reports, states, entries, comments, reviews or documents.

The fingerprint is taken on a fixed day (the round's dates follow "today"), leaves out only the
clock's timestamps and database ids, and is compared key by key so that a failure names what
changed. After an intended change of the demo, record it again with
`CTPORTAL_RECORD_DEMO_FINGERPRINT=1 .venv/bin/python -m pytest tests/test_demo_fingerprint.py`
and read the diff of tests/golden/demo_fingerprint.json before committing it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.infra import storage
from ctportal.models import (CommissionText, Comment, CompiledReport, Document, EntryKind, EntryReview, FollowUp, Party,
                             PriorityAction, Report, ReportEvent, Revision, Round, User, db)
from ctportal.services.accounts.passwords import verify_password

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo_fingerprint.json"
FIXED_TODAY = dt.date(2026, 12, 3)
TEXT_FIELDS = ("narrative", "summary", "na_justification", "challenges", "eu_support_needed", "next_steps",
               "next_steps_timeline", "responsible_institutions")


class _FixedDate(dt.date):
    @classmethod
    def today(cls) -> dt.date:
        return FIXED_TODAY


def _sorted(rows) -> list:
    return sorted(rows, key=lambda row: json.dumps(row, ensure_ascii=False, default=str))


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _entry_name(entry) -> str:
    # A priority entry's key holds the priority action's id, which a database sequence numbers anew.
    return f"PA on {entry.action.code}" if entry.kind == EntryKind.priority else entry.key


def fingerprint() -> dict:
    emails = {u.id: u.email for u in db.session.scalars(sa.select(User))}
    # The demo round; its previous round (issue 15, item 2) has a section of its own, at the end.
    rnd = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/26"))
    reports = {r.id: r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    code = {rid: r.party.code for rid, r in reports.items()}
    entry_names = {e.id: _entry_name(e) for r in reports.values() for e in r.entries}
    result: dict = {
        "round": {name: str(getattr(rnd, name)) for name in (
            "title", "document_number", "state", "period_start", "period_end", "submission_deadline",
            "review_deadline", "meeting_name", "meeting_place", "meeting_date")},
        "users": _sorted([u.email, u.name, u.role.value, u.party.code if u.party else None, u.totp_enabled,
                         verify_password(u.password_hash, "demo-portal-passphrase")]
                        for u in db.session.scalars(sa.select(User))),
        "reports": {},
        "entries": {},
        "priority_actions": _sorted([db.session.get(Party, p.party_id).code, p.action.code, p.text,
                                    str(p.target_date), emails[p.created_by_id]]
                                   for p in db.session.scalars(sa.select(PriorityAction))),
        "comments": _sorted([code[c.report_id], entry_names.get(c.entry_id), emails.get(c.author_id),
                            c.visibility.value, c.is_system, c.body, c.parent_id is not None,
                            c.resolved_at is not None, _revision_number(c.revision_id)]
                           for c in db.session.scalars(sa.select(Comment)) if c.report_id in reports),
        "reviews": _sorted([code[r.report_id], r.entry_key if not r.entry_key.startswith("PA") else "PA",
                           r.verdict.value, r.assessment.value if r.assessment else None, r.note, r.report_summary,
                           emails[r.reviewer_id], _revision_number(r.revision_id)]
                          for r in db.session.scalars(sa.select(EntryReview)) if r.report_id in reports),
        "documents": _sorted([code[d.report_id], entry_names.get(d.entry_id), d.original_name, d.title,
                             d.sensitivity.value, d.sha256, d.size, emails[d.uploaded_by_id],
                             hashlib.sha256(storage.path_for("documents", d.stored_name).read_bytes()).hexdigest()]
                            for d in db.session.scalars(sa.select(Document)) if d.report_id in reports),
        "commission_texts": _sorted([t.slot, t.kind.value, t.assessment.value if t.assessment else None,
                                     t.state.value, t.body, emails[t.written_by_id], emails.get(t.approved_by_id),
                                     [[r.number, r.body, r.action_codes] for r in t.recommendations]]
                                    for t in db.session.scalars(sa.select(CommissionText))
                                    if t.round_id == rnd.id),
        "events": _sorted([code[e.report_id], e.action, e.from_state.value if e.from_state else None, e.to_state.value,
                          emails.get(e.actor_id), e.reason, _revision_number(e.revision_id)]
                         for e in db.session.scalars(sa.select(ReportEvent)) if e.report_id in reports),
        "follow_ups": _sorted([code[f.report_id], f.number, f.recommendation, f.action_codes,
                              f.status.value if f.status else None, f.narrative, emails.get(f.updated_by_id)]
                             for f in db.session.scalars(sa.select(FollowUp)) if f.report_id in reports),
        "previous_round": _previous_round(emails),
    }
    for rid, report in reports.items():
        result["reports"][code[rid]] = {
            "state": report.state.value,
            "revisions": [rev.number for rev in report.revisions],
            "approved_revision": report.approved_revision.number if report.approved_revision else None,
            "assigned_reviewer": emails.get(report.assigned_reviewer_id),
            "snapshots": [_digest(_without_ids(rev.snapshot)) for rev in report.revisions],
        }
        for entry in report.entries:
            result["entries"][f"{code[rid]} {_entry_name(entry)}"] = _digest({
                "status": entry.status.value if entry.status else None,
                "copied": entry.copied_from_previous,
                "edited_by": emails.get(entry.updated_by_id),
                "edited": entry.updated_at is not None,
                "texts": {name: getattr(entry, name) for name in TEXT_FIELDS},
                "measures": [(m.position, m.description, str(m.taken_on)) for m in entry.measures],
                "legal_acts": [(a.position, a.title, str(a.adopted_on), a.gazette_reference)
                               for a in entry.legal_acts],
            })
    return result


def _previous_round(emails: dict[int, str]) -> dict:
    """The demo's previous round: its reports' states and snapshots, its texts, its edition's state."""
    rnd = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/25"))
    if rnd is None:
        return {}
    reports = list(db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id)))
    return {
        "round": {name: str(getattr(rnd, name)) for name in ("title", "state", "period_start", "period_end")},
        "reports": {r.party.code: [r.state.value, [_digest(_without_ids(rev.snapshot)) for rev in r.revisions]]
                    for r in reports},
        "texts": _sorted([t.slot, t.state.value, t.body, emails[t.written_by_id], emails.get(t.approved_by_id),
                          [[r.number, r.body, r.action_codes] for r in t.recommendations]]
                         for t in db.session.scalars(sa.select(CommissionText)) if t.round_id == rnd.id),
        "editions": [e.state.value for e in db.session.scalars(
            sa.select(CompiledReport).where(CompiledReport.round_id == rnd.id))],
    }


def _revision_number(revision_id: int | None) -> int | None:
    return db.session.get(Revision, revision_id).number if revision_id is not None else None


def _without_ids(value: object) -> object:
    """A snapshot without what the database or the clock chose (ids, timestamps, PA keys)."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items()
                if not (k == "id" or k.endswith("_id") or k.endswith("_at") or k in ("key", "stored_name"))}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


@pytest.fixture
def seeded(runner, app, monkeypatch):
    from ctportal.demo import seed
    monkeypatch.setattr(seed.dt, "date", _FixedDate)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_the_seeded_demo_matches_the_recorded_fingerprint(seeded):
    found = json.loads(json.dumps(fingerprint(), ensure_ascii=False, default=str))
    if os.environ.get("CTPORTAL_RECORD_DEMO_FINGERPRINT"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found.keys() == expected.keys()
    for part in expected:
        if isinstance(expected[part], dict):
            assert found[part].keys() == expected[part].keys(), part
            for key in expected[part]:
                assert found[part][key] == expected[part][key], f"{part}: {key}"
        else:
            assert found[part] == expected[part], part


def test_the_fingerprint_sees_a_changed_text(demo):
    # A fingerprint that missed a one-letter change would pass any refactoring.
    before = fingerprint()
    report = db.session.scalar(sa.select(Report).join(Party).join(Round).where(
        Party.code == "MK", Round.document_number == "DEMO 1/26"))
    entry = next(e for e in report.entries if e.narrative)
    entry.narrative = entry.narrative.replace("the", "teh", 1)
    comment = db.session.scalar(sa.select(Comment).where(Comment.is_system.is_(False)))
    comment.body += "."
    db.session.flush()
    after = fingerprint()
    assert after["entries"][f"MK {entry.key}"] != before["entries"][f"MK {entry.key}"]
    assert after["comments"] != before["comments"]
    assert {k for k in after["entries"] if after["entries"][k] != before["entries"][k]} == {f"MK {entry.key}"}

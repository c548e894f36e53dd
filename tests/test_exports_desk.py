"""Exports of a round and of one party: what is in them, for whom, and that each is an audit event."""
from __future__ import annotations

import csv
import io

import openpyxl
import sqlalchemy as sa

from ctportal.models import (Assessment, AuditEvent, Comment, EntryReview, EntryStatus, Verdict, Visibility,
                             db)
from ctportal.services.reporting.revisions import latest_revision
from tests.factories import approve, fill_report, make_round, report_of, submit


def _world(users):
    rnd = make_round()
    al, rs, xk = report_of(rnd, "AL"), report_of(rnd, "RS"), report_of(rnd, "XK")
    fill_report(al, "Albania did {key}.", status=EntryStatus.achieved)
    al.entries[0].narrative = "=HYPERLINK(\"http://evil.example\",\"click\")"
    db.session.commit()
    submit(al, users.coordinator_al)
    revision = latest_revision(al)
    first = al.entries[0]
    db.session.add(EntryReview(report_id=al.id, revision_id=revision.id, entry_id=first.id, entry_key=first.key,
                               verdict=Verdict.accepted, assessment=Assessment.good_progress,
                               note="Internal: ask about the budget.", reviewer_id=users.reviewer.id))
    db.session.add(Comment(report_id=al.id, entry_id=first.id, author_id=users.reviewer.id,
                           visibility=Visibility.shared, body="Shared remark on 1.P1"))
    db.session.add(Comment(report_id=al.id, entry_id=first.id, author_id=users.reviewer.id,
                           visibility=Visibility.internal, body="Internal remark on 1.P1"))
    db.session.commit()
    approve(al, users.reviewer)
    fill_report(rs, "Serbia did {key}.")
    submit(rs, users.coordinator_rs)
    fill_report(xk, "Kosovo drafted {key}.", limit=4)
    return rnd


def _xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _rows(ws):
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_the_commission_export_has_a_summary_all_entries_and_a_sheet_per_objective(auth, client, users):
    rnd = _world(users)
    auth.login("secretariat")
    wb = _xlsx(client.get(f"/exports/rounds/{rnd.id}.xlsx"))
    assert wb.sheetnames == ["Summary", "All entries"] + [f"Objective {n}" for n in range(1, 6)]
    rows = _rows(wb["All entries"])
    parties = {r["Party code"] for r in rows}
    assert parties == {"AL", "RS"}                         # Kosovo* never submitted: not in the rows
    al = [r for r in rows if r["Party code"] == "AL"]
    assert {r["Data shown"] for r in al} == {"Approved"}
    assert {r["Data shown"] for r in rows if r["Party code"] == "RS"} == {"Submitted, not yet approved"}
    first = next(r for r in al if r["Action code"] == "1.P1")
    assert (first["Review verdict"], first["Commission assessment"]) == ("Accepted", "Good progress")
    assert first["Review note (internal)"] == "Internal: ask about the budget."
    assert "Internal remark on 1.P1" in first["Internal comments"]
    assert "Shared remark on 1.P1" in first["Comments (shared with the party)"]
    assert sum(len(_rows(wb[f"Objective {n}"])) for n in range(1, 6)) == len(rows)
    assert {r["Objective"] for r in _rows(wb["Objective 3"])} == {3}
    summary = [row for row in wb["Summary"].iter_rows(values_only=True)]
    assert summary[0][0] == rnd.title
    names = [row[0] for row in summary]
    assert "Kosovo*" in names and any(str(n).startswith("*This designation") for n in names if n)


def test_text_that_looks_like_a_formula_stays_text(auth, client, users):
    rnd = _world(users)
    auth.login("reviewer")
    wb = _xlsx(client.get(f"/exports/rounds/{rnd.id}.xlsx"))
    ws = wb["All entries"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"
    body = client.get(f"/exports/rounds/{rnd.id}.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_a_party_user_exports_only_their_own_party_without_internal_fields(auth, client, users):
    rnd = _world(users)
    auth.login("coordinator_al")
    wb = _xlsx(client.get(f"/exports/rounds/{rnd.id}.xlsx"))
    rows = _rows(wb["All entries"])
    assert {r["Party code"] for r in rows} == {"AL"}
    for internal_column in ("Commission assessment", "Review note (internal)", "Internal comments"):
        assert internal_column not in rows[0]
    assert next(r for r in rows if r["Action code"] == "1.P1")["Review verdict"] == "Accepted"
    every_value = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    for secret in ("Internal remark", "ask about the budget", "Good progress", "Serbia did", "Kosovo drafted"):
        assert secret not in every_value
    body = client.get(f"/exports/rounds/{rnd.id}.csv").data.decode("utf-8-sig")
    assert "Internal" not in body and "Serbia" not in body
    assert "Shared remark on 1.P1" in body


def test_a_party_user_exports_their_own_draft(auth, client, users):
    rnd = _world(users)
    xk = report_of(rnd, "XK")
    auth.login("coordinator_xk")
    body = client.get(f"/exports/reports/{xk.id}.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(xk.entries)
    assert {r["Party"] for r in rows} == {"Kosovo*"}
    assert {r["Data shown"] for r in rows} == {"Draft (not submitted)"}


def test_one_partys_export_holds_that_party_only(auth, client, users):
    rnd = _world(users)
    rs = report_of(rnd, "RS")
    auth.login("reviewer")
    wb = _xlsx(client.get(f"/exports/reports/{rs.id}.xlsx"))
    assert {r["Party code"] for r in _rows(wb["All entries"])} == {"RS"}
    # The Commission does not export a draft never submitted, nor another party's through a party user.
    assert client.get(f"/exports/reports/{report_of(rnd, 'XK').id}.xlsx").status_code == 404
    auth.logout()
    auth.login("coordinator_al")
    assert client.get(f"/exports/reports/{rs.id}.csv").status_code == 404


def test_every_export_is_an_audit_event(auth, client, users):
    rnd = _world(users)
    rs = report_of(rnd, "RS")
    auth.login("secretariat")
    client.get(f"/exports/rounds/{rnd.id}.xlsx")
    client.get(f"/exports/rounds/{rnd.id}.csv")
    client.get(f"/exports/reports/{rs.id}.csv")
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export.downloaded")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail["format"] for e in events] == ["xlsx", "csv", "csv"]
    assert [e.object_type for e in events] == ["round", "round", "report"]
    assert {"AL", "RS", "XK"} <= set(events[0].detail["parties"])
    assert events[2].detail["parties"] == ["RS"] and events[2].party_id == rs.party_id
    assert all(e.actor_email == users.secretariat.email for e in events)

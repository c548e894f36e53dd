"""Observers read, through the API, only what a party bound to them has agreed to share, round by round."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.infra import storage
from ctportal.models import (AuditEvent, CompiledReport, CompileState, ObserverConsent, Party, RoundState, db,
                             utcnow)
from ctportal.services.accounts import observers
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_api import bearer


def _party(code: str) -> Party:
    return db.session.scalar(sa.select(Party).where(Party.code == code))


def _coordinator(code: str):
    from ctportal.models import Role, User
    from ctportal.services.accounts.users import create_user

    email = f"coordinator.{code.lower()}@example.eu"
    return db.session.scalar(sa.select(User).where(User.email == email)) or create_user(
        email, f"Coordinator {code}", Role.coordinator, _party(code))


def _world(users):
    """A round with Albania, Serbia and Kosovo approved and Montenegro submitted; the observer
    is bound to Albania, Serbia and Montenegro."""
    rnd = make_round("Round 2026")
    authors = {"AL": users.coordinator_al, "RS": users.coordinator_rs, "XK": users.coordinator_xk}
    for code, author in authors.items():
        report = fill_report(report_of(rnd, code))
        submit(report, author)
        approve(report, users.reviewer)
    montenegro = fill_report(report_of(rnd, "ME"))
    submit(montenegro, _coordinator("ME"))
    observers.bind(users.observer, [_party("AL"), _party("RS"), _party("ME")])
    db.session.commit()
    return rnd


def _ids(client, path, headers):
    return [item["party"] for item in client.get(path, headers=headers).get_json()["items"]]


def test_without_consent_an_observer_reads_nothing_and_a_report_is_a_plain_404(client, users):
    rnd = _world(users)
    headers = bearer(users.observer)
    assert _ids(client, "/api/v1/approved-revisions", headers) == []
    assert _ids(client, "/api/v1/reports", headers) == []
    assert _ids(client, "/api/v1/rounds", headers) == []
    albania = report_of(rnd, "AL")
    assert client.get(f"/api/v1/reports/{albania.id}/approved-revision", headers=headers).data == \
        client.get("/api/v1/reports/987654/approved-revision", headers=headers).data
    assert client.get(f"/api/v1/rounds/{rnd.id}/progress", headers=headers).status_code == 404


def test_consent_opens_exactly_the_consenting_bound_parties_approved_reports(client, auth, users):
    rnd = _world(users)
    auth.login("coordinator_al")
    assert client.post(f"/sharing/rounds/{rnd.id}/give").status_code == 302
    observers.give(rnd, _party("XK"), users.coordinator_xk)   # consents, but the observer is not bound to it
    observers.give(rnd, _party("ME"), _coordinator("ME"))   # bound and consents, but only submitted
    db.session.commit()
    headers = bearer(users.observer)
    assert _ids(client, "/api/v1/approved-revisions", headers) == ["AL"]
    assert _ids(client, "/api/v1/reports", headers) == ["AL"]
    albania, serbia, kosovo, montenegro = (report_of(rnd, c) for c in ("AL", "RS", "XK", "ME"))
    revision = client.get(f"/api/v1/reports/{albania.id}/approved-revision", headers=headers).get_json()
    assert revision["snapshot"] == albania.approved_revision.snapshot
    missing = client.get("/api/v1/reports/987654", headers=headers).data
    for report in (serbia, kosovo, montenegro):
        assert client.get(f"/api/v1/reports/{report.id}", headers=headers).data == missing
    progress = client.get(f"/api/v1/rounds/{rnd.id}/progress", headers=headers).get_json()
    assert [(p["party"], p["source"]) for p in progress["parties"]] == [("AL", "approved")]
    assert progress["parties"][0]["answered"] == progress["parties"][0]["total"] > 0


def test_observers_never_open_the_pages(client, auth, users):
    rnd = _world(users)
    observers.give(rnd, _party("AL"), users.coordinator_al)
    db.session.commit()
    auth.login("observer")
    albania = report_of(rnd, "AL")
    for path in (f"/reports/{albania.id}", f"/reports/{albania.id}/timeline", f"/progress/rounds/{rnd.id}",
                 f"/review/reports/{albania.id}", f"/exports/reports/{albania.id}.csv"):
        assert client.get(path).status_code in (403, 404), path


def test_withdrawn_consent_closes_at_once_and_the_history_stays(client, auth, users):
    rnd = _world(users)
    headers = bearer(users.observer)
    auth.login("coordinator_al")
    client.post(f"/sharing/rounds/{rnd.id}/give")
    assert _ids(client, "/api/v1/approved-revisions", headers) == ["AL"]
    page = client.get("/sharing/").get_data(as_text=True)
    assert "Withdraw consent" in page and users.observer.name in page
    client.post(f"/sharing/rounds/{rnd.id}/withdraw")
    assert _ids(client, "/api/v1/approved-revisions", headers) == []
    rows = db.session.scalars(sa.select(ObserverConsent)).all()
    assert len(rows) == 1 and rows[0].withdrawn_at is not None and rows[0].withdrawn_by_id == users.coordinator_al.id
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("consent.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["consent.given", "consent.withdrawn"]
    reads = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api.request",
                                                           AuditEvent.actor_id == users.observer.id)).all()
    assert len(reads) == 2 and {e.detail["role"] for e in reads} == {"observer"}


def test_consent_is_per_round(client, users):
    rnd = _world(users)
    later = make_round("Round 2027", document_number="ST 9/27")
    report = fill_report(report_of(later, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    observers.give(later, _party("AL"), users.coordinator_al)
    db.session.commit()
    headers = bearer(users.observer)
    revisions = client.get("/api/v1/approved-revisions", headers=headers).get_json()["items"]
    assert [(r["party"], r["round_id"]) for r in revisions] == [("AL", later.id)]
    assert client.get(f"/api/v1/reports/{report_of(rnd, 'AL').id}", headers=headers).status_code == 404


def _edition(rnd, users, codes):
    name, sha, size = storage.write_atomically("compiled", [b"%PDF-1.4\n%%EOF\n"], "pdf")
    edition = CompiledReport(round_id=rnd.id, state=CompileState.done, progress=100,
                             requested_by_id=users.secretariat.id,
                             stored_name=name, sha256=sha, size=size, page_count=1, finished_at=utcnow(),
                             revisions=[report_of(rnd, c).approved_revision for c in codes])
    db.session.add(edition)
    db.session.commit()
    return edition


def test_observers_read_only_final_editions_wholly_of_consenting_bound_parties(client, users):
    rnd = _world(users)
    for code, who in (("AL", users.coordinator_al), ("RS", users.coordinator_rs), ("XK", users.coordinator_xk)):
        observers.give(rnd, _party(code), who)
    db.session.commit()
    only_theirs = _edition(rnd, users, ["AL", "RS"])
    with_kosovo = _edition(rnd, users, ["AL", "RS", "XK"])
    headers = bearer(users.observer)
    assert client.get(f"/api/v1/rounds/{rnd.id}/editions", headers=headers).get_json() == []  # not final yet
    rnd.state = RoundState.closed
    db.session.commit()
    listed = client.get(f"/api/v1/rounds/{rnd.id}/editions", headers=headers).get_json()
    assert [e["id"] for e in listed] == [only_theirs.id]
    assert client.get(f"/api/v1/rounds/{rnd.id}/editions/{only_theirs.id}/file", headers=headers).status_code == 200
    assert client.get(f"/api/v1/rounds/{rnd.id}/editions/{with_kosovo.id}/file", headers=headers).data == \
        client.get(f"/api/v1/rounds/{rnd.id}/editions/987654/file", headers=headers).data
    only_theirs.superseded_at = utcnow()
    db.session.commit()
    assert client.get(f"/api/v1/rounds/{rnd.id}/editions", headers=headers).get_json() == []


def test_observe_command_binds_parties(app, users, runner):
    result = runner.invoke(args=["observe", users.observer.email, "--party", "al", "--party", "RS"])
    assert result.exit_code == 0, result.output
    assert [p.code for p in observers.bound_parties(users.observer)] == ["AL", "RS"]
    result = runner.invoke(args=["observe", users.observer.email, "--party", "ME"])
    assert [p.code for p in observers.bound_parties(users.observer)] == ["ME"]
    refused = runner.invoke(args=["observe", users.reviewer.email, "--party", "AL"])
    assert refused.exit_code != 0 and "not an observer" in refused.output


def test_the_admin_chooses_an_observers_parties(client, auth, users):
    auth.login("admin")
    page = client.get(f"/admin/users/{users.observer.id}").get_data(as_text=True)
    assert f"/admin/observers/{users.observer.id}/parties" in page
    answer = client.post(f"/admin/observers/{users.observer.id}/parties", data={"parties": ["RS", "AL"]})
    assert answer.status_code == 302
    assert [p.code for p in observers.bound_parties(users.observer)] == ["AL", "RS"]
    html = client.get(f"/admin/observers/{users.observer.id}/parties").get_data(as_text=True)
    assert html.count("checked") == 2
    assert client.get(f"/admin/observers/{users.reviewer.id}/parties").status_code == 404
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "observer.parties_set"))
    assert event.actor_email == users.admin.email and event.detail["parties"] == ["AL", "RS"]

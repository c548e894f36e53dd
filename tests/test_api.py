"""The JSON API (/api/v1): tokens, what each user reads, paging, filters, ETags, errors, the audit trail."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from ctportal.models import ApiToken, AuditEvent, RoundState, db
from ctportal.services.accounts import api_tokens
from tests.factories import approve, fill_report, make_round, report_of, submit


def bearer(user, name: str = "test") -> dict[str, str]:
    _, secret = api_tokens.create(user, name, 30)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def rounds(app, users):
    """An open round with Albania and Serbia approved, Kosovo submitted, the rest drafts; and a draft round."""
    rnd = make_round("Round 2026")
    for code, author in (("AL", users.coordinator_al), ("RS", users.coordinator_rs), ("XK", users.coordinator_xk)):
        report = fill_report(report_of(rnd, code))
        submit(report, author)
        if code != "XK":
            approve(report, users.reviewer)
    hidden = make_round("Round in preparation", state=RoundState.draft, document_number="ST 2/26")
    return rnd, hidden


def test_the_openapi_document_is_generated_and_valid(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["security"] == [{"bearerToken": []}]
    assert {"/api/v1/approved-revisions", "/api/v1/reports/{report_id}", "/api/v1/rounds/{round_id}/progress",
            "/api/v1/rounds/{round_id}/editions/{edition_id}/file", "/api/v1/plans/{code}"} <= set(spec["paths"])


def test_the_reference_page_is_served_from_this_origin(client):
    page = client.get("/api/v1/reference")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/reference/assets/swagger-ui-bundle.js" in html and "http" not in html.split("<body>")[1].split(
        "</body>")[0].replace('href="/', "")
    assert client.get("/api/v1/reference/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/reference/assets/index.html").status_code == 404


def test_no_token_a_wrong_one_a_revoked_or_expired_one_is_401(client, users, rounds):
    assert client.get("/api/v1/rounds").status_code == 401
    assert client.get("/api/v1/rounds").headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/rounds", headers={"Authorization": "Bearer ctp_nonsense"}).status_code == 401
    headers = bearer(users.reviewer)
    assert client.get("/api/v1/rounds", headers=headers).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users.reviewer.id))
    token.expires_at = dt.datetime(2020, 1, 1)
    db.session.commit()
    assert client.get("/api/v1/rounds", headers=headers).status_code == 401
    headers = bearer(users.reviewer, "second")
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "second"))
    api_tokens.revoke(token, users.reviewer)
    db.session.commit()
    assert client.get("/api/v1/rounds", headers=headers).status_code == 401
    headers = bearer(users.contributor_al)
    users.contributor_al.active = False
    db.session.commit()
    assert client.get("/api/v1/rounds", headers=headers).status_code == 401


def test_a_browser_session_does_not_open_the_api(client, auth, users, rounds):
    auth.login("reviewer")
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/rounds").status_code == 401


def test_only_the_hash_of_a_token_is_stored(app, users):
    row, secret = api_tokens.create(users.reviewer, "dashboard", 10)
    db.session.commit()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with db.engine.connect() as conn:
        dump = repr(conn.execute(sa.text("SELECT * FROM api_token")).all())
    assert secret not in dump and secret[len(api_tokens.PREFIX) + 6:] not in dump


def test_a_party_user_reads_only_its_own_party(client, users, rounds):
    rnd, hidden = rounds
    headers = bearer(users.coordinator_al)
    approved = client.get(f"/api/v1/approved-revisions?round={rnd.id}", headers=headers).get_json()
    assert [item["party"] for item in approved["items"]] == ["AL"]
    assert approved["items"][0]["snapshot"]["report"]["party_code"] == "AL"
    reports = client.get("/api/v1/reports", headers=headers).get_json()
    assert {r["party"] for r in reports["items"]} == {"AL"}
    assert hidden.id not in [r["id"] for r in client.get("/api/v1/rounds", headers=headers).get_json()["items"]]


def test_another_partys_report_is_the_same_404_as_a_missing_one(client, users, rounds):
    rnd, hidden = rounds
    headers = bearer(users.coordinator_al)
    serbia = report_of(rnd, "RS")
    for path in (f"/api/v1/reports/{serbia.id}", f"/api/v1/reports/{serbia.id}/approved-revision"):
        theirs = client.get(path, headers=headers)
        missing = client.get(path.replace(str(serbia.id), "987654"), headers=headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.data == missing.data
    assert client.get(f"/api/v1/rounds/{hidden.id}", headers=headers).data == \
        client.get("/api/v1/rounds/987654", headers=headers).data


def test_the_commission_reads_every_approved_revision_and_no_draft(client, users, rounds):
    rnd, _ = rounds
    headers = bearer(users.reviewer)
    approved = client.get(f"/api/v1/approved-revisions?round={rnd.id}", headers=headers).get_json()
    assert [i["party"] for i in approved["items"]] == ["AL", "RS"]
    reports = client.get(f"/api/v1/reports?round={rnd.id}", headers=headers).get_json()["items"]
    assert {r["party"]: r["state"] for r in reports} == {"AL": "approved", "RS": "approved", "XK": "submitted"}
    albania = report_of(rnd, "AL")
    revision = client.get(f"/api/v1/reports/{albania.id}/approved-revision", headers=headers).get_json()
    assert revision["snapshot_sha256"] == albania.approved_revision.snapshot_sha256
    assert revision["snapshot"] == albania.approved_revision.snapshot
    kosovo = report_of(rnd, "XK")
    assert client.get(f"/api/v1/reports/{kosovo.id}/approved-revision", headers=headers).status_code == 404


def test_filters_and_paging(client, users, rounds):
    rnd, _ = rounds
    headers = bearer(users.reviewer)
    first = client.get(f"/api/v1/reports?round={rnd.id}&per_page=2", headers=headers).get_json()
    second = client.get(f"/api/v1/reports?round={rnd.id}&per_page=2&page=2", headers=headers).get_json()
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (3, 2, 2, 1)
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert [r["party"] for r in client.get("/api/v1/reports?party=rs", headers=headers).get_json()["items"]] == ["RS"]
    assert client.get("/api/v1/reports?party=ZZ", headers=headers).get_json()["total"] == 0
    states = client.get("/api/v1/reports?state=submitted", headers=headers).get_json()["items"]
    assert [r["party"] for r in states] == ["XK"]
    assert [r["party"] for r in client.get("/api/v1/approved-revisions?party=AL", headers=headers)
            .get_json()["items"]] == ["AL"]


def test_a_wrong_argument_is_a_422_naming_the_field(client, users, rounds):
    response = client.get("/api/v1/reports?per_page=1000&state=lost", headers=bearer(users.reviewer))
    assert response.status_code == 422
    errors = response.get_json()["errors"]["query"]
    assert set(errors) == {"per_page", "state"}


def test_etags_answer_304_until_something_changes(client, users, rounds):
    rnd, _ = rounds
    headers = bearer(users.reviewer)
    kosovo = report_of(rnd, "XK")
    first = client.get(f"/api/v1/reports/{kosovo.id}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/reports/{kosovo.id}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    approve(kosovo, users.reviewer)
    changed = client.get(f"/api/v1/reports/{kosovo.id}", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["state"] == "approved"


def test_the_plan_catalogue(client, users):
    headers = bearer(users.contributor_al)
    plans = client.get("/api/v1/plans", headers=headers).get_json()
    assert [p["code"] for p in plans] == ["jap-2018"]
    plan = client.get("/api/v1/plans/jap-2018", headers=headers).get_json()
    assert [o["number"] for o in plan["objectives"]] == [1, 2, 3, 4, 5]
    actions = [a for o in plan["objectives"] for a in o["actions"]]
    assert any(a["code"] == "1.P1" for a in actions)
    assert plan["footnotes"] and all(f["number"] for f in plan["footnotes"])
    assert client.get("/api/v1/plans/none", headers=headers).status_code == 404


def test_the_progress_map_is_the_map_page_s_data(client, users, rounds):
    rnd, _ = rounds
    reviewer = client.get(f"/api/v1/rounds/{rnd.id}/progress", headers=bearer(users.reviewer)).get_json()
    by_party = {p["party"]: p for p in reviewer["parties"]}
    assert by_party["AL"]["source"] == "approved" and by_party["XK"]["source"] == "submitted"
    assert by_party["ME"]["source"] == "count_only" and by_party["ME"]["statuses"] == {}
    assert set(by_party["AL"]["statuses"].values()) == {"in_progress"}
    own = client.get(f"/api/v1/rounds/{rnd.id}/progress", headers=bearer(users.contributor_al)).get_json()
    assert [p["party"] for p in own["parties"]] == ["AL"]
    assert client.get(f"/api/v1/rounds/{rnd.id}/progress", headers=bearer(users.admin)).status_code == 404


def test_editions_metadata_and_file(client, users, rounds):
    from ctportal.infra import storage
    from ctportal.models import CompiledReport, CompileState, utcnow

    rnd, _ = rounds
    pdf = b"%PDF-1.4\n%%EOF\n"
    name, sha, size = storage.write_atomically("compiled", [pdf], "pdf")
    edition = CompiledReport(round_id=rnd.id, state=CompileState.done, progress=100,
                             requested_by_id=users.secretariat.id,
                             stored_name=name, sha256=sha, size=size, page_count=1, finished_at=utcnow(),
                             revisions=[report_of(rnd, "AL").approved_revision])
    db.session.add(edition)
    db.session.commit()
    headers = bearer(users.reviewer)
    listed = client.get(f"/api/v1/rounds/{rnd.id}/editions", headers=headers).get_json()
    assert listed[0]["sha256"] == sha and listed[0]["file"] is True
    assert listed[0]["revisions"] == [{"report_id": report_of(rnd, "AL").id, "number": 1}]
    file = client.get(f"/api/v1/rounds/{rnd.id}/editions/{edition.id}/file", headers=headers)
    assert file.status_code == 200 and hashlib.sha256(file.data).hexdigest() == sha
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "editions.download")) == 1
    assert client.get(f"/api/v1/rounds/{rnd.id}/editions", headers=bearer(users.coordinator_al)).status_code == 404


def test_every_request_is_in_the_audit_trail(client, users, rounds):
    rnd, _ = rounds
    headers = bearer(users.coordinator_al)
    client.get(f"/api/v1/reports?round={rnd.id}", headers=headers)
    client.get("/api/v1/reports/987654", headers=headers)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api.request")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_email, e.detail["path"], e.detail["status"]) for e in events] == [
        (users.coordinator_al.email, f"/api/v1/reports?round={rnd.id}", 200),
        (users.coordinator_al.email, "/api/v1/reports/987654", 404)]
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users.coordinator_al.id))
    assert token.last_used_at is not None

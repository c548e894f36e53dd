"""The audit trail: append-only in the database, a verified hash chain, search and CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, Party, db
from ctportal.services import audit


def _events(n=4, users=None):
    al = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    made = []
    for i in range(n):
        made.append(audit.record(f"test.event{i}", None, actor=users.secretariat if users else None,
                                 party_id=al.id if i % 2 else None, number=i))
    db.session.commit()
    return made


def _restore_triggers(conn) -> None:
    """Put back the triggers of migration 0002 after a test went around them."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
        return
    for name, op in (("audit_event_no_update", "UPDATE"), ("audit_event_no_delete", "DELETE")):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE TRIGGER {name} BEFORE {op} ON audit_event "
                             f"BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: {op} refused'); END")


def _tamper(sql: str, params: dict) -> None:
    """Change the table from outside the portal: lift the triggers (as a DBA could), write, put them back."""
    db.session.commit()  # end the test's own read snapshot, so it sees the change afterwards
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        conn.execute(sa.text(sql), params)
        _restore_triggers(conn)
    db.session.expire_all()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'nothing.happened'",
    "DELETE FROM audit_event",
    "UPDATE audit_event SET detail = '{}' WHERE id = (SELECT MAX(id) FROM audit_event)",
])
def test_the_database_refuses_to_change_or_delete_audit_events(app, users, statement):
    _events(3, users)
    before = [(e.id, e.hash, e.action) for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    with pytest.raises(sa.exc.DBAPIError) as refused:
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert "append-only" in str(refused.value)
    db.session.expire_all()
    after = [(e.id, e.hash, e.action) for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert after == before


def test_the_orm_cannot_change_an_event_either(app, users):
    event = _events(1, users)[0]
    event.action = "forged"
    with pytest.raises(sa.exc.DBAPIError):
        db.session.commit()
    db.session.rollback()


def test_verify_audit_passes_on_an_intact_trail(app, users):
    _events(5, users)
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    assert total >= 5 and f"intact: {total} events" in result.output


def test_verify_audit_names_the_first_event_changed_outside_the_portal(app, users):
    events = _events(6, users)
    target = events[2]
    _tamper("UPDATE audit_event SET actor_email = 'someone.else@example.eu' WHERE id = :id", {"id": target.id})
    _tamper("UPDATE audit_event SET action = 'also.forged' WHERE id = :id", {"id": events[4].id})
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert f"broken at event {target.id} " in result.output


def test_verify_audit_finds_a_deleted_event(app, users):
    events = _events(5, users)
    _tamper("DELETE FROM audit_event WHERE id = :id", {"id": events[1].id})
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert f"broken at event {events[2].id} " in result.output


def test_the_trail_is_searched_by_user_party_object_and_time(auth, client, users):
    from ctportal.services.desk.audit_search import AuditQuery, search
    _events(4, users)
    al = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    assert search(AuditQuery(party_id=al.id, action="test."))[1] == 2
    assert search(AuditQuery(user="SECRETARIAT@example"))[1] >= 4
    assert search(AuditQuery(user="nobody"))[1] == 0
    assert search(AuditQuery(action="test.event3"))[1] == 1
    assert search(AuditQuery(action="test."))[1] == 4
    assert search(AuditQuery(action="test_"))[1] == 0       # "_" is a letter here, not a wildcard
    today = dt.date.today()
    assert search(AuditQuery(action="test.", since=today, until=today))[1] == 4
    assert search(AuditQuery(action="test.", until=today - dt.timedelta(days=1)))[1] == 0
    auth.login("secretariat")
    page = client.get("/audit/", query_string={"party": str(al.id), "action": "test."}).get_data(as_text=True)
    assert "2 events found" in page
    assert "test.event1" in page and "test.event0" not in page


def test_a_search_with_a_mistake_says_which_field(auth, client, users):
    auth.login("admin")
    response = client.get("/audit/", query_string={"since": "yesterday", "object_id": "x"})
    page = response.get_data(as_text=True)
    assert "From: Write the date as YYYY-MM-DD" in page
    assert "Object id" in page


def test_the_trail_exports_as_csv_and_the_export_is_itself_recorded(auth, client, users):
    _events(3, users)
    auth.login("admin")
    response = client.get("/audit/export.csv", query_string={"action": "test."})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["test.event0", "test.event1", "test.event2"]
    assert all(len(r["hash"]) == 64 for r in rows)
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    last = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert last.action == "audit.exported" and last.actor_email == users.admin.email


def test_party_users_and_reviewers_do_not_see_the_trail(auth, client):
    for key in ("coordinator_al", "reviewer"):
        auth.login(key)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
        auth.logout()


def test_the_migration_downgrade_removes_the_triggers_and_upgrade_restores_them(app, users):
    from flask_migrate import downgrade, upgrade
    downgrade(revision="0001")
    try:
        _events(1)  # no actor: at 0001 the account table lacks later columns the ORM would select
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_event SET ip = 'changed'"))   # allowed without the triggers
    finally:
        upgrade()
    with pytest.raises(sa.exc.DBAPIError):
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_event SET ip = 'again'"))

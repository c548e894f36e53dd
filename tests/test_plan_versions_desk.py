"""Plan versions: an admin loads a revised catalogue; rounds keep theirs; actions match across versions by code."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from ctportal.domain.catalogue import DEFAULT_CATALOGUE
from ctportal.models import AuditEvent, PlanVersion, RoundState, db
from ctportal.services.desk.plan_versions import match_actions
from tests.factories import make_round

P2_OLD = "adequate sentencing of terrorist offences"
P2_NEW = "proportionate sentencing of terrorist offences"
P4_END = "inter-institutional coordination capacity.\n"
P5 = ("inter-institutional coordination capacity;\n"
      "          - code: 1.P5\n"
      "            text: >-\n"
      "              report each year on the follow-up given to the recommendations of the peer review.\n")


def revised_catalogue_text() -> str:
    """The 2018 plan under a new code, with 1.P2 reworded and a new action 1.P5."""
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    assert P2_OLD in text and text.count(P4_END) == 1
    return (text.replace("code: jap-2018", "code: jap-2026", 1).replace(P2_OLD, P2_NEW, 1)
            .replace(P4_END, P5, 1))


def revised_catalogue_file(app) -> Path:
    path = Path(app.instance_path) / "jap-2026.yaml"
    path.write_text(revised_catalogue_text(), encoding="utf-8")
    return path


def _upload(client, content: str, name: str = "jap-2026.yaml"):
    return client.post("/plans/", data={"catalogue": (io.BytesIO(content.encode()), name)},
                       content_type="multipart/form-data")


def test_an_admin_loads_a_revised_catalogue_as_a_new_version(auth, client):
    auth.login("admin")
    response = _upload(client, revised_catalogue_text())
    assert response.status_code == 302
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == "jap-2026"))
    assert version is not None
    assert len([a for o in version.objectives for a in o.actions]) == 66
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "plan.loaded"))
    assert event.detail["code"] == "jap-2026" and event.detail["file"] == "jap-2026.yaml"
    assert "jap-2026" in client.get("/plans/").get_data(as_text=True)


def test_a_broken_catalogue_is_refused_with_its_line_and_nothing_is_loaded(auth, client):
    broken = revised_catalogue_text().replace("code: 1.P5", "code: 1.P1", 1)
    line = broken.splitlines().index("          - code: 1.P1", 160) + 1
    auth.login("admin")
    response = _upload(client, broken)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"line {line}:" in page
    assert "Catalogue file (YAML)" in page  # the summary names the field
    assert db.session.scalar(sa.select(sa.func.count(PlanVersion.id))) == 1


def test_a_catalogue_under_a_code_already_loaded_is_refused(auth, client):
    auth.login("admin")
    response = _upload(client, DEFAULT_CATALOGUE.read_text(encoding="utf-8"), "jap-2018.yaml")
    assert response.status_code == 200
    assert "already loaded" in response.get_data(as_text=True)
    assert _upload(client, "plan: [").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(PlanVersion.id))) == 1


def test_rounds_already_opened_keep_their_version(app, auth, client):
    rnd = make_round()
    auth.login("admin")
    _upload(client, revised_catalogue_text())
    db.session.refresh(rnd)
    assert rnd.plan_version.code == "jap-2018"
    assert all(e.action.plan_version_id == rnd.plan_version_id for r in _reports(rnd) for e in r.entries)


def _reports(rnd):
    from ctportal.models import Report
    return db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id)).all()


def test_actions_match_by_code_and_say_what_changed(app):
    from ctportal.domain.catalogue import load_catalogue
    old = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == "jap-2018"))
    new = load_catalogue(revised_catalogue_file(app))
    matches = {m.code: m for m in match_actions(old, new)}
    assert len(matches) == 66
    assert not matches["1.P1"].changed
    assert matches["1.P2"].changed and matches["1.P2"].what_changed == "reworded"
    assert matches["1.P4"].changed  # its last character changed from "." to ";"
    assert matches["1.P5"].old is None and matches["1.P5"].what_changed == "new in this plan version"
    reverse = {m.code: m for m in match_actions(new, old)}
    assert reverse["1.P5"].new is None and reverse["1.P5"].what_changed == "not in this plan version"


def test_only_an_admin_loads_a_catalogue(auth, client):
    for key in ("secretariat", "reviewer", "coordinator_al"):
        auth.login(key)
        assert _upload(client, revised_catalogue_text()).status_code == 403
        auth.logout()
    assert db.session.scalar(sa.select(sa.func.count(PlanVersion.id))) == 1


def test_the_map_across_rounds_marks_actions_that_changed_between_versions(app, auth, client, users):
    from ctportal.domain.catalogue import load_catalogue
    from ctportal.models import Round, utcnow
    from tests.factories import approve, fill_report, report_of, submit
    import datetime as dt

    first = make_round("Round 2025", document_number="ST 1/25")
    first.opened_at = utcnow() - dt.timedelta(days=365)
    db.session.commit()
    fill_report(report_of(first, "AL"))
    submit(report_of(first, "AL"), users.coordinator_al)
    approve(report_of(first, "AL"), users.reviewer)
    new = load_catalogue(revised_catalogue_file(app))
    second = make_round("Round 2026", state=RoundState.draft, document_number="ST 1/26")
    second.plan_version_id = new.id
    db.session.commit()
    from ctportal.services.desk.rounds import open_round
    open_round(second, users.secretariat)
    db.session.commit()
    assert db.session.get(Round, first.id).plan_version.code == "jap-2018"
    auth.login("coordinator_al")
    page = client.get(f"/progress/rounds/{second.id}/across").get_data(as_text=True)
    assert "different plan versions" in page
    assert "1.P5" in page
    assert 'changed</span>' in page

"""The skeleton: configuration, database set-up, parties, error pages, CLI."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal import config as config_module
from ctportal import create_app
from ctportal.models import Party, Report, Role, Round, User, db
from ctportal.domain.parties import KOSOVO_FOOTNOTE, FootnoteTracker, display_name


# --- configuration -------------------------------------------------------------------------------

def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config_module.finish({**_defaults(), "ENV": "production", "SECRET_KEY": ""}, tmp_path)


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="too short"):
        config_module.finish({**_defaults(), "ENV": "production", "SECRET_KEY": "short"}, tmp_path)


def test_development_makes_a_secret_key_once_and_keeps_it(tmp_path):
    first = {**_defaults(), "ENV": "development"}
    config_module.finish(first, tmp_path)
    second = {**_defaults(), "ENV": "development"}
    config_module.finish(second, tmp_path)
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_variables_override_with_the_defaults_types():
    found = config_module.from_environment(environ={
        "CTPORTAL_MAX_UPLOAD_MB": "50", "CTPORTAL_MAIL_STARTTLS": "yes",
        "DATABASE_URL": "postgres://u@h/db", "UNRELATED": "x"})
    assert found == {"MAX_UPLOAD_MB": 50, "MAIL_STARTTLS": True, "DATABASE_URL": "postgres://u@h/db"}


def test_a_malformed_environment_value_names_the_variable():
    with pytest.raises(RuntimeError, match="CTPORTAL_MAX_UPLOAD_MB"):
        config_module.from_environment(environ={"CTPORTAL_MAX_UPLOAD_MB": "lots"})


def test_postgres_urls_get_the_psycopg_driver(tmp_path):
    cfg = {**_defaults(), "ENV": "testing", "SECRET_KEY": "k", "DATABASE_URL": "postgres://u@h/db"}
    config_module.finish(cfg, tmp_path)
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SITE_NAME = 'From the instance file'\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    app = create_app({"ENV": "testing", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                      "JOBS_MODE": "immediate"})
    assert app.config["SITE_NAME"] == "From the instance file"


def _defaults() -> dict:
    return {k: getattr(config_module.Defaults, k) for k in dir(config_module.Defaults) if k.isupper()}


# --- database -------------------------------------------------------------------------------------

def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply to the SQLite default only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    db.session.add(User(email="x@example.eu", name="x", role=Role.contributor, party_id=999999))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_party_role_needs_a_party_in_the_database_too(app):
    db.session.add(User(email="y@example.eu", name="y", role=Role.coordinator, party_id=None))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- parties --------------------------------------------------------------------------------------

def test_the_nine_parties_with_their_codes(app):
    codes = db.session.scalars(sa.select(Party.code).order_by(Party.sort_order)).all()
    assert codes == ["AL", "BA", "XK", "ME", "MK", "RS", "EC", "EUROPOL", "EUROJUST"]


def test_kosovo_is_named_the_eu_way_with_its_footnote_once(app):
    kosovo = db.session.scalar(sa.select(Party).where(Party.code == "XK"))
    serbia = db.session.scalar(sa.select(Party).where(Party.code == "RS"))
    assert display_name(kosovo) == "Kosovo*"
    assert display_name(serbia) == "Serbia"
    tracker = FootnoteTracker()
    assert [tracker.mention(kosovo), tracker.mention(serbia), tracker.mention(kosovo)] == \
        ["Kosovo*", "Serbia", "Kosovo*"]
    assert tracker.footnotes == [KOSOVO_FOOTNOTE]


# --- pages ------------------------------------------------------------------------------------------

def test_login_page_is_served_in_the_layout_with_security_headers(client, app):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data and b"LIMITE" in response.data
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_use_the_layout(client, app):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b"LIMITE" in response.data


def test_an_unexpected_error_gives_the_500_page_and_rolls_back(tmp_path, database_url):
    app = create_app({"ENV": "testing", "SECRET_KEY": "x", "DATABASE_URL": database_url,
                      "TEST_ERROR_PAGES": True, "JOBS_MODE": "immediate", "STORAGE_DIR": str(tmp_path)})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data and b"boom" not in response.data


def test_a_demo_user_can_sign_in_and_sees_their_reports(client, app, demo):
    response = client.post("/login", data={"email": "coordinator.al@demo.ctportal.eu",
                                           "password": "demo-portal-passphrase"})
    assert response.status_code == 302
    home = client.get("/home")
    assert b"Progress report 2026 (demo)" in home.data
    assert b"Arben Hoxha" in home.data


# --- CLI --------------------------------------------------------------------------------------------

def test_init_db_is_idempotent(runner, bare_app):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "65 actions" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Party.id))) == 9


def test_create_user_reads_the_password_from_standard_input(runner, app):
    result = runner.invoke(args=["create-user", "New.Person@example.eu", "--role", "coordinator",
                                 "--party", "ME", "--name", "Nova Osoba"],
                           input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new.person@example.eu"))
    assert user.role == Role.coordinator and user.party.code == "ME"
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("args, message", [
    (["--role", "coordinator"], "belongs to a party"),
    (["--role", "reviewer", "--party", "AL"], "does not belong to a party"),
    (["--role", "eu_reporter", "--party", "AL"], "Commission, Europol or Eurojust"),
    (["--role", "coordinator", "--party", "ZZ"], "No party with code"),
])
def test_create_user_refuses_a_role_that_does_not_fit_the_party(runner, app, args, message):
    result = runner.invoke(args=["create-user", "someone@example.eu", *args], input="a long enough passphrase\n")
    assert result.exit_code != 0
    assert message in result.output


def test_create_user_refuses_a_weak_password(runner, app):
    result = runner.invoke(args=["create-user", "weak@example.eu", "--role", "admin"], input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output


def test_seed_demo_creates_every_role_and_its_rounds_once(runner, app):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "demo-portal-passphrase" in first.output and "Kosovo*" in first.output
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    # The demo round, and the closed round before it whose recommendations it follows up (issue 15).
    rounds = db.session.execute(sa.select(Round.document_number, Round.state).order_by(Round.id)).all()
    assert [(number, state.value) for number, state in rounds] == [("DEMO 1/25", "closed"), ("DEMO 1/26", "open")]
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 18


def test_seed_demo_is_refused_in_production(runner, app):
    app.config["ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "development and demonstration instances only" in result.output


def test_no_file_under_instance_is_tracked_by_git():
    root = Path(__file__).resolve().parents[1]
    gitignore = (root / ".gitignore").read_text()
    assert "instance/*" in gitignore

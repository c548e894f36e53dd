"""Links in mail: BASE_URL defaults to the address the server listens on; production warns when
it is not set (a mail linking to 127.0.0.1 is useless to its reader)."""
from __future__ import annotations

import pytest

from ctportal import create_app
from ctportal.config import listening_address
from ctportal.infra import jobs


@pytest.mark.parametrize("environ, expected", [
    ({"FLASK_RUN_HOST": "127.0.0.1", "FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),  # make run PORT=5101
    ({"FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),
    ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8080"}, "http://127.0.0.1:8080"),  # wildcard: loopback
    ({"GUNICORN_BIND": "10.0.0.7:8000"}, "http://10.0.0.7:8000"),
    ({}, "http://127.0.0.1:5000"),
])
def test_the_default_is_the_listening_address(environ, expected):
    assert listening_address(environ) == expected


def _build(tmp_path, database_url, monkeypatch, env: str, **config):
    monkeypatch.setattr(jobs, "_app", jobs._app)  # the jobs keep running for the suite's app
    return create_app({"ENV": env, "SECRET_KEY": "k" * 40, "DATABASE_URL": database_url,
                       "STORAGE_DIR": str(tmp_path), "JOBS_MODE": "immediate", **config})


def test_make_run_port_reaches_the_links(tmp_path, database_url, monkeypatch):
    monkeypatch.delenv("CTPORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "5101")
    app = _build(tmp_path, database_url, monkeypatch, "development")
    assert app.config["BASE_URL"] == "http://127.0.0.1:5101"
    with app.test_request_context("/"):
        from ctportal.services.messaging.notify import absolute
        assert absolute("/reports/1") == "http://127.0.0.1:5101/reports/1"


def test_production_warns_at_start_when_base_url_is_unset(tmp_path, database_url, monkeypatch, capsys):
    """The portal's log goes to stdout (infra/logs.py): read the warning there."""
    monkeypatch.delenv("CTPORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8000")
    capsys.readouterr()
    _build(tmp_path, database_url, monkeypatch, "production")
    warnings = [line for line in capsys.readouterr().out.splitlines() if "ctportal.config" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "CTPORTAL_BASE_URL is not set" in warnings[0]
    assert "http://127.0.0.1:8000" in warnings[0]

    app = _build(tmp_path, database_url, monkeypatch, "production", BASE_URL="https://ctportal.example.eu")
    assert app.config["BASE_URL"] == "https://ctportal.example.eu"
    assert "ctportal.config" not in capsys.readouterr().out

    _build(tmp_path, database_url, monkeypatch, "development")  # make run: no warning
    assert "ctportal.config" not in capsys.readouterr().out

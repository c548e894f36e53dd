"""ctportal: the reporting portal for the Joint Action Plan on Counter-Terrorism for the Western Balkans."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Mapping

from flask import Flask

from ctportal import config as config_module

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    from ctportal.web.ids import IdConverter
    app.url_map.converters["int"] = IdConverter  # before any route: see web/ids.py
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environment())
    if test_config is not None:
        app.config.update(test_config)
    config_module.finish(app.config, Path(app.instance_path))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)

    from ctportal.infra import logs
    logs.init_logging(app)
    if app.config.get("BASE_URL_DERIVED") and app.config["ENV"] == "production":
        logs.logging.getLogger("ctportal.config").warning(
            "CTPORTAL_BASE_URL is not set: links in mail will point to %s. Set it to the portal's public "
            "address (e.g. https://ctportal.example.europa.eu).", app.config["BASE_URL"])

    from ctportal.infra.storage import remove_orphaned_temporary_files
    for path in remove_orphaned_temporary_files(app.config["STORAGE_DIR"]):
        logs.logging.getLogger("ctportal.storage").warning("removed a partial file left by a crash: %s", path)

    from ctportal.infra.database import init_database
    from ctportal.web.extensions import csrf, limiter, login_manager, migrate
    from ctportal.models.base import db

    init_database(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    from ctportal.forms.html import install as fast_html_params
    fast_html_params()  # WTForms' attribute rendering, the same output for less CPU (issue 14)
    limiter.init_app(app)

    from ctportal.web import auth_session
    auth_session.init_login(app, login_manager)

    from ctportal.infra.security_headers import init_security_headers
    init_security_headers(app)

    from ctportal.web import i18n, templating
    i18n.init_i18n(app)
    templating.init_templating(app)

    from ctportal.views import register_blueprints
    register_blueprints(app)

    from ctportal.api import init_api
    init_api(app)

    from ctportal.views.errors import register_error_handlers
    register_error_handlers(app)

    from ctportal import cli
    cli.register(app)

    from ctportal.infra import jobs
    from ctportal.services.tasks import TASK_MODULES
    jobs.init_jobs(app, TASK_MODULES)

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]

    return app

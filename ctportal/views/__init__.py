"""One blueprint per area; views stay thin over the services."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from ctportal.views import auth, health, main

    for module in (auth, main, health):
        app.register_blueprint(module.bp)

"""One blueprint per area; views stay thin over the services.

The list below is every area of the site, in the order they are registered.
"""
from __future__ import annotations

from flask import Flask

from ctportal.views import (account, admin, api_tokens, audit, auth, comments, consent, documents, drafts, editions,
                            editions_factcheck,
                            exports, follow_ups, health, indicators, judgement, language, mail, main, notify,
                            observers, partner, plans, priorities, processes, progress, reports, review, rounds,
                            timeline, verify, webhooks)

BLUEPRINT_MODULES = (main, auth, account, api_tokens, admin, reports, partner, follow_ups, drafts, documents,
                     review, comments, timeline, notify, rounds, progress, exports, priorities, indicators, plans,
                     audit, editions,
                     editions_factcheck,
                     judgement, processes, consent, observers, webhooks, mail, health, language, verify)


def register_blueprints(app: Flask) -> None:
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(module.bp)

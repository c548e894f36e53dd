"""The JSON API (/api/v1), its document and reference page, and the personal tokens on the account page.

API routes are `bearer=True`: the matrix sends each role's personal token instead of signing in
(anonymous sends none: 401). The cells are the pages' cells for the same objects: the API asks
the same policy functions.
"""
from tests.access.routes_accounts import admin_only
from tests.access.spec import NONE, REPORTS, ROUNDS, Route

EVERY_SIGNED_IN = """
    -
    anonymous    401
    contributor  200
    coordinator  200
    eu_reporter  200
    reviewer     200
    secretariat  200
    admin        200
    observer     200
"""
PUBLIC = EVERY_SIGNED_IN.replace("401", "200")
REPORT = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    401       401           401          401         401             401
    contributor  200       200           200          404         404             404
    coordinator  200       200           200          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       200           200          404         200             200
    secretariat  404       200           200          404         200             200
    admin        404       404           404          404         404             404
    observer     404       404           200          404         404             404
"""
APPROVED_REVISION = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    401       401           401          401         401             401
    contributor  404       404           200          404         404             404
    coordinator  404       404           200          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       404           200          404         404             200
    secretariat  404       404           200          404         404             200
    admin        404       404           404          404         404             404
    observer     404       404           200          404         404             404
"""
ROUND = """
                 round
    anonymous    401
    contributor  200
    coordinator  200
    eu_reporter  200
    reviewer     200
    secretariat  200
    admin        404
    observer     200
"""
EDITIONS = """
                 round
    anonymous    401
    contributor  404
    coordinator  404
    eu_reporter  404
    reviewer     200
    secretariat  200
    admin        404
    observer     404
"""
# The observer reads the round (Albania consents), so the list answers; it holds no edition of an open round.
EDITION_LIST = EDITIONS.replace("observer     404", "observer     200")

ROUTES = [
    Route("api-docs.openapi_json", "GET", "/api/v1/openapi.json", objects=NONE, public=True, expect=PUBLIC),
    Route("api_reference.page", "GET", "/api/v1/reference", objects=NONE, public=True, expect=PUBLIC),
    Route("api_reference.asset", "GET", "/api/v1/reference/assets/swagger-ui.css", objects=NONE, public=True,
          expect=PUBLIC),
    Route("api-plans.list_plans", "GET", "/api/v1/plans", objects=NONE, bearer=True, expect=EVERY_SIGNED_IN),
    Route("api-plans.get_plan", "GET", "/api/v1/plans/jap-2018", objects=NONE, bearer=True, expect=EVERY_SIGNED_IN),
    Route("api-rounds.list_rounds", "GET", "/api/v1/rounds", objects=NONE, bearer=True, expect=EVERY_SIGNED_IN),
    Route("api-rounds.get_round", "GET", "/api/v1/rounds/{round}", objects=ROUNDS, bearer=True, expect=ROUND),
    Route("api-reports.list_reports", "GET", "/api/v1/reports", objects=NONE, bearer=True, expect=EVERY_SIGNED_IN),
    Route("api-reports.get_report", "GET", "/api/v1/reports/{report}", objects=REPORTS, bearer=True, expect=REPORT),
    Route("api-reports.get_approved_revision", "GET", "/api/v1/reports/{report}/approved-revision",
          objects=REPORTS, bearer=True, expect=APPROVED_REVISION),
    Route("api-reports.list_approved_revisions", "GET", "/api/v1/approved-revisions", objects=NONE, bearer=True,
          expect=EVERY_SIGNED_IN),
    Route("api-progress.get_progress", "GET", "/api/v1/rounds/{round}/progress", objects=ROUNDS, bearer=True,
          expect=ROUND),
    Route("api-editions.list_editions", "GET", "/api/v1/rounds/{round}/editions", objects=ROUNDS, bearer=True,
          expect=EDITION_LIST),
    Route("api-editions.get_edition_file", "GET", "/api/v1/rounds/{round}/editions/{edition}/file", objects=ROUNDS,
          bearer=True, expect=EDITIONS),
    # --- personal tokens on the account page (a browser session, CSRF as on every form) -------------
    Route("api_tokens.create", "POST", "/account/api-tokens", objects=NONE, data={"name": "matrix", "days": "30"},
          expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
        observer     200
    """),
    Route("api_tokens.revoke", "POST", "/account/api-tokens/{token}/revoke", objects=("own_token", "other_token"),
          expect="""
                     own_token other_token
        anonymous    302       302
        contributor  302       404
        coordinator  404       404
        eu_reporter  404       404
        reviewer     404       404
        secretariat  404       404
        admin        404       404
        observer     404       404
    """),
]

# --- the party's consent for observers (its coordinator, or for the EU side its reporter) -----------
CONSENT = """
                 {obj}
    anonymous    302
    contributor  403
    coordinator  {ok}
    eu_reporter  {ok}
    reviewer     403
    secretariat  403
    admin        403
    observer     403
"""
ROUTES += [
    Route("consent.index", "GET", "/sharing/", objects=NONE, expect=CONSENT.format(obj="-", ok=200)),
    Route("consent.give", "POST", "/sharing/rounds/{round}/give", objects=ROUNDS,
          expect=CONSENT.format(obj="round", ok=302)),
    Route("consent.withdraw", "POST", "/sharing/rounds/{round}/withdraw", objects=ROUNDS,
          expect=CONSENT.format(obj="round", ok=302)),
]

# --- webhooks (administrators only) ---------------------------------------------------------------
ROUTES += [
    Route("webhooks.index", "GET", "/admin/webhooks/", objects=NONE, expect=admin_only(200)),
    Route("webhooks.create", "POST", "/admin/webhooks/", objects=NONE, mutates=False, expect=admin_only(200)),
    Route("webhooks.deliveries", "GET", "/admin/webhooks/{webhook}", objects=("webhook",),
          expect=admin_only(200, ("webhook",))),
    Route("webhooks.deactivate", "POST", "/admin/webhooks/{webhook}/deactivate", objects=("webhook",),
          expect=admin_only(302, ("webhook",))),
]

# --- an observer's parties (administrators only) --------------------------------------------------
ROUTES += [
    Route("observers.parties", "GET", "/admin/observers/{user}/parties", objects=("observer_account",),
          expect=admin_only(200, ("observer_account",))),
    Route("observers.parties", "POST", "/admin/observers/{user}/parties", objects=("observer_account",),
          data={"parties": ["AL", "RS"]}, expect=admin_only(302, ("observer_account",))),
]

"""The secretariat's desk: rounds, progress map, exports, priority actions, plan catalogue, audit trail."""
import datetime as dt
import itertools

import sqlalchemy as sa

from tests.access.spec import NONE, REPORTS, ROUNDS, Route


def _round_form(world, obj):
    from ctportal.models import PlanVersion, db
    version = db.session.scalar(sa.select(PlanVersion.id).where(PlanVersion.code == "jap-2018"))
    today = dt.date.today()
    return {"title": "Matrix round", "plan_version_id": version, "period_start": "2026-01-01",
            "period_end": "2026-06-30", "submission_deadline": (today + dt.timedelta(days=10)).isoformat(),
            "review_deadline": (today + dt.timedelta(days=20)).isoformat(), "meeting_name": "JHA Forum",
            "meeting_place": "Skopje", "meeting_date": (today + dt.timedelta(days=40)).isoformat(),
            "document_number": "ST 9/26"}


def _extension_form(world, obj):
    from ctportal.models import Party, db
    party = db.session.scalar(sa.select(Party.id).where(Party.code == "AL"))
    return {"party_id": party, "new_deadline": (dt.date.today() + dt.timedelta(days=365)).isoformat(),
            "reason": "Elections."}


def _priority_form(world, obj):
    from ctportal.models import Action, db
    action = db.session.scalar(sa.select(Action.id).where(Action.code == "2.P1"))
    return {"action_id": action, "text": "Align the law on terrorist financing.", "target_date": "2027-06-30"}


_indicators_added = itertools.count(1)


def _indicator_form(world, obj):
    # A new name each time: the same name twice on one action is refused (422), not what the cell checks.
    return {"action_code": "2.P2", "name": f"Matrix indicator {next(_indicators_added)}", "unit": "persons",
            "disaggregation": ""}


DESK_ONLY = """
        -
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  {ok}
        admin        403
"""

DESK_ROUND = """
        round
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  {ok}
        admin        404
"""

MAP_ROUND = """
        round
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        404
"""

REPORT_EXPORT = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
        anonymous     302       302           302          302         302             302
        contributor   200       200           200          404         404             404
        coordinator   200       200           200          404         404             404
        eu_reporter   404       404           404          404         404             404
        reviewer      404       200           200          404         200             200
        secretariat   404       200           200          404         200             200
        admin         404       404           404          404         404             404
"""

PRIORITY = """
        {obj}
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     {ok}
        secretariat  {ok}
        admin        403
"""

AUDIT = """
        -
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  200
        admin        200
"""

ROUTES = [
    Route("rounds.index", "GET", "/rounds/", objects=NONE, expect=DESK_ONLY.format(ok=200)),
    Route("rounds.new", "GET", "/rounds/new", objects=NONE, expect=DESK_ONLY.format(ok=200)),
    Route("rounds.new", "POST", "/rounds/new", objects=NONE, data=_round_form, expect=DESK_ONLY.format(ok=302)),
    Route("rounds.status", "GET", "/rounds/{round}", objects=ROUNDS, expect=DESK_ROUND.format(ok=200)),
    Route("rounds.edit", "GET", "/rounds/{round}/edit", objects=ROUNDS, expect=DESK_ROUND.format(ok=200)),
    Route("rounds.edit", "POST", "/rounds/{round}/edit", objects=ROUNDS, data=_round_form,
          expect=DESK_ROUND.format(ok=302)),
    Route("rounds.open_", "POST", "/rounds/{round}/open", objects=ROUNDS, expect=DESK_ROUND.format(ok=302)),
    Route("rounds.close", "POST", "/rounds/{round}/close", objects=ROUNDS, expect=DESK_ROUND.format(ok=302)),
    Route("rounds.extend", "GET", "/rounds/{round}/extend", objects=ROUNDS, expect=DESK_ROUND.format(ok=200)),
    Route("rounds.extend", "POST", "/rounds/{round}/extend", objects=ROUNDS, data=_extension_form,
          expect=DESK_ROUND.format(ok=302)),
    Route("rounds.remind", "POST", "/rounds/{round}/reports/{report}/remind", objects=("own_draft",), expect="""
        own_draft
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  302
        admin        404
    """),
    Route("progress.map", "GET", "/progress/", objects=NONE, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        403
    """),
    Route("progress.round_map", "GET", "/progress/rounds/{round}", objects=ROUNDS, expect=MAP_ROUND),
    Route("progress.across", "GET", "/progress/rounds/{round}/across", objects=ROUNDS, expect=MAP_ROUND),
    Route("exports.round_xlsx", "GET", "/exports/rounds/{round}.xlsx", objects=ROUNDS, expect=MAP_ROUND),
    Route("exports.round_csv", "GET", "/exports/rounds/{round}.csv", objects=ROUNDS, expect=MAP_ROUND),
    Route("exports.report_xlsx", "GET", "/exports/reports/{report}.xlsx", objects=REPORTS, expect=REPORT_EXPORT),
    Route("exports.report_csv", "GET", "/exports/reports/{report}.csv", objects=REPORTS, expect=REPORT_EXPORT),
    Route("priorities.index", "GET", "/priorities/", objects=NONE, expect=PRIORITY.format(obj="-", ok=200)),
    # Indicators of a round (issue 18, item 4): the Commission's reviewers and secretariat.
    Route("indicators.index", "GET", "/indicators/", objects=NONE, expect=PRIORITY.format(obj="-", ok=200)),
    Route("indicators.round_indicators", "GET", "/indicators/rounds/{round}", objects=ROUNDS,
          expect=PRIORITY.format(obj="round", ok=200)),
    Route("indicators.round_indicators", "POST", "/indicators/rounds/{round}", objects=ROUNDS, data=_indicator_form,
          expect=PRIORITY.format(obj="round", ok=302)),
    Route("priorities.party", "GET", "/priorities/party/{party}", objects=("own_priority",),
          expect=PRIORITY.format(obj="own_priority", ok=200)),
    Route("priorities.party", "POST", "/priorities/party/{party}", objects=("own_priority",), data=_priority_form,
          expect=PRIORITY.format(obj="own_priority", ok=302)),
    Route("priorities.edit", "GET", "/priorities/{priority}/edit", objects=("own_priority",),
          expect=PRIORITY.format(obj="own_priority", ok=200)),
    Route("priorities.edit", "POST", "/priorities/{priority}/edit", objects=("own_priority",), data=_priority_form,
          expect=PRIORITY.format(obj="own_priority", ok=302)),
    Route("priorities.retire", "POST", "/priorities/{priority}/retire", objects=("own_priority",),
          expect=PRIORITY.format(obj="own_priority", ok=302)),
    Route("plans.index", "GET", "/plans/", objects=NONE, expect="""
        -
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  403
        admin        200
    """),
    Route("plans.index", "POST", "/plans/", objects=NONE, mutates=False, expect="""
        -
        anonymous    302
        contributor  403
        coordinator  403
        eu_reporter  403
        reviewer     403
        secretariat  403
        admin        200
    """),
    Route("audit.index", "GET", "/audit/", objects=NONE, expect=AUDIT),
    Route("audit.export_csv", "GET", "/audit/export.csv", objects=NONE, expect=AUDIT),
]

"""The follow-up processes recorded (issue 15, item 5): the Commission records and reads every one; a
party's users read those concerning their party (Albania's: "own_process", whose report is shared with
the parties concerned); Serbia's ("other_process") is 404 to them as a missing one. The EU reporter
(Europol) is concerned by neither. Admins and observers are not let into the area (403)."""
from tests.access.spec import NONE, ROUNDS, Route

PROCESSES = ("own_process", "other_process")


def _form(world, obj):
    return {"kind": "dialogue", "title": "Dialogue recorded", "held_on": "2025-03-10", "place": "Tirana",
            "parties": ["AL"], "action_codes": "1.P1", "summary": "Agreed.", "save": "Save"}


ROUTES = [
    Route("processes.index", "GET", "/processes/", objects=NONE, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        403
    """),
    Route("processes.new", "GET", "/processes/rounds/{round}/new", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        403
    """),
    Route("processes.new", "POST", "/processes/rounds/{round}/new", objects=ROUNDS, data=_form, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     302
        secretariat  302
        admin        403
    """),
    Route("processes.view", "GET", "/processes/{process}", objects=PROCESSES, expect="""
                     own_process other_process
        anonymous    302         302
        contributor  200         404
        coordinator  200         404
        eu_reporter  404         404
        reviewer     200         200
        secretariat  200         200
        admin        403         403
    """),
    Route("processes.edit", "GET", "/processes/{process}/edit", objects=PROCESSES, expect="""
                     own_process other_process
        anonymous    302         302
        contributor  404         404
        coordinator  404         404
        eu_reporter  404         404
        reviewer     200         200
        secretariat  200         200
        admin        403         403
    """),
    Route("processes.edit", "POST", "/processes/{process}/edit", objects=PROCESSES, data=_form, expect="""
                     own_process other_process
        anonymous    302         302
        contributor  404         404
        coordinator  404         404
        eu_reporter  404         404
        reviewer     302         302
        secretariat  302         302
        admin        403         403
    """),
    Route("processes.report", "GET", "/processes/{process}/report", objects=PROCESSES, expect="""
                     own_process other_process
        anonymous    302         302
        contributor  200         404
        coordinator  200         404
        eu_reporter  404         404
        reviewer     200         200
        secretariat  200         200
        admin        403         403
    """),
]

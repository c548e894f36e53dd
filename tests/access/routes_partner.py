"""Work inside a partner (issue 18): institutions, the board, an entry's assignment and sign-off.

All of it is the party's own: the Commission side answers 404 even for a submitted report (it never
sees this work), another party's report or institution is 404 like a missing one, and what may be
seen but not done (a contributor assigning, any change to a report that is no longer editable) is 403.
"""
from tests.access.spec import NONE, REPORTS, Route

INSTITUTIONS = ("own_institution", "other_institution")

COORDINATOR_ONLY = """
                 -
    anonymous    302
    contributor  403
    coordinator  {ok}
    eu_reporter  403
    reviewer     403
    secretariat  403
    admin        403
"""

CHANGE_INSTITUTION = """
                 own_institution other_institution
    anonymous    302             302
    contributor  403             403
    coordinator  302             404
    eu_reporter  403             403
    reviewer     403             403
    secretariat  403             403
    admin        403             403
"""

BOARD = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  200       200           200          404         404             404
    coordinator  200       200           200          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       404           404          404         404             404
    secretariat  404       404           404          404         404             404
    admin        404       404           404          404         404             404
"""


def _step(contributor: int, coordinator: int) -> str:
    """An entry's step: the party only, while the report may be edited (403 once it is submitted)."""
    return f"""
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  {contributor}       403           403          404         404             404
    coordinator  {coordinator}       403           403          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       404           404          404         404             404
    secretariat  404       404           404          404         404             404
    admin        404       404           404          404         404             404
"""


def _rename(world, obj):
    institution = world.params(obj).get("institution", 0)
    return {f"i{institution}-name": "Ministry of Justice (renamed)", f"i{institution}-active": "y"}


def _version(world, obj):
    from ctportal.models import Entry, db
    entry = db.session.get(Entry, world.params(obj).get("entry", 0))
    return {"version": str(entry.version if entry else 1), "note": "Please add the dates."}


OWN_PRIORITIES = """
                 -
    anonymous    302
    contributor  200
    coordinator  200
    eu_reporter  403
    reviewer     403
    secretariat  403
    admin        403
"""

OFFLINE = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  403       403           403          404         404             404
    coordinator  {ok}       403           403          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       404           404          404         404             404
    secretariat  404       404           404          404         404             404
    admin        404       404           404          404         404             404
"""

ROUTES = [
    Route("partner.priorities", "GET", "/partner/priorities", objects=NONE, expect=OWN_PRIORITIES),
    Route("partner.institutions_list", "GET", "/partner/institutions", objects=NONE,
          expect=COORDINATOR_ONLY.format(ok=200)),
    Route("partner.institutions_list", "POST", "/partner/institutions", objects=NONE,
          data={"name": "Ministry of Education"}, expect=COORDINATOR_ONLY.format(ok=302)),
    Route("partner.change_institution", "POST", "/partner/institutions/{institution}", objects=INSTITUTIONS,
          data=_rename, expect=CHANGE_INSTITUTION),
    Route("partner.board", "GET", "/reports/{report}/board", objects=REPORTS, expect=BOARD),
    Route("partner.assign", "POST", "/reports/{report}/entries/{entry}/assignment", objects=REPORTS,
          data={"assignee_id": "0", "institution_id": "0", "due_on": ""}, expect=_step(403, 302)),
    Route("partner.mark_ready", "POST", "/reports/{report}/entries/{entry}/ready", objects=REPORTS,
          data=_version, expect=_step(302, 302)),
    # The world's entries are not ready: the coordinator is let in, and the step itself is refused (409).
    Route("partner.accept", "POST", "/reports/{report}/entries/{entry}/accept", objects=REPORTS,
          data=_version, expect=_step(403, 409)),
    Route("partner.send_back", "POST", "/reports/{report}/entries/{entry}/send-back", objects=REPORTS,
          data=_version, expect=_step(403, 409)),
    # The offline round trip (issue 18, item 3): the coordinator's, while the report may be edited. An upload
    # without a file, and a confirmation without a held file, are refused (422) and change nothing.
    # The page itself (the forms applied, read-only once the report is submitted) is the party's, as the board.
    Route("partner.offline_forms", "GET", "/reports/{report}/offline", objects=REPORTS, expect=BOARD),
    Route("partner.offline_form", "GET", "/reports/{report}/offline/{institution}/form.docx", objects=REPORTS,
          expect=OFFLINE.format(ok=200)),
    Route("partner.offline_upload", "POST", "/reports/{report}/offline/{institution}/upload", objects=REPORTS,
          expect=OFFLINE.format(ok=422)),
    Route("partner.offline_confirm", "POST", "/reports/{report}/offline/{institution}/confirm", objects=REPORTS,
          data={"token": "forged"}, expect=OFFLINE.format(ok=422)),
]

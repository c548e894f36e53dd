"""Partner reporting: my reports, the report pages, the entry form, submission, documents."""
from io import BytesIO

from ctportal.models import Entry, Report, db
from tests.access.spec import DOCUMENTS, NONE, REPORTS, Route
from tests.access.world import MINIMAL_PDF

# Who may open a report: its own party, and the Commission side once it was submitted.
VIEW = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  200       200           200          404         404             404
    coordinator  200       200           200          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       200           200          404         200             200
    secretariat  404       200           200          404         200             200
    admin        404       404           404          404         404             404
"""

# The draft pages: the Commission side is redirected to the review pages of the same report.
DRAFT_PAGE = VIEW.replace("reviewer     404       200           200          404         200             200",
                          "reviewer     404       302           302          404         302             302") \
                 .replace("secretariat  404       200           200          404         200             200",
                          "secretariat  404       302           302          404         302             302")


def _edit(success: int) -> str:
    """Who may change a report: its own party while it is a draft (the others may look, not touch)."""
    return f"""
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  {success}       403           403          404         404             404
    coordinator  {success}       403           403          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       403           403          404         403             403
    secretariat  404       403           403          404         403             403
    admin        404       404           404          404         404             404
"""


SUBMIT = """
                 own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous    302       302           302          302         302             302
    contributor  403       403           403          404         404             404
    coordinator  422       403           403          404         404             404
    eu_reporter  404       404           404          404         404             404
    reviewer     404       403           403          404         403             403
    secretariat  404       403           403          404         403             403
    admin        404       404           404          404         404             404
"""

DOCUMENT_DOWNLOAD = """
                 own_document other_document
    anonymous    302          302
    contributor  200          404
    coordinator  200          404
    eu_reporter  404          404
    reviewer     200          200
    secretariat  200          200
    admin        404          404
"""

# The world's documents belong to submitted reports: nobody may change them now.
DOCUMENT_CHANGE = """
                 own_document other_document
    anonymous    302          302
    contributor  403          404
    coordinator  403          404
    eu_reporter  404          404
    reviewer     403          403
    secretariat  403          403
    admin        404          404
"""


def _entry_data(world, obj):
    entry_id = world.params(obj).get("entry")
    entry = db.session.get(Entry, entry_id) if entry_id else None
    return {"version": str(entry.version if entry else 1), "status": "planned",
            "narrative": "Changed by the access matrix.", "save": "Save"}


def _follow_up_data(world, obj):
    from ctportal.models import FollowUp
    item = db.session.get(FollowUp, world.params(obj).get("follow_up", 0))
    return {"version": str(item.version if item else 1), "status": "implemented", "narrative": "Done."}


def _state_data(world, obj):
    report = db.session.get(Report, world.params(obj).get("report", 0))
    return {"state_version": str(report.state_version if report else 1)}


def _file(world, obj):
    return {"file": (BytesIO(MINIMAL_PDF), "evidence.pdf"), "title": "Evidence", "sensitivity": "limite"}


ROUTES = [
    Route("reports.my_reports", "GET", "/reports", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("reports.overview", "GET", "/reports/{report}", objects=REPORTS, expect=DRAFT_PAGE),
    Route("reports.section", "GET", "/reports/{report}/sections/1", objects=REPORTS, expect=DRAFT_PAGE),
    Route("reports.entry", "GET", "/reports/{report}/entries/{entry}", objects=REPORTS, expect=DRAFT_PAGE),
    Route("reports.save_entry", "POST", "/reports/{report}/entries/{entry}", objects=REPORTS,
          data=_entry_data, expect=_edit(302)),
    # The autosave is a script's request: signed out it answers 401 (JSON), not the sign-in page.
    Route("drafts.autosave", "POST", "/reports/{report}/entries/{entry}/draft", objects=REPORTS,
          data=_entry_data, expect=_edit(200).replace("anonymous    302       302           302          302         302             302",
                                                       "anonymous    401       401           401          401         401             401")),
    Route("drafts.discard", "POST", "/reports/{report}/entries/{entry}/draft/discard", objects=REPORTS,
          expect=_edit(302)),
    Route("reports.preview", "POST", "/reports/{report}/preview", objects=REPORTS, mutates=False,
          data={"text": "**bold**"}, expect=_edit(200)),
    # A recommendation followed up (issue 15): the item's page is a draft page like an entry's.
    Route("follow_ups.item", "GET", "/reports/{report}/follow-ups/{follow_up}", objects=REPORTS, expect=DRAFT_PAGE),
    Route("follow_ups.save", "POST", "/reports/{report}/follow-ups/{follow_up}", objects=REPORTS,
          data=_follow_up_data, expect=_edit(302)),
    Route("reports.submit", "GET", "/reports/{report}/submit", objects=REPORTS, expect=SUBMIT),
    Route("reports.submit", "POST", "/reports/{report}/submit", objects=REPORTS, data=_state_data,
          expect=SUBMIT),
    Route("reports.copy_previous", "POST", "/reports/{report}/copy-previous", objects=REPORTS,
          expect=_edit(302)),
    Route("documents.upload", "GET", "/reports/{report}/documents/upload", objects=REPORTS, expect=_edit(200)),
    Route("documents.upload", "POST", "/reports/{report}/documents/upload", objects=REPORTS, data=_file,
          expect=_edit(302)),
    Route("documents.upload_to_entry", "GET", "/reports/{report}/entries/{entry}/documents/upload",
          objects=REPORTS, expect=_edit(200)),
    Route("documents.upload_to_entry", "POST", "/reports/{report}/entries/{entry}/documents/upload",
          objects=REPORTS, data=_file, expect=_edit(302)),
    Route("documents.download", "GET", "/reports/{report}/documents/{document}", objects=DOCUMENTS,
          expect=DOCUMENT_DOWNLOAD),
    Route("documents.replace", "GET", "/reports/{report}/documents/{document}/replace", objects=DOCUMENTS,
          expect=DOCUMENT_CHANGE),
    Route("documents.replace", "POST", "/reports/{report}/documents/{document}/replace", objects=DOCUMENTS,
          data=_file, expect=DOCUMENT_CHANGE),
    Route("documents.delete", "GET", "/reports/{report}/documents/{document}/delete", objects=DOCUMENTS,
          expect=DOCUMENT_CHANGE),
    Route("documents.delete", "POST", "/reports/{report}/documents/{document}/delete", objects=DOCUMENTS,
          expect=DOCUMENT_CHANGE),
]

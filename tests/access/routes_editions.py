"""The consolidated PDF: editions (Commission side only; the secretariat compiles) and party PDFs.

A party PDF job is shown to whoever may download that report's PDF (a partner's own draft
included: its earlier revisions are its own); the world's jobs sit even on reports with no
revision, where the PDF itself is 404."""
import datetime as dt

from tests.access.spec import NONE, REPORTS, ROUNDS, Route

# A draft edition of the open round with Albania's part (own) and one with Serbia's part only (other).
FACTCHECKS = ("own_factcheck", "other_factcheck")

ROUTES = [
    Route("editions.index", "GET", "/compile/", objects=NONE, expect="""
        -
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    Route("editions.round_page", "GET", "/compile/rounds/{round}", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    Route("editions.status", "GET", "/compile/rounds/{round}/status.json", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    Route("editions.start", "POST", "/compile/rounds/{round}/compile", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     403
        secretariat  302
        admin        404
    """),
    Route("editions.download", "GET", "/compile/rounds/{round}/editions/{edition}/download", objects=ROUNDS,
          expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    # The edition in Word: exactly who may download its PDF (issue 16, item 3).
    Route("editions.download_docx", "GET", "/compile/rounds/{round}/editions/{edition}/download.docx", objects=ROUNDS,
          expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    # The public verification page (issue 16, item 4): everyone, signed in or not. A POST without
    # a file is refused with the form (400); nothing is stored.
    Route("verify.index", "GET", "/verify/", observer_like="admin", objects=NONE, public=True, expect="""
        -
        anonymous    200
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("verify.index", "POST", "/verify/", observer_like="admin", objects=NONE, public=True, mutates=False,
          expect="""
        -
        anonymous    400
        contributor  400
        coordinator  400
        eu_reporter  400
        reviewer     400
        secretariat  400
        admin        400
    """),
    Route("editions.report_pdf", "GET", "/compile/reports/{report}/pdf", objects=REPORTS, expect="""
                     own_draft own_submitted own_approved other_draft other_submitted other_approved
        anonymous    302       302           302          302         302             302
        contributor  404       200           200          404         404             404
        coordinator  404       200           200          404         404             404
        eu_reporter  404       404           404          404         404             404
        reviewer     404       200           200          404         200             200
        secretariat  404       200           200          404         200             200
        admin        404       404           404          404         404             404
    """),
    Route("editions.report_pdf_job", "GET", "/compile/reports/{report}/pdf/jobs/{job}", objects=REPORTS, expect="""
                     own_draft own_submitted own_approved other_draft other_submitted other_approved
        anonymous    302       302           302          302         302             302
        contributor  200       200           200          404         404             404
        coordinator  200       200           200          404         404             404
        eu_reporter  404       404           404          404         404             404
        reviewer     404       200           200          404         200             200
        secretariat  404       200           200          404         200             200
        admin        404       404           404          404         404             404
    """),
    Route("editions.report_pdf_status", "GET", "/compile/reports/{report}/pdf/jobs/{job}/status.json",
          objects=REPORTS, expect="""
                     own_draft own_submitted own_approved other_draft other_submitted other_approved
        anonymous    302       302           302          302         302             302
        contributor  200       200           200          404         404             404
        coordinator  200       200           200          404         404             404
        eu_reporter  404       404           404          404         404             404
        reviewer     404       200           200          404         200             200
        secretariat  404       200           200          404         200             200
        admin        404       404           404          404         404             404
    """),
    # The fact-check of a draft edition (issue 15, item 4): a party's coordinator reads and corrects
    # its own part only; another party's draft, contributors and the Commission get 404 (the
    # Commission reads the draft edition and the corrections on its editions page).
    Route("factcheck.page", "GET", "/fact-check/{factcheck}", objects=FACTCHECKS, expect="""
                     own_factcheck other_factcheck
        anonymous    302           302
        contributor  404           404
        coordinator  200           404
        eu_reporter  404           404
        reviewer     404           404
        secretariat  404           404
        admin        404           404
    """),
    Route("factcheck.download", "GET", "/fact-check/{factcheck}/pdf", objects=FACTCHECKS, expect="""
                     own_factcheck other_factcheck
        anonymous    302           302
        contributor  404           404
        coordinator  200           404
        eu_reporter  404           404
        reviewer     404           404
        secretariat  404           404
        admin        404           404
    """),
    Route("factcheck.correct", "POST", "/fact-check/{factcheck}/corrections", objects=FACTCHECKS,
          data={"action_code": "", "body": "The law was adopted in March, not in May."}, expect="""
                     own_factcheck other_factcheck
        anonymous    302           302
        contributor  404           404
        coordinator  302           404
        eu_reporter  404           404
        reviewer     404           404
        secretariat  404           404
        admin        404           404
    """),
    Route("editions.open_factcheck", "POST", "/compile/rounds/{round}/editions/{factcheck}/fact-check",
          objects=FACTCHECKS, data=lambda world, obj: {"ends_on": (dt.date.today() + dt.timedelta(days=10)).isoformat()},
          expect="""
                     own_factcheck other_factcheck
        anonymous    302           302
        contributor  404           404
        coordinator  404           404
        eu_reporter  404           404
        reviewer     403           403
        secretariat  302           302
        admin        404           404
    """),
    Route("editions.resolve_correction", "POST",
          "/compile/rounds/{round}/editions/{factcheck}/corrections/{correction}/resolve", objects=FACTCHECKS,
          data={"outcome": "not_accepted", "reply": "The annex says March already."}, expect="""
                     own_factcheck other_factcheck
        anonymous    302           302
        contributor  404           404
        coordinator  404           404
        eu_reporter  404           404
        reviewer     403           403
        secretariat  302           302
        admin        404           404
    """),
]

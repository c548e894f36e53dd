"""The consolidated PDF: editions (Commission side only; the secretariat compiles) and party PDFs.

A party PDF job is shown to whoever may download that report's PDF (a partner's own draft
included: its earlier revisions are its own); the world's jobs sit even on reports with no
revision, where the PDF itself is 404."""
from tests.access.spec import NONE, REPORTS, ROUNDS, Route

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
]

"""Review, comments, feedback, notifications and timeline routes (the review area)."""
from __future__ import annotations

import sqlalchemy as sa

from tests.access.spec import COMMENTS, NONE, REPORTS, Route


def _latest_revision_id(report_id: int) -> int:
    from ctportal.models import Revision, db
    return db.session.scalar(sa.select(Revision.id).where(Revision.report_id == report_id)
                             .order_by(Revision.number.desc()).limit(1)) or 0


def _state_version(report_id: int) -> int:
    from ctportal.models import Report, db
    return db.session.get(Report, report_id).state_version


def _verdict(world, obj):
    report_id = world.params(obj)["report"]
    return {"verdict": "accepted", "assessment": "good_progress", "note": "Fine.",
            "revision_id": _latest_revision_id(report_id)}


def _accept_all(world, obj):
    from ctportal.models import Report, db
    from ctportal.services.review.reviews import remaining_keys
    report_id = world.params(obj)["report"]
    return {"keys": ",".join(remaining_keys(db.session.get(Report, report_id))),
            "revision_id": _latest_revision_id(report_id)}


def _reason(world, obj):
    report_id = world.params(obj)["report"]
    return {"reason": "Objective 2 is incomplete.", "state_version": _state_version(report_id)}


def _approve(world, obj):
    from ctportal.models import Report, db
    from ctportal.services.review.workflow import Step, confirmation_token
    report = db.session.get(Report, world.params(obj)["report"])
    return {"state_version": _state_version(report.id),
            "confirmed": confirmation_token(report, Step.approve, world.users.reviewer)}


# Who may open the Commission's review pages of a report: the Commission, once it is submitted.
REVIEW_VIEW = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   403       403           403          404         404             404
    coordinator   403       403           403          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       200           200          404         200             200
    secretariat   404       200           200          404         200             200
    admin         404       404           404          404         404             404
"""

# Pages of a report that both sides read (threads, feedback, history).
SHARED_VIEW = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   200       200           200          404         404             404
    coordinator   200       200           200          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       200           200          404         200             200
    secretariat   404       200           200          404         200             200
    admin         404       404           404          404         404             404
"""

# Posting a comment: the party on its own report, reviewers on submitted and later reports.
COMMENT_POST = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   302       302           302          404         404             404
    coordinator   302       302           302          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       302           302          404         302             302
    secretariat   404       403           403          404         403             403
    admin         404       404           404          404         404             404
"""

# Review actions on a submitted report (verdicts, accept-all preview, request changes page).
ON_SUBMITTED_GET = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   403       403           403          404         404             404
    coordinator   403       403           403          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       200           403          404         200             403
    secretariat   404       403           403          404         403             403
    admin         404       404           404          404         404             404
"""

ON_SUBMITTED_POST = ON_SUBMITTED_GET.replace("200", "302")

ON_APPROVED_GET = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   403       403           403          404         404             404
    coordinator   403       403           403          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       403           200          404         403             200
    secretariat   404       403           403          404         403             403
    admin         404       404           404          404         404             404
"""

ON_APPROVED_POST = ON_APPROVED_GET.replace("200", "302")

ASSIGN = """
                  own_draft own_submitted own_approved other_draft other_submitted other_approved
    anonymous     302       302           302          302         302             302
    contributor   403       403           403          404         404             404
    coordinator   403       403           403          404         404             404
    eu_reporter   404       404           404          404         404             404
    reviewer      404       302           302          404         302             302
    secretariat   404       302           302          404         302             302
    admin         404       404           404          404         404             404
"""

RESOLVE = """
                  own_shared_comment own_internal_comment other_shared_comment other_internal_comment
    anonymous     302                302                  302                  302
    contributor   403                404                  404                  404
    coordinator   403                404                  404                  404
    eu_reporter   404                404                  404                  404
    reviewer      302                302                  302                  302
    secretariat   403                403                  403                  403
    admin         404                404                  404                  404
"""

EVERY_USER = """
                  -
    anonymous     302
    contributor   {s}
    coordinator   {s}
    eu_reporter   {s}
    reviewer      {s}
    secretariat   {s}
    admin         {s}
"""

ROUTES = [
    Route("review.queue", "GET", "/review/", objects=NONE, expect="""
                      -
        anonymous     302
        contributor   403
        coordinator   403
        eu_reporter   403
        reviewer      200
        secretariat   200
        admin         403
    """),
    Route("review.report", "GET", "/review/reports/{report}", objects=REPORTS, expect=REVIEW_VIEW),
    Route("review.entry", "GET", "/review/reports/{report}/entries/{entry}", objects=REPORTS,
          expect=REVIEW_VIEW),
    Route("review.entry", "POST", "/review/reports/{report}/entries/{entry}", objects=REPORTS,
          data=_verdict, expect=ON_SUBMITTED_POST),
    Route("review.accept_all", "GET", "/review/reports/{report}/accept-all", objects=REPORTS,
          expect=ON_SUBMITTED_GET),
    Route("review.accept_all", "POST", "/review/reports/{report}/accept-all", objects=REPORTS,
          data=_accept_all, expect=ON_SUBMITTED_POST),
    Route("review.request_changes", "GET", "/review/reports/{report}/request-changes", objects=REPORTS,
          expect=ON_SUBMITTED_GET),
    Route("review.request_changes", "POST", "/review/reports/{report}/request-changes", objects=REPORTS,
          data=_reason, expect=ON_SUBMITTED_POST),
    Route("review.approve", "GET", "/review/reports/{report}/approve", objects=REPORTS, expect=ON_SUBMITTED_GET),
    Route("review.approve", "POST", "/review/reports/{report}/approve", objects=REPORTS,
          data=_approve, expect=ON_SUBMITTED_POST),
    Route("review.reopen", "GET", "/review/reports/{report}/reopen", objects=REPORTS, expect=ON_APPROVED_GET),
    Route("review.reopen", "POST", "/review/reports/{report}/reopen", objects=REPORTS,
          data=_reason, expect=ON_APPROVED_POST),
    Route("review.assign", "POST", "/review/reports/{report}/assign", objects=REPORTS,
          data={"reviewer_id": 0}, expect=ASSIGN),
    Route("comments.report_thread", "GET", "/reports/{report}/comments", objects=REPORTS, expect=SHARED_VIEW),
    Route("comments.entry_thread", "GET", "/reports/{report}/entries/{entry}/comments", objects=REPORTS,
          expect=SHARED_VIEW),
    Route("comments.post_report_comment", "POST", "/reports/{report}/comments", objects=REPORTS,
          data={"body": "A question about the report.", "visibility": "shared"}, expect=COMMENT_POST),
    Route("comments.post_entry_comment", "POST", "/reports/{report}/entries/{entry}/comments", objects=REPORTS,
          data={"body": "A question about this entry.", "visibility": "shared"}, expect=COMMENT_POST),
    Route("comments.resolve", "POST", "/reports/{report}/comments/{comment}/resolve", objects=COMMENTS,
          data={"resolved": "1"}, expect=RESOLVE),
    Route("comments.feedback", "GET", "/reports/{report}/feedback", objects=REPORTS, expect=SHARED_VIEW),
    Route("timeline.report", "GET", "/reports/{report}/timeline", objects=REPORTS, expect=SHARED_VIEW),
    Route("notify.index", "GET", "/notifications/", observer_like="admin", objects=NONE, expect=EVERY_USER.format(s=200)),
    # Nobody opens a notification that is not theirs (ownership: tests/test_notify_*.py).
    Route("notify.open_", "POST", "/notifications/987654/open", objects=NONE, mutates=False,
          expect=EVERY_USER.format(s=404)),
    Route("notify.mark_read", "POST", "/notifications/987654/read", objects=NONE, mutates=False,
          expect=EVERY_USER.format(s=404)),
    Route("notify.mark_all_read", "POST", "/notifications/read-all", observer_like="admin", objects=NONE, mutates=False,
          expect=EVERY_USER.format(s=302)),
]

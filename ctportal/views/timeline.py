"""One page per report with its whole history, for whoever may view the report."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.services.review import timeline

bp = Blueprint("timeline", __name__)


@bp.get("/reports/<int:report_id>/timeline")
@login_required
def report(report_id: int):
    report = policy.get_report_or_404(report_id)
    return render_template("timeline/report.html", report=report, items=timeline.history(current_user, report),
                           commission=policy.may_see_assessment(current_user, report))

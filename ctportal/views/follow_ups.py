"""A party's answer to each recommendation of the previous round (issue 15, item 2).

The item is loaded through its report (report -> follow-up item): another party's item answers
404 exactly as a missing one. The Commission reads answers in the submitted revision (the review
page), never in the draft, so it is sent there, as for the entry pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from ctportal import policy
from ctportal.forms.follow_ups import FollowUpForm
from ctportal.infra import markdown
from ctportal.models import FollowUp, Report, db
from ctportal.pages import reports as pages
from ctportal.policy import Permission
from ctportal.services.reporting import follow_ups
from ctportal.views.errors import on_form

bp = Blueprint("follow_ups", __name__)


def _item_of_report_or_404(report: Report, item_id: int) -> FollowUp:
    item = db.session.scalar(sa.select(FollowUp).where(FollowUp.id == item_id, FollowUp.report_id == report.id))
    if item is None:
        abort(404)
    return item


def _render(report: Report, item: FollowUp, form: FollowUpForm | None, status: int = 200):
    return render_template("follow_ups/item.html", item=item, form=form,
                           source=item.text.round,
                           rendered=markdown.render(item.narrative), **pages.report_header(report, current_user),
                           crumbs=[(None, gettext("Recommendation %(n)s", n=item.number))]), status


@bp.get("/reports/<int:report_id>/follow-ups/<int:item_id>")
@login_required
def item(report_id: int, item_id: int):
    report = policy.get_report_or_404(report_id)
    found = _item_of_report_or_404(report, item_id)
    if policy.is_commission(current_user):
        return redirect(url_for("review.report", report_id=report.id, _anchor="follow-ups"))
    form = None
    if policy.can(current_user, Permission.EDIT, report):
        form = FollowUpForm(formdata=None, status=found.status.value if found.status else None,
                            narrative=found.narrative, version=found.version)
    return _render(report, found, form)


@bp.post("/reports/<int:report_id>/follow-ups/<int:item_id>")
@login_required
def save(report_id: int, item_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    found = _item_of_report_or_404(report, item_id)
    form = FollowUpForm()
    if not form.validate():
        return _render(report, found, form, 422)
    try:
        follow_ups.save(found, current_user, status=form.status.data, narrative=form.narrative.data or "",
                        expected_version=form.version.data)
        db.session.commit()
    except follow_ups.FollowUpError as exc:
        report = policy.get_report_or_404(report_id)
        on_form(form, exc, "narrative")  # the answer stays in the form: nothing typed is lost
        return _render(report, _item_of_report_or_404(report, item_id), form, exc.status)
    except StaleDataError:
        db.session.rollback()
        form.narrative.errors = [gettext("Someone saved this answer at the same moment: reload the page and "
                                         "check their changes.")]
        report = policy.get_report_or_404(report_id)
        return _render(report, _item_of_report_or_404(report, item_id), form, 409)
    flash(gettext("Your answer to recommendation %(n)s was saved.", n=found.number), "success")
    return redirect(url_for("reports.overview", report_id=report.id, _anchor="follow-ups-title"))

"""The audit trail: search by user, party, object and time; export as CSV."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.infra.database import writes_on_get
from ctportal.forms import options
from ctportal.forms.audit import AuditSearchForm
from ctportal.models import Party, db
from ctportal.domain.parties import local_name
from ctportal.pages.audit import sentences
from ctportal.services import audit
from ctportal.services.desk import audit_search
from ctportal.web.gates import gate_area

bp = Blueprint("audit", __name__, url_prefix="/audit")
gate_area(bp, policy.may_see_audit)
PER_PAGE = 50


def _form() -> tuple[AuditSearchForm, audit_search.AuditQuery | None]:
    form = AuditSearchForm(request.args)
    parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order)))
    form.party.choices = options([("", _("Any party"))] + [(str(p.id), local_name(p)) for p in parties])
    form.object_type.choices = options([("", _("Any type"))] + [(t, t) for t in audit_search.object_types()])
    if request.args and not form.validate():
        return form, None
    return form, audit_search.AuditQuery(
        user=form.user.data or "", party_id=int(form.party.data) if form.party.data else None,
        object_type=form.object_type.data or "", object_id=form.object_id.data,
        action=form.action.data or "", since=form.since.data, until=form.until.data)


@bp.get("/")
@login_required
def index():
    form, query = _form()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)  # a bounded OFFSET
    events, total = audit_search.search(query, page=page, per_page=PER_PAGE) if query else ([], 0)
    parties = {p.id: p for p in db.session.scalars(sa.select(Party))}
    args = {k: v for k, v in request.args.items() if k != "page"}
    content = policy.may_read_audit_content(current_user)
    details = {e.id: audit_search.shown_detail(e, content=content) for e in events}
    return render_template("audit/index.html", form=form, events=events, details=details, content=content,
                           sentences=sentences(events, details),
                           total=total, page=page,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), parties=parties, args=args,
                           valid=query is not None)


@bp.get("/export.csv")
@login_required
@writes_on_get  # the export is an audit event
def export_csv():
    form, query = _form()
    if query is None:
        abort(400)
    body = audit_search.to_csv(query, content=policy.may_read_audit_content(current_user))
    audit.record("audit.exported", None, filters={k: v for k, v in request.args.items()})
    db.session.commit()
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response

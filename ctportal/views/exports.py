"""Exports of a round, or of one party's report, as XLSX and CSV; each one an audit event."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort
from flask_babel import force_locale
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.infra.database import writes_on_get
from ctportal.models import Report, db
from ctportal.services import audit
from ctportal.services.desk import exports
from ctportal.services.desk.progress_map import round_data

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(round_id: int):
    rnd = policy.get_round_or_404(round_id)
    if not policy.may_export_round(current_user, rnd):
        abort(403)
    return rnd


def _report(report_id: int) -> Report:
    report = policy.get_report_or_404(report_id, permission=policy.Permission.DOWNLOAD)
    if not policy.may_export_round(current_user, report.round):
        abort(403)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "round"


def _send(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(rnd, fmt: str, report: Report | None = None) -> Response:
    # The files are data beside the English report (issue 17): states and statuses in English, whatever
    # language the page that asked for them speaks.
    with force_locale("en"):
        return _export_in_english(rnd, fmt, report)


def _export_in_english(rnd, fmt: str, report: Report | None) -> Response:
    data = round_data(rnd, current_user)
    if report is not None:
        data = [d for d in data if d.report.id == report.id]
    rows, footnotes, data = exports.export_rows(rnd, current_user, data)
    columns = exports.columns_for(current_user)
    name = _slug(rnd.title) + (f"-{report.party.code.lower()}" if report is not None else "")
    audit.record("export.downloaded", report if report is not None else rnd, format=fmt, rows=len(rows),
                 round_id=rnd.id, parties=[d.party.code for d in data],
                 internal=policy.is_commission(current_user))
    db.session.commit()
    if fmt == "csv":
        return _send(exports.to_csv(rows, columns), "text/csv; charset=utf-8", f"{name}.csv")
    return _send(exports.to_xlsx(rnd, current_user, rows, columns, data, footnotes), XLSX, f"{name}.xlsx")


@bp.get("/rounds/<int:round_id>.xlsx")
@login_required
@writes_on_get  # the export is an audit event
def round_xlsx(round_id: int):
    return _export(_round(round_id), "xlsx")


@bp.get("/rounds/<int:round_id>.csv")
@login_required
@writes_on_get  # the export is an audit event
def round_csv(round_id: int):
    return _export(_round(round_id), "csv")


@bp.get("/reports/<int:report_id>.xlsx")
@login_required
@writes_on_get  # the export is an audit event
def report_xlsx(report_id: int):
    report = _report(report_id)
    return _export(report.round, "xlsx", report)


@bp.get("/reports/<int:report_id>.csv")
@login_required
@writes_on_get  # the export is an audit event
def report_csv(report_id: int):
    report = _report(report_id)
    return _export(report.round, "csv", report)

"""A party's reports: the overview, one page per objective, the entry form, submission.

Every request loads the report through the policy (404 when the user may not see it, 403 when
they may see it but not do this), then the entry through the report (404 for an entry of any
other report), then validates, calls a service and commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import orm as so
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from ctportal import policy
from ctportal.infra import markdown
from ctportal.forms import ActionForm
from ctportal.forms.documents import UploadForm
from ctportal.forms.entry import (PreviewForm, SubmitReportForm, build_entry_form, error_list,
                                  expected_version, form_to_data)
from ctportal.models import Action, Entry, EntryKind, Report, Round, RoundState, db
from ctportal.domain.parties import display_name
from ctportal.policy import Permission
from ctportal.services.reporting import documents as document_service
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting import reports as report_service
from ctportal.services.reporting.completeness import missing_items
from ctportal.services.reporting.progress import entry_is_answered
from ctportal.services.desk.rounds import deadline_for
from ctportal.services.review.workflow import Step
from ctportal.services.review.workflow import IncompleteReport, apply_transition
from ctportal.views.errors import refused_to

bp = Blueprint("reports", __name__)

# The pages that show the editable draft. The Commission side reads revisions, never the draft
# a party is working on (DESIGN.md: a draft only as a progress count), so it is sent to the
# review pages, which show the latest submitted revision.
_DRAFT_PAGES = {"reports.overview": "review.report", "reports.section": "review.report",
                "reports.entry": "review.entry"}


@bp.before_request
def _commission_reads_revisions():
    target = _DRAFT_PAGES.get(request.endpoint or "")
    if target and request.method == "GET" and policy.is_commission(current_user):
        args = {k: v for k, v in (request.view_args or {}).items() if k in ("report_id", "entry_id")}
        if target == "review.report":
            args.pop("entry_id", None)
        policy.get_report_or_404(args["report_id"])  # not visible: the same 404 as before
        return redirect(url_for(target, **args))
    return None


# --- loading ---------------------------------------------------------------------------------------

@dataclass
class Section:
    """One page of the report form: an objective's actions, the joint actions, or the priority actions."""

    slug: str
    title: str
    short: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for e in self.entries if entry_is_answered(e))

    @property
    def percent(self) -> int:
        return round(100 * self.answered / len(self.entries)) if self.entries else 0


def preload(report: Report) -> None:
    """Load the report's entries with their actions, objectives and rows in a few queries, not one per entry."""
    db.session.scalars(
        sa.select(Entry).where(Entry.report_id == report.id)
        .options(so.selectinload(Entry.action).selectinload(Action.objective),
                 so.selectinload(Entry.action).selectinload(Action.footnote_refs),
                 so.selectinload(Entry.priority_action), so.selectinload(Entry.measures),
                 so.selectinload(Entry.legal_acts), so.selectinload(Entry.updated_by))).all()


def sections_of(report: Report) -> list[Section]:
    """The report's pages, in the plan's order, built from its entries (and so from the catalogue)."""
    objectives: dict[int, Section] = {}
    joint = Section("joint", "Joint actions of the Western Balkans partners", "Joint actions")
    priority = Section("priority", f"Priority actions of {display_name(report.party)}", "Priority actions")
    for entry in report.entries:
        if entry.kind == EntryKind.joint:
            joint.entries.append(entry)
        elif entry.kind == EntryKind.priority:
            priority.entries.append(entry)
        else:
            objective = entry.action.objective
            if objective.number not in objectives:
                objectives[objective.number] = Section(str(objective.number),
                                                       f"Objective {objective.number}: {objective.title}",
                                                       f"Objective {objective.number}")
            objectives[objective.number].entries.append(entry)
    ordered = [objectives[n] for n in sorted(objectives)]
    ordered += [s for s in (joint, priority) if s.entries]
    return ordered


def section_of_entry(report: Report, entry: Entry) -> Section:
    for section in sections_of(report):
        if any(e.id == entry.id for e in section.entries):
            return section
    abort(404)


def entry_label(entry: Entry) -> str:
    if entry.kind == EntryKind.priority:
        return f"Priority action on {entry.action.code}"
    if entry.kind == EntryKind.joint:
        return f"Joint action {entry.action.code}"
    return f"Action {entry.action.code}"


def action_text(action: Action, prefix: str) -> Markup:
    """The action's text with its footnote calls as links to the footnotes below it."""
    text = str(escape(action.text))
    at_end = []
    for ref in action.footnote_refs:
        call = Markup('<sup><a href="#{p}-fn-{n}" id="{p}-fnref-{n}">{n}</a></sup>').format(
            p=prefix, n=ref.footnote.number)
        anchor = str(escape(ref.anchor or ""))
        if anchor and anchor in text:
            text = text.replace(anchor, anchor + str(call), 1)
        else:
            at_end.append(str(call))
    return Markup(text + "".join(at_end))  # noqa: S704 - built from escaped parts


def last_edits(report: Report, limit: int = 6) -> list[Entry]:
    return list(db.session.scalars(
        sa.select(Entry).where(Entry.report_id == report.id, Entry.updated_at.is_not(None))
        .order_by(Entry.updated_at.desc(), Entry.id.desc()).limit(limit)))


def _context(report: Report) -> dict:
    preload(report)
    perms = policy.report_permissions(current_user, report)
    return {
        "report": report,
        "perms": perms,
        "can_edit": Permission.EDIT in perms,
        "can_submit": Permission.SUBMIT in perms,
        "deadline": deadline_for(report.round, report.party_id),
        "entry_label": entry_label,
        "action_text": action_text,
    }


# --- pages -----------------------------------------------------------------------------------------

@bp.get("/reports")
@login_required
def my_reports():
    reports = db.session.scalars(
        sa.select(Report).join(Round).where(policy.visible_reports_clause(current_user))
        .order_by(sa.case((Round.state == RoundState.open, 0), else_=1), Round.submission_deadline.desc(),
                  Report.party_id)).all()
    items = []
    for report in reports:
        preload(report)
        sections = sections_of(report)
        items.append({"report": report, "sections": sections,
                      "answered": sum(s.answered for s in sections),
                      "total": sum(len(s.entries) for s in sections),
                      "deadline": deadline_for(report.round, report.party_id),
                      "last_edits": last_edits(report, 3)})
    return render_template("reports/my_reports.html", items=items)


def _render_overview(report: Report, *, submit_form=None, missing=None, attempted=False, status=200):
    ctx = _context(report)
    sections = sections_of(report)
    can_copy = (ctx["can_edit"] and report_service.can_copy_from_last_round(report)
                and report_service.last_approved_revision(report) is not None)
    docs = document_service.current_documents(report)
    entries_by_id = {e.id: e for e in report.entries}
    return render_template(
        "reports/overview.html", sections=sections, last_edits=last_edits(report),
        missing=missing if missing is not None else (missing_items(report) if ctx["can_edit"] else []),
        attempted=attempted, submit_form=submit_form or SubmitReportForm(state_version=report.state_version),
        upload_form=UploadForm(), documents=docs, entries_by_id=entries_by_id,
        earlier_versions=document_service.earlier_versions,
        can_copy=can_copy, copied_count=sum(1 for e in report.entries if e.copied_from_previous),
        previous=report_service.last_approved_revision(report) if can_copy else None,
        **ctx), status


@bp.get("/reports/<int:report_id>")
@login_required
def overview(report_id: int):
    report = policy.get_report_or_404(report_id)
    return _render_overview(report)


@bp.get("/reports/<int:report_id>/sections/<slug>")
@login_required
def section(report_id: int, slug: str):
    report = policy.get_report_or_404(report_id)
    sections = sections_of(report)
    current = next((s for s in sections if s.slug == slug), None)
    if current is None:
        abort(404)
    return render_template("reports/section.html", sections=sections, section=current,
                           **_context(report))


def _neighbours(report: Report, entry: Entry) -> tuple[Entry | None, Entry | None]:
    ordered = list(report.entries)
    index = next(i for i, e in enumerate(ordered) if e.id == entry.id)
    return (ordered[index - 1] if index > 0 else None,
            ordered[index + 1] if index + 1 < len(ordered) else None)


FIELD_LABELS = {"status": "Implementation status", "measures": "Measures taken",
                "legal_acts": "Legal acts adopted", **entry_service.TEXT_LABELS}


def _as_text(data: entry_service.EntryData, name: str) -> str:
    """One field of an entry as plain text, for the side-by-side conflict page."""
    if name == "status":
        return data.status.title if data.status else "(not chosen)"
    if name == "measures":
        return "\n".join(f"- {m.description}" + (f" ({m.taken_on.isoformat()})" if m.taken_on else "")
                         for m in data.measures if not m.is_empty)
    if name == "legal_acts":
        return "\n".join(f"- {a.title}" + (f", {a.adopted_on.isoformat()}" if a.adopted_on else "")
                         + (f", {a.gazette_reference}" if a.gazette_reference else "")
                         for a in data.legal_acts if not a.is_empty)
    return getattr(data, name) or ""


def conflict_rows(conflict: entry_service.Conflict) -> list[tuple[str, str, str, str]]:
    """(field name, label, saved text, this user's text) for every field where the two differ."""
    return [(name, FIELD_LABELS[name], _as_text(conflict.theirs, name), _as_text(conflict.mine, name))
            for name in conflict.changed_fields]


def _render_entry(report: Report, entry: Entry, form=None, *, preview=None, problems=(), conflict=None,
                  status=200):
    ctx = _context(report)
    previous, following = _neighbours(report, entry)
    errors = error_list(form) if form is not None else []
    errors += [(p.field, p.message) for p in problems]
    return render_template(
        "reports/entry.html", entry=entry, form=form, preview=preview, errors=errors, conflict=conflict,
        conflict_rows=conflict_rows(conflict) if conflict else [],
        section=section_of_entry(report, entry), previous=previous, following=following,
        documents=document_service.current_documents(report, entry),
        earlier_versions=document_service.earlier_versions, upload_form=UploadForm(),
        entry_fields=entry_service.TEXT_FIELDS, **ctx), status


@bp.get("/reports/<int:report_id>/entries/<int:entry_id>")
@login_required
def entry(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id)
    entry = policy.entry_of_report_or_404(report, entry_id)
    can_edit = policy.can(current_user, Permission.EDIT, report)
    form = build_entry_form(entry) if can_edit else None
    return _render_entry(report, entry, form)


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>")
@login_required
def save_entry(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    entry = policy.entry_of_report_or_404(report, entry_id)
    form = build_entry_form(entry, formdata=request.form)
    if form.add_measure.data or form.add_legal_act.data:
        # No JavaScript: one more blank row, and everything typed so far stays in the form.
        (form.measures if form.add_measure.data else form.legal_acts).append_entry()
        return _render_entry(report, entry, form)
    valid = form.validate()
    if form.preview.data:
        error = entry_service.check_text("narrative", form.narrative.data or "")
        html = markdown.render(form.narrative.data) if not error else None
        return _render_entry(report, entry, form, preview=html or Markup(""),
                             status=200 if valid else 422)
    if not valid:
        return _render_entry(report, entry, form, status=422)
    version = expected_version(form)
    if version is None:
        form.version.errors = ["the form is missing its version. Reload the page; copy your text first."]
        return _render_entry(report, entry, form, status=400)
    data = form_to_data(form)
    try:
        result = entry_service.save_entry(entry, data, version, current_user)
        if isinstance(result, entry_service.Saved):
            db.session.commit()
    except entry_service.InvalidEntry as exc:
        db.session.rollback()
        return _render_entry(report, policy.entry_of_report_or_404(report, entry_id), form, problems=exc.problems, status=422)
    except StaleDataError:
        # Another save of this entry reached the database first.
        db.session.rollback()
        entry = policy.entry_of_report_or_404(report, entry_id)
        db.session.refresh(entry)
        result = entry_service.conflict_for(entry, data)
    if isinstance(result, entry_service.Conflict):
        db.session.rollback()
        entry = policy.entry_of_report_or_404(report, entry_id)
        # The form keeps what this user typed, now based on the saved version: saving it again is
        # a deliberate choice made after seeing both texts.
        mine = build_entry_form(entry, data=result.mine, version=entry.version)
        return _render_entry(report, entry, mine, conflict=result, status=409)
    flash(f"{entry_label(entry)} saved.", "success")
    if form.save_next.data:
        _, following = _neighbours(report, entry)
        if following is not None:
            return redirect(url_for(".entry", report_id=report.id, entry_id=following.id))
        return redirect(url_for(".overview", report_id=report.id))
    return redirect(url_for(".entry", report_id=report.id, entry_id=entry.id))


@bp.post("/reports/<int:report_id>/preview")
@login_required
def preview(report_id: int):
    """The narrative as it will appear on screen and in the PDF: the one sanitiser, server-side."""
    policy.get_report_or_404(report_id, permission=Permission.EDIT)
    form = PreviewForm()
    if not form.validate():
        abort(400)
    text = (form.text.data or "").replace("\r\n", "\n")
    error = entry_service.check_text("narrative", text)
    if error:
        return render_template("reports/_preview.html", error=f"Progress narrative: {error}", html=None)
    return render_template("reports/_preview.html", error=None, html=markdown.render(text))


@bp.post("/reports/<int:report_id>/submit")
@login_required
def submit(report_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.SUBMIT)
    form = SubmitReportForm()
    if not form.validate():
        abort(400)
    try:
        expected = int(form.state_version.data)
    except (TypeError, ValueError):
        expected = None
    with refused_to(url_for(".overview", report_id=report_id)):
        try:
            apply_transition(report, Step.submit, current_user, expected_state_version=expected)
        except IncompleteReport as exc:
            db.session.rollback()
            report = policy.get_report_or_404(report_id)
            return _render_overview(report, missing=exc.missing, attempted=True, status=422)
    db.session.commit()
    flash("The report was submitted for review. It is read-only while the Commission reviews it.", "success")
    return redirect(url_for(".overview", report_id=report.id))


@bp.post("/reports/<int:report_id>/copy-previous")
@login_required
def copy_previous(report_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        copied = report_service.copy_from_last_approved(report, current_user)
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".overview", report_id=report_id))
    db.session.commit()
    flash(f"{copied} entries were copied from the last approved report. Each stays marked "
          "“copied from the last round” until someone edits it.", "success")
    return redirect(url_for(".overview", report_id=report.id))

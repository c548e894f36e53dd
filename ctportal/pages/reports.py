"""What a party's report pages show: the list of reports, the overview, the section pages, the entry page.

Plain data for the templates, built in a few queries (`preload`); the views in views/reports.py
load and check through the policy, then hand these to render_template.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape
from sqlalchemy import orm as so

from ctportal import policy
from ctportal.domain import entry_fields, languages
from ctportal.domain import indicators as ind
from ctportal.domain.catalogue import plan_translation
from ctportal.domain.parties import local_name
from ctportal.domain.plan_words import Worded
from ctportal.models import Entry, EntryKind, Report, ReportState, Round, RoundState, User, db
from ctportal.policy import Permission
from ctportal.services.desk.rounds import deadline_for
from ctportal.services.reporting import documents as document_service
from ctportal.pages import figures as figure_pages
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting import reports as report_service
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.completeness import MissingItem, missing_items
from ctportal.services.reporting.plan_cache import action_of
from ctportal.services.reporting.previous import previous_round_revision
from ctportal.services.reporting.progress import entry_is_answered
from ctportal.services.review import comments as comment_service
from ctportal.services.review import reviews as review


@dataclass
class Section:
    """One page of the report form: an objective's actions, the joint actions, or the priority actions."""

    slug: str
    title: str
    short: str
    entries: list[Entry] = field(default_factory=list)
    reference: str = ""   # the objective's English title, when `title` carries a translation of it

    @property
    def answered(self) -> int:
        return sum(1 for e in self.entries if entry_is_answered(e))

    @property
    def percent(self) -> int:
        return round(100 * self.answered / len(self.entries)) if self.entries else 0


def preload(report: Report) -> list[Entry]:
    """The report's entries with their editors and priority actions, in a few queries; the plan's side
    of each (action, objective, lead-in, footnotes) is the process's catalogue (`action_of`), and the
    rows (measures, legal acts) only where a page shows them (`with_rows`).

    They become `report.entries` (its relationship's order), so neither the pages nor their templates
    lazy-load anything entry by entry. Done once per report and request: a second call finds them loaded.
    """
    state = sa.inspect(report)
    if "entries" in state.dict and all("updated_by" in sa.inspect(e).dict for e in report.entries):
        return report.entries
    entries = list(db.session.scalars(
        sa.select(Entry).where(Entry.report_id == report.id).order_by(Entry.position)
        .options(so.selectinload(Entry.priority_action), so.selectinload(Entry.updated_by))))
    _attach(report, entries)
    return entries


def with_rows(entries: list[Entry]) -> list[Entry]:
    """`entries` (a section's) with their measures and legal acts, in two queries for all of them."""
    missing = [e.id for e in entries if "measures" not in sa.inspect(e).dict]
    if missing:
        db.session.scalars(sa.select(Entry).where(Entry.id.in_(missing)).options(
            so.selectinload(Entry.measures), so.selectinload(Entry.legal_acts))).all()
    return entries


def _attach(report: Report, entries: list[Entry]) -> None:
    """`entries` become `report.entries`, and each knows its report without asking the session
    (`plan_of(entry)` reads the round's plan version through it, once per entry shown)."""
    so.attributes.set_committed_value(report, "entries", entries)
    for entry in entries:
        so.attributes.set_committed_value(entry, "report", report)


def entries_of(report: Report) -> list[Entry]:
    """The report's entries alone, in one query: for the review pages, which read what a party wrote
    from the revision and need of the entry only its id, key and action. `preload` later, if asked,
    adds the rows."""
    if "entries" in sa.inspect(report).dict:
        return report.entries
    entries = list(db.session.scalars(sa.select(Entry).where(Entry.report_id == report.id).order_by(Entry.position)))
    _attach(report, entries)
    return entries


def sections_of(report: Report) -> list[Section]:
    """The report's pages, in the plan's order, built from its entries (and so from the catalogue)."""
    objectives: dict[int, Section] = {}
    # Screens only (the PDFs and exports have their own headings): in the page's language.
    joint = Section("joint", gettext("Joint actions of the Western Balkans partners"), gettext("Joint actions"))
    priority = Section("priority", gettext("Priority actions of %(party)s", party=local_name(report.party)),
                       gettext("Priority actions"))
    for entry in preload(report):
        if entry.kind == EntryKind.joint:
            joint.entries.append(entry)
        elif entry.kind == EntryKind.priority:
            priority.entries.append(entry)
        else:
            objective = action_of(entry).objective
            if objective.number not in objectives:
                short = gettext("Objective %(number)s", number=objective.number)
                local = local_plan(entry)
                title = local.objective if local is not None and local.objective else None
                objectives[objective.number] = Section(str(objective.number), f"{short}: {title or objective.title}",
                                                       short, reference=objective.title if title else "")
            objectives[objective.number].entries.append(entry)
    ordered = [objectives[n] for n in sorted(objectives)]
    ordered += [s for s in (joint, priority) if s.entries]
    return ordered


@dataclass(frozen=True)
class LocalPlan:
    """The plan's texts around an entry's action in the page's language, where a translation gives them
    (domain/catalogue.plan_translation); None where it does not (the English is shown instead)."""

    lang: str                 # the `lang` attribute of the translated texts
    objective: str | None
    lead_in: str | None
    action: str | None


def page_language() -> str:
    locale = get_locale()
    return languages.code_of_babel(str(locale) if locale is not None else None)


def local_plan(entry: Entry) -> LocalPlan | None:
    """The translated texts of the entry's action for the page's language, or None (English, no file,
    nothing of this action's translated): the screens then show the English alone."""
    code = page_language()
    if code == languages.DEFAULT:
        return None
    found = plan_translation(entry.report.round.plan_version.code, code)
    if found is None:
        return None
    action = action_of(entry)
    number = action.objective.number
    local = LocalPlan(languages.get(code).html_lang, found.objectives.get(number),
                      found.lead_ins.get((number, action.actor_group.value)), found.actions.get(action.code))
    return local if (local.objective or local.lead_in or local.action) else None


def section_of_entry(report: Report, entry: Entry) -> Section | None:
    return next((s for s in sections_of(report) if any(e.id == entry.id for e in s.entries)), None)


def entry_label(entry: Entry) -> str:
    code = action_of(entry).code
    if entry.kind == EntryKind.priority:
        return gettext("Priority action on %(code)s", code=code)
    if entry.kind == EntryKind.joint:
        return gettext("Joint action %(code)s", code=code)
    return gettext("Action %(code)s", code=code)


def worded_html(words: Worded | None, prefix: str) -> Markup:
    """A text of the plan with its footnote calls as links to the footnotes listed below it."""
    if words is None:
        return Markup("")
    out = []
    for text, number in words.segments:
        out.append(str(escape(text)))
        if number is not None:
            out.append(str(Markup('<sup><a href="#{p}-fn-{n}" id="{p}-fnref-{n}">{n}</a></sup>').format(
                p=prefix, n=number)))
    return Markup("".join(out))  # noqa: S704 - built from escaped parts


def action_text(entry: Entry, prefix: str) -> Markup:
    """The entry's action's text with its footnote calls as links to the footnotes below it."""
    return worded_html(action_of(entry).words.action, prefix)


def last_edits(report: Report, limit: int = 6) -> list[Entry]:
    return list(db.session.scalars(
        sa.select(Entry).where(Entry.report_id == report.id, Entry.updated_at.is_not(None))
        .order_by(Entry.updated_at.desc(), Entry.id.desc()).limit(limit)))


def neighbours(report: Report, entry: Entry) -> tuple[Entry | None, Entry | None]:
    """The entries before and after `entry`, in the report's order."""
    ordered = list(report.entries)
    index = next(i for i, e in enumerate(ordered) if e.id == entry.id)
    return (ordered[index - 1] if index > 0 else None,
            ordered[index + 1] if index + 1 < len(ordered) else None)


@dataclass
class ToRevise:
    """An action the Commission asked the party to revise, with its shared comments (never internal ones)."""

    entry: Entry
    comments: list[Any]   # the open shared threads the Commission started on the entry (Thread)


def to_revise(report: Report, user: User) -> list[ToRevise]:
    """The actions marked "needs revision" while the report is sent back for changes, in the report's
    order, with the Commission's open shared threads on each (the party's view, even for the Commission)."""
    if report.state != ReportState.changes_requested:
        return []
    needing = review.needing_revision(report)
    if not needing:
        return []
    by_key = {e.key: e for e in report.entries}
    threads = comment_service.open_threads_by_entry(user, report, shared_only=True)
    items = []
    for row in needing:
        entry = by_key.get(row.entry_key)
        if entry is not None:
            items.append(ToRevise(entry, [t for t in threads.get(entry.id, [])
                                          if t.root.author is not None and policy.is_commission(t.root.author)]))
    return items


# --- the pages ---------------------------------------------------------------------------------------

def report_header(report: Report, user: User) -> dict[str, Any]:
    """What every page of a report shows above its own content."""
    preload(report)
    perms = policy.report_permissions(user, report)
    return {
        "report": report,
        "perms": perms,
        "can_edit": Permission.EDIT in perms,
        "can_submit": Permission.SUBMIT in perms,
        "deadline": deadline_for(report.round, report.party_id),
        "entry_label": entry_label,
        "action_text": action_text,
        "worded_html": worded_html,
    }


def report_list(user: User) -> list[dict[str, Any]]:
    """The user's reports, open rounds first, each with its parts and progress."""
    reports = db.session.scalars(
        sa.select(Report).join(Round).where(policy.visible_reports_clause(user))
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
    return items


def overview(report: Report, user: User, *, missing: list[MissingItem] | None = None) -> dict[str, Any]:
    """The report's overview: its parts, last edits, what is missing, documents, and where it may start from."""
    header = report_header(report, user)
    start_from = previous_round_revision(report) if (
        header["can_edit"] and report_service.can_copy_from_last_round(report)) else None
    return {
        **header,
        "sections": sections_of(report), "last_edits": last_edits(report),
        "missing": missing if missing is not None else (missing_items(report) if header["can_edit"] else []),
        "documents": document_service.current_documents(report),
        "entries_by_id": {e.id: e for e in report.entries},
        "earlier_versions": document_service.earlier_versions,
        "can_copy": start_from is not None, "previous": start_from,
        "copied_count": sum(1 for e in report.entries if e.copied_from_previous),
        "to_revise": to_revise(report, user),
        "follow_ups": follow_ups.of_report(report),
    }


def section_page(report: Report, user: User, section: Section, sections: list[Section]) -> dict[str, Any]:
    with_rows(section.entries)    # the page shows each answer whole
    return {**report_header(report, user), "sections": sections, "section": section}


def conflict_rows(conflict: entry_service.Conflict) -> list[tuple[str, str, str, str]]:
    """(field name, label, saved text, this user's text) for every field where the two differ."""
    theirs, mine = conflict.theirs.values(), conflict.mine.values()
    rows = [(name, entry_fields.LABELS[name], entry_fields.field_text(theirs, name) or "(empty)",
             entry_fields.field_text(mine, name) or "(empty)")
            for name in conflict.changed_fields if name != entry_service.FIGURES]
    if entry_service.FIGURES in conflict.changed_fields:
        indicators = figure_service.of_entry(conflict.entry)
        theirs_text, mine_text = (
            "\n".join(ind.figure_lines(figure_service.shape_of_typed(indicators, data.figures or {}))) or "(empty)"
            for data in (conflict.theirs, conflict.mine))
        rows.append((entry_service.FIGURES, "Figures", theirs_text, mine_text))
    return rows


def entry_page(report: Report, entry: Entry, user: User, section: Section,
               conflict: entry_service.Conflict | None = None) -> dict[str, Any]:
    """One entry: the form or the answer, the conflict if a save lost a race, its documents and neighbours."""
    before, after = neighbours(report, entry)
    indicators = figure_service.of_entry(entry)
    return {
        **report_header(report, user),
        "entry": entry, "section": section, "previous": before, "following": after,
        "figure_tables": figure_pages.form_tables(indicators),
        "figures_shown": figure_pages.shown_tables(figure_service.snapshot_of(entry, indicators)),
        "conflict": conflict, "conflict_rows": conflict_rows(conflict) if conflict else [],
        "documents": document_service.current_documents(report, entry),
        "earlier_versions": document_service.earlier_versions,
        "revise": next((item for item in to_revise(report, user) if item.entry.id == entry.id), None),
    }

"""The offline round trip for institutions without accounts (issue 18, item 3).

The coordinator downloads, per institution, a form (DOCX or XLSX) holding the entries assigned to it,
pre-filled with the current draft or, for an entry nobody has written yet, the party's approved report
of the previous round; each entry carries its id and the version the form was made from, and, when its
action has indicators, its figures (baseline, target, actual per indicator and category, pre-filled with
the saved ones as the web form is; a form without them leaves the figures as they are). The filled
file comes back through `read` (the archive checked first: offline_files.open_form), `plan` (every
entry validated by the web form's own rules, services/reporting/entries.validate, each message naming
the entry; an entry saved since the form was made is a `Conflict`, shown side by side and never
written) and, on the coordinator's confirmation, `apply`: each changed entry saved by the one save of
a web edit (`entries.save_entry`: audit, version check, an accepted entry no longer accepted). The file
is then kept as the partner's own document of the report (documents.keep_partner_file).

A file refused for what it is (not a form, macros, a zip bomb, entities, another report's or another
party's entries, entries not assigned to the institution) raises FormRefused; a form with invalid
answers InvalidForm, naming entry and field. Either way nothing is changed.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ctportal.domain import entry_fields
from ctportal.domain import indicators as ind
from ctportal.domain.errors import DomainError
from ctportal.domain.parties import display_name
from ctportal.infra import storage
from ctportal.models import (Document, Entry, EntryKind, EntryStatus, EntryWork, Indicator, Institution, Report,
                             User, db)
from ctportal.services import audit
from ctportal.services.desk.rounds import deadline_for
from ctportal.services.partner import offline_docx, offline_xlsx
from ctportal.services.partner.offline_files import (DOCX, XLSX, FiledEntry, FiledForm, FormContent, FormEntry,
                                                     FormFigure, FormRefused, clean_text, open_form)
from ctportal.services.reporting import documents, previous
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting.plan_cache import action_of
from ctportal.services.reporting.revisions import entries_by_key
from ctportal.services.review.diff import FieldChange, entry_changes

KINDS = {DOCX: documents.DOCX, XLSX: documents.XLSX}
PENDING_FOR = dt.timedelta(days=1)     # how long a previewed upload can still be confirmed
_SALT = "ctportal.offline-form"


class InvalidForm(DomainError):
    """The form's answers break the web form's rules: `problems` names the entry and the field of each."""

    status = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def label_of(entry: Entry) -> str:
    """The entry as messages name it: its action's code (and whether it is a priority or joint action)."""
    code = action_of(entry).code
    if entry.kind == EntryKind.priority:
        return str(_("Priority action on %(code)s", code=code))
    if entry.kind == EntryKind.joint:
        return str(_("Joint action %(code)s", code=code))
    return str(_("Action %(code)s", code=code))


def entries_of(report: Report, institution: Institution) -> list[Entry]:
    """The report's entries assigned to the institution, in the report's order."""
    assigned = set(db.session.scalars(sa.select(EntryWork.entry_id).where(
        EntryWork.report_id == report.id, EntryWork.institution_id == institution.id)))
    return [e for e in report.entries if e.id in assigned]


def statuses() -> list[tuple[str, str]]:
    return [(s.value, s.title) for s in EntryStatus]


def _written(entry: Entry) -> bool:
    values = entry_fields.values_of(entry)
    return entry.updated_at is not None or any(entry_fields.field_text(values, f.name) for f in entry_fields.FIELDS)


def _action_text(entry: Entry) -> str:
    """The action as the plan words it: its group's lead-in ("Each partner will …") and the action itself."""
    words = action_of(entry).words
    lead_in = words.lead_in.text.strip() if words.lead_in is not None else ""
    return f"{lead_in} {words.action.text.strip()}".strip()


def form_figures(entry: Entry, indicators: list[Indicator]) -> tuple[FormFigure, ...]:
    """The entry's figures as the form writes them, pre-filled as the web form is (the saved figures: the
    previous round's baselines and targets are carried into the draft when the round opens)."""
    typed = figure_service.typed_values(entry, indicators)
    out = []
    for indicator in indicators:
        for category in ind.categories(indicator.disaggregation):
            names = {c: figure_service.field_name(indicator, category, c) for c in ind.COLUMN_NAMES}
            out.append(FormFigure(f"fig_{indicator.id}_{category}", indicator.name,
                                  "" if category == ind.TOTAL else str(_(ind.CATEGORY_LABELS[category])),
                                  str(_(ind.unit_label(indicator.unit))),
                                  {c: typed.get(name, "") for c, name in names.items()}))
    return tuple(out)


def form_content(report: Report, institution: Institution) -> FormContent:
    before = previous.previous_round_revision(report)
    approved = entries_by_key(before) if before is not None else {}
    works = {w.entry_id: w for w in db.session.scalars(sa.select(EntryWork).where(EntryWork.report_id == report.id))}
    by_action = figure_service.indicators_for(report.round)
    items = []
    for entry in entries_of(report, institution):
        values = entry_fields.values_of(entry)
        if _written(entry):
            source = _("Pre-filled with the current draft.")
        elif entry.key in approved and before is not None:
            values = entry_service.EntryData.from_values(approved[entry.key]).values()
            source = _("Pre-filled with the approved report of %(round)s.", round=before.report.round.title)
        else:
            source = _("Not answered yet.")
        work = works.get(entry.id)
        items.append(FormEntry(entry.id, entry.version, action_of(entry).code, label_of(entry), _action_text(entry),
                               work.due_on if work else None, values, source,
                               form_figures(entry, figure_service.of_entry(entry, by_action))))
    return FormContent(report.id, institution.id, f"{display_name(report.party)} — {report.round.title}",
                       institution.name, deadline_for(report.round, report.party_id), items, statuses())


def build_form(report: Report, institution: Institution, kind: str, user: User) -> bytes:
    """The institution's form as DOCX or XLSX bytes; the download is an audit event (ids only)."""
    content = form_content(report, institution)
    data = offline_docx.build(content) if kind == DOCX else offline_xlsx.build(content)
    audit.record("offline.form_downloaded", report, actor=user, party_id=report.party_id, report_id=report.id,
                 institution_id=institution.id, kind=kind, entries=[e.entry_id for e in content.entries])
    return data


def read(data: bytes, report: Report, institution: Institution) -> tuple[str, FiledForm]:
    """The filled form's kind and entries; FormRefused when it is not this institution's form of this report."""
    kind, archive = open_form(data)
    with archive:
        filed = offline_docx.read(archive, data) if kind == DOCX else offline_xlsx.read(archive, data)
    if filed.report_id != report.id or filed.institution_id != institution.id:
        raise FormRefused(_("This form was made for another report or another institution, not for %(institution)s "
                            "in this report. Upload it on its own institution's line, or download this "
                            "institution's form. Nothing was changed.", institution=institution.name))
    if filed.problems:
        raise InvalidForm(filed.problems)
    if not filed.entries:
        raise FormRefused(_("The form holds no entry the portal can read: its tables (or hidden reference column) "
                            "were removed. Download the institution's form again. Nothing was changed."))
    return kind, filed


# --- what the file would change -----------------------------------------------------------------------

@dataclass
class EntryPlan:
    entry: Entry
    label: str
    data: entry_service.EntryData
    changes: list[FieldChange]                      # field by field, as the review page shows a diff
    conflict: entry_service.Conflict | None = None  # saved since the form was made: not applied


@dataclass
class Plan:
    entries: list[EntryPlan] = field(default_factory=list)

    @property
    def to_apply(self) -> list[EntryPlan]:
        return [p for p in self.entries if p.changes and p.conflict is None]

    @property
    def conflicts(self) -> list[EntryPlan]:
        return [p for p in self.entries if p.conflict is not None]


def _status(filed: FiledEntry, current: EntryStatus | None) -> Any:
    if filed.status is None:
        return current
    text = filed.status.strip().lower()
    if not text:
        return None
    for s in EntryStatus:
        if text in (s.value, s.value.replace("_", " "), s.title.lower()):
            return s
    return filed.status  # not a status: validate() says so, with the web form's words


def _date(value: Any) -> tuple[Any, bool]:
    if value in (None, ""):
        return None, True
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]), True
    except ValueError:
        return value, False


def _figures(saved: dict[str, str] | None, filed: dict[str, str] | None) -> dict[str, str] | None:
    """The figures as the file would leave them: None (left as they are) when the file has no figure cell
    for the entry or the action has no indicators; a figure the file does not carry is kept as saved."""
    if saved is None or filed is None:
        return None
    return {name: filed.get(name, value) for name, value in saved.items()}


def _data(entry: Entry, filed: FiledEntry, label: str, indicators: list[Indicator]
          ) -> tuple[entry_service.EntryData, list[str]]:
    """The entry as the file would leave it (fields the file does not carry kept as saved), and the dates it
    could not read."""
    saved = entry_service.EntryData.of(entry, indicators)
    texts = dict(saved.texts)
    for name, value in filed.texts.items():
        # A cell keeps no trailing space or line: an unchanged text is the saved one, not a change.
        texts[name] = saved.text(name) if clean_text(saved.text(name)) == value else value
    rows = {name: list(values) for name, values in saved.rows.items()}
    bad: list[str] = []
    for rows_field in entry_fields.ROWS_FIELDS:
        if rows_field.name not in filed.rows:
            continue
        parsed = []
        for i, row in enumerate(filed.rows[rows_field.name]):
            out: dict[str, Any] = {}
            for c in rows_field.columns:
                if c.date:
                    out[c.name], ok = _date(row.get(c.name))
                    if not ok and not entry_fields.row_is_empty(rows_field, row):
                        error = _("enter a date as YYYY-MM-DD (for example 2026-03-31).")  # the web form's words
                        bad.append(_("%(entry)s — %(problem)s", entry=label, problem=_(
                            "%(field)s, row %(row)d, %(column)s: %(error)s", field=_(rows_field.label), row=i + 1,
                            column=_(c.label).lower(), error=error)))
                        out[c.name] = None
                else:
                    out[c.name] = row.get(c.name) or ""
            parsed.append(out)
        rows[rows_field.name] = parsed
    # The file does not carry the own-language texts: they are kept as saved.
    return entry_service.EntryData(cast(Any, _status(filed, saved.status)), texts, rows,
                                   figures=_figures(saved.figures, filed.figures),
                                   original_language=saved.original_language,
                                   originals=dict(saved.originals)), bad


def _compared(entry: Entry, data: entry_service.EntryData, indicators: list[Indicator]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entry as saved and as the file would leave it, in the plain shape the diff reads (figures too)."""
    old, new = entry_fields.values_of(entry), data.values()
    if indicators:
        old["figures"] = figure_service.snapshot_of(entry, indicators)
        new["figures"] = (old["figures"] if data.figures is None
                          else figure_service.shape_of_typed(indicators, data.figures))
    return old, new


def plan(report: Report, institution: Institution, filed: FiledForm) -> Plan:
    """What applying the filed form would change, entry by entry; FormRefused for an entry id the form may
    not carry, InvalidForm for answers the web form would refuse. Changes nothing."""
    assigned = {e.id: e for e in entries_of(report, institution)}
    by_action = figure_service.indicators_for(report.round)
    seen: set[int] = set()
    result, problems = Plan(), []
    for filed_entry in filed.entries:
        entry = assigned.get(filed_entry.entry_id)
        if entry is None or filed_entry.entry_id in seen:
            raise FormRefused(_("The form names an entry (%(where)s) that is not one of the entries of this report "
                                "assigned to %(institution)s, or names it twice. A form is read only with the entries "
                                "it was made with. Nothing was changed.", where=filed_entry.where,
                                institution=institution.name))
        seen.add(entry.id)
        label = label_of(entry)
        indicators = figure_service.of_entry(entry, by_action)
        data, bad = _data(entry, filed_entry, label, indicators)
        rnd = report.round
        # A figure's message names its entry itself ("1.P1, figures, …"): it is not prefixed a second time.
        found = bad + [p.message if p.field.startswith(figure_service.FIELD_PREFIX)
                       else _("%(entry)s — %(problem)s", entry=label, problem=p.message)
                       for p in entry_service.validate(data, (rnd.period_start, rnd.period_end),
                                                       indicators=indicators, entry_code=label)]
        if found:
            problems += found
            continue
        if indicators and data.figures is not None:
            # As the web form keeps them: "1 204" is 1204, so an unchanged number is no change.
            parsed, _refused = figure_service.check(entry.key, indicators, data.figures)
            data.figures = {figure_service.field_name(i, c, col): ind.plain(parsed.get((i.id, c, col))) or ""
                            for i, c, col in figure_service.cells(indicators)}
        changes = entry_changes(*_compared(entry, data, indicators))
        conflict = None
        if changes and filed_entry.version != entry.version:
            conflict = entry_service.conflict_for(entry, data)
        result.entries.append(EntryPlan(entry, label, data, changes, conflict))
    if problems:
        raise InvalidForm(problems)
    return result


def apply(report: Report, plan_: Plan, user: User) -> list[Entry]:
    """Save every changed entry that is not in conflict, through the web form's save; flush, do not commit.
    A save that meets a conflict now (someone saved since the preview) raises FormChanged: the caller rolls
    back and shows the preview again."""
    saved = []
    for item in plan_.to_apply:
        result = entry_service.save_entry(item.entry, item.data, item.entry.version, user)
        if not isinstance(result, entry_service.Saved):
            raise FormChanged()
        saved.append(item.entry)
    return saved


class FormChanged(DomainError):
    status = 409

    def __init__(self) -> None:
        super().__init__(_("An entry of the form was saved on the portal since the preview. Read the preview "
                           "again, then confirm."))


# --- a previewed upload, waiting for the confirmation -------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def hold(data: bytes, filename: str, report: Report, institution: Institution, user: User, plan_: Plan) -> str:
    """Store the previewed file (checked, under a server-made name; no row yet) and return the signed token
    the confirmation carries: the file, the report, the institution, the user and the conflicts shown."""
    stored, sha, size, kind = documents.store_upload(io.BytesIO(data), filename)
    return _serializer().dumps({"r": report.id, "i": institution.id, "u": user.id, "f": stored, "h": sha,
                                "s": size, "n": filename[:200], "k": kind.extension,
                                "c": sorted(p.entry.id for p in plan_.conflicts)})


@dataclass(frozen=True)
class Held:
    stored: str
    sha256: str
    size: int
    filename: str
    kind: documents.FileType
    conflicts: list[int]

    def data(self) -> bytes:
        return storage.path_for("documents", self.stored).read_bytes()


def held(token: str, report: Report, institution: Institution, user: User) -> Held:
    """The upload a confirmation names, if it is this user's for this report and institution, not too old and
    not applied yet."""
    try:
        payload = _serializer().loads(token or "", max_age=int(PENDING_FOR.total_seconds()))
    except BadSignature:
        payload = None
    if (not isinstance(payload, dict) or payload.get("r") != report.id or payload.get("i") != institution.id
            or payload.get("u") != user.id or payload.get("k") not in KINDS):
        raise FormRefused(_("This confirmation has expired or does not belong to this form. Upload the file again."))
    path = storage.path_for("documents", str(payload["f"]))
    kept = db.session.scalar(sa.select(Document.id).where(Document.stored_name == str(payload["f"])))
    if kept is not None:
        raise FormRefused(_("This form has already been applied. Upload it again to see what it would change now."))
    if not path.exists() or storage.sha256_of("documents", str(payload["f"])) != payload["h"]:
        raise FormRefused(_("This confirmation has expired or does not belong to this form. Upload the file again."))
    return Held(str(payload["f"]), str(payload["h"]), int(payload["s"]), str(payload["n"]), KINDS[payload["k"]],
                [int(i) for i in payload.get("c") or []])


def keep(report: Report, held_: Held, user: User, institution: Institution, saved: list[Entry]) -> None:
    doc = documents.keep_partner_file(report, held_.stored, held_.sha256, held_.size, held_.kind, held_.filename,
                                      user)
    audit.record("offline.form_applied", report, actor=user, party_id=report.party_id, report_id=report.id,
                 institution_id=institution.id, document_id=doc.id, entries=[e.id for e in saved])


def kept_files(report: Report) -> list[Any]:
    return documents.current_documents(report, partner_internal=True)
